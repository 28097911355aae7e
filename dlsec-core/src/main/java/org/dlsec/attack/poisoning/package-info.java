/**
 * Training-time attacks: poisoned training sets (BadNets backdoors all-to-one and all-to-all,
 * blended triggers, label flipping, noise, the stealthy low-rate sparse-trigger attack), clean-label
 * feature-collision poisons (Poison Frogs) with their transfer-learning experiment, and the
 * experiments that train on them and measure what they did. Nothing here depends on the report or
 * the CLI. May import: core, data, model, train, metric.
 */
package org.dlsec.attack.poisoning;
