/**
 * Evasion attacks (adversarial examples): white-box gradient attacks, score- and decision-based
 * black-box attacks, universal perturbations and transfer. Every attack implements
 * {@link org.dlsec.attack.evasion.EvasionAttack}; {@link org.dlsec.attack.evasion.EvasionRunner}
 * runs one over a dataset or a list of ε. May import: core, data, model, metric.
 */
package org.dlsec.attack.evasion;
