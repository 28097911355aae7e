/**
 * Certified robustness: randomised smoothing (Cohen, Rosenfeld, Kolter, ICML 2019) — Monte-Carlo
 * prediction and L2 certificates with Clopper–Pearson bounds. May import: core, data, model,
 * defence, metric.
 *
 * <p>Example: certified L2 accuracy of a Gaussian-trained model at σ = 0.25 (Cohen et al.'s n0 = 100,
 * n = 1,000, α = 0.001).
 * <pre>{@code
 * RandomizedSmoothing smoothed = new RandomizedSmoothing(model,
 *         new RandomizedSmoothing.Params(0.25, 100, 1000, 0.001, 250, 42L));
 * Certification.Result r = Certification.run(smoothed, test.first(100), new double[] {0.25, 0.5, 1.0}, false);
 * double at05 = r.certifiedAccuracyAt(0.5);
 * }</pre>
 */
package org.dlsec.defence.certification;
