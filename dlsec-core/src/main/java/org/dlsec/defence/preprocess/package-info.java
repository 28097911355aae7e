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
 *
 * <p>Example: 1-bit feature squeezing in front of a model, attacked adaptively (BPDA). The wrapper
 * does not own the model: closing it leaves the model open.
 * <pre>{@code
 * PreprocessedClassifier defended = Preprocessors.parse("squeeze:bits=1").wrap(model, true, 42L);
 * AttackResult r = Pgd.linf(0.3).build().run(defended, test);
 * System.out.println(defended.gradientKind() + ": " + r.robustAccuracy());   // bpda: ...
 * }</pre>
 */
package org.dlsec.defence.preprocess;
