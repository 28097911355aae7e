/**
 * Output defences applied to a model's class probabilities before they leave a prediction API:
 * label only, top-k, rounding, reverse-sigmoid perturbation and Gaussian noise
 * ({@link org.dlsec.defence.postprocess.OutputPolicy}). They slow model extraction and weaken
 * membership inference at some cost in the information legitimate clients get. May import: core.
 *
 * <p>Example: release only the top-3 classes, with Gaussian noise (σ = 0.01) on the probabilities.
 * <pre>{@code
 * OutputPolicy policy = OutputPolicy.parse("topk:3").withNoise(0.01);
 * OutputPolicy.Answer a = policy.apply(probabilities, new SplittableRandom(42L));
 * int label = a.label();
 * }</pre>
 */
package org.dlsec.defence.postprocess;
