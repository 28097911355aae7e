/**
 * Training of dlsec's own models: the seeded mini-batch loop with per-epoch validation, progress
 * and provenance. Defences that change training (adversarial, DP-SGD) plug in through
 * {@link org.dlsec.train.BatchTransform}. May import core, data, model and metric.
 */
package org.dlsec.train;
