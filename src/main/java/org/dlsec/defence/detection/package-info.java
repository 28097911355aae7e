/**
 * Detectors of adversarial inputs and of poisoned training data: feature squeezing (Xu, Evans, Qi,
 * NDSS 2018), with thresholds chosen at a stated false-positive rate on clean data; spectral
 * signatures (Tran, Li, Madry, NeurIPS 2018) and activation clustering (Chen et al. 2018) over a
 * model's penultimate-layer activations. May import core, data, model, metric, train, defence.
 */
package org.dlsec.defence.detection;
