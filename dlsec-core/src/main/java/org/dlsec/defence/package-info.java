/**
 * Defences against evasion and their honest evaluation: adversarial training and distillation
 * ({@code training}), input transformations with BPDA/EOT gradients ({@code preprocess}), the
 * feature-squeezing detector ({@code detection}), randomised-smoothing certificates
 * ({@code certification}), and checks for gradient masking (Athalye, Carlini, Wagner, ICML 2018).
 * A defence is only as good as the strongest attack that knows about it. May import: core, data,
 * model, train, metric, attack.
 *
 * <p>Example: check a defended model for gradient masking before trusting its robust accuracy.
 * <pre>{@code
 * GradientMaskingChecks.Result r = GradientMaskingChecks.run(model, test.first(500),
 *         new GradientMaskingChecks.Config(0.3, 1000, 0.02, 42L), false);
 * for (GradientMaskingChecks.Check c : r.checks()) {
 *     System.out.println(c.name() + (c.flagged() ? ": MASKING, " : ": ok, ") + c.meaning());
 * }
 * }</pre>
 */
package org.dlsec.defence;
