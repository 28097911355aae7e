/**
 * Detectors that watch a model's inputs: feature squeezing (Xu, Evans, Qi, NDSS 2018), with
 * thresholds chosen at a stated false-positive rate on clean data, and PRADA
 * ({@link org.dlsec.defence.detection.Prada}), which flags model-extraction query streams from the
 * distribution of distances between a client's successive queries. May import core, data, model,
 * metric and defence.
 */
package org.dlsec.defence.detection;
