/**
 * Input transformations placed in front of any classifier ({@link
 * org.dlsec.defence.preprocess.PreprocessedClassifier}): feature squeezing by bit-depth reduction
 * and median smoothing (Xu, Evans, Qi, NDSS 2018), quantisation to fixed levels (QuSecNets, Khalid
 * et al. 2019), spatial mean smoothing, and randomised Gaussian noise. Each states whether it is
 * differentiable and randomised; the decorator gives a naive attacker the exact (possibly masked)
 * gradient and an adaptive one BPDA (Athalye, Carlini, Wagner, ICML 2018) and EOT (Athalye et al.,
 * ICML 2018) gradients.
 *
 * <p>The (x − mean) / std a model was trained with is not a defence and lives with the model:
 * {@link org.dlsec.model.NormalizedClassifier}.
 *
 * <p>May import: core, data, model, defence.
 */
package org.dlsec.defence.preprocess;
