/**
 * Certified robustness: randomised smoothing (Cohen, Rosenfeld, Kolter, ICML 2019) — Monte-Carlo
 * prediction and L2 certificates with Clopper–Pearson bounds. May import: core, data, model,
 * defence, metric.
 */
package org.dlsec.defence.certification;
