/**
 * Defences against evasion and their honest evaluation: adversarial training and distillation
 * ({@code training}), input transformations with BPDA/EOT gradients ({@code preprocess}), the
 * feature-squeezing detector ({@code detection}), randomised-smoothing certificates
 * ({@code certification}), and checks for gradient masking (Athalye, Carlini, Wagner, ICML 2018).
 * A defence is only as good as the strongest attack that knows about it. May import: core, data,
 * model, train, metric, attack.
 */
package org.dlsec.defence;
