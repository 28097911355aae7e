/**
 * Output defences applied to a model's class probabilities before they leave a prediction API:
 * label only, top-k, rounding, reverse-sigmoid perturbation and Gaussian noise
 * ({@link org.dlsec.defence.postprocess.OutputPolicy}). They slow model extraction and weaken
 * membership inference at some cost in the information legitimate clients get. May import: core.
 */
package org.dlsec.defence.postprocess;
