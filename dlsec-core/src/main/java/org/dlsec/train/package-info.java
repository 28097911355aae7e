/**
 * Training of dlsec's own models: the seeded mini-batch loop with per-epoch validation, progress
 * and provenance. Defences that change training plug in through
 * {@link org.dlsec.train.BatchTransform} (adversarial examples), {@link org.dlsec.train.BatchLoss}
 * (TRADES, distillation) and {@link org.dlsec.train.GradientStep} (DP-SGD: batch sampling and how the
 * update's gradient is formed). Non-finite batches are skipped or undone by {@link org.dlsec.train.NumericalGuard}.
 * May import: core, data, model, metric.
 */
package org.dlsec.train;
