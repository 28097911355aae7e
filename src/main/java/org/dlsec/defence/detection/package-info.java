/**
 * Detectors of adversarial inputs: feature squeezing (Xu, Evans, Qi, NDSS 2018), with thresholds
 * chosen at a stated false-positive rate on clean data. May import core, data, model, defence.
 */
package org.dlsec.defence.detection;
