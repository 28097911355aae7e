/**
 * Detectors that watch a model's inputs rather than change its answers: PRADA
 * ({@link org.dlsec.defence.detection.Prada}), which flags model-extraction query streams from the
 * distribution of distances between a client's successive queries. May import core and metric.
 */
package org.dlsec.defence.detection;
