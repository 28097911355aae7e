/**
 * Training-time attacks: poisoned training sets (BadNets backdoors all-to-one and all-to-all,
 * blended triggers, label flipping, noise, the stealthy low-rate sparse-trigger attack), clean-label
 * feature-collision poisons (Poison Frogs) with their transfer-learning experiment, and the
 * experiments that train on them and measure what they did. Nothing here depends on the report or
 * the CLI. May import: core, data, model, train, metric.
 *
 * <p>Example: BadNets with a 3×3 patch towards class 0 on 10% of the MNIST training set, and the two
 * victims it is measured on (trained with the same seed).
 * <pre>{@code
 * PoisoningAttack badnets = PoisoningAttacks.create("badnets", PoisoningAttacks.Params.defaults(0.1, 42L));
 * Poisoned poisoned = badnets.poison(train);
 * PoisoningExperiment.Result r = PoisoningExperiment.run(Architecture.LENET5, train, poisoned, test,
 *         TrainConfig.defaults(3, 42L), badnets.trigger(), badnets.targetClass(), false);
 * System.out.println("clean " + r.cleanModelAccuracy() + ", attack success " + r.attackSuccessRate());
 * }</pre>
 */
package org.dlsec.attack.poisoning;
