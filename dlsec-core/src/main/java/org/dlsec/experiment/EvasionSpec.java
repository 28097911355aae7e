package org.dlsec.experiment;

import java.util.List;
import org.dlsec.attack.evasion.AttackSpec;
import org.dlsec.attack.evasion.EpsilonAttack;
import org.dlsec.attack.evasion.EvasionAttack;
import org.dlsec.attack.evasion.EvasionAttacks;
import org.dlsec.attack.evasion.MinimalPerturbationAttack;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Text;

/**
 * One evasion experiment, validated: the attack (its spec carries the first budget), the budgets of a robustness
 * curve, the batch size, and an optional feature-squeezing detector run on the adversarial examples.
 *
 * @param attack the attack's spec
 * @param budgets ε values, in order (one, or several for a curve: ε-bounded attacks run at each, minimal-perturbation
 *        attacks run once and are read at each from their distances)
 * @param batchSize samples per batch (results do not depend on it)
 * @param detection the detector, or null
 */
public record EvasionSpec(AttackSpec attack, List<Double> budgets, int batchSize, Detection detection) {
    /**
     * Copies the budgets and checks that the attack can be built and suits them.
     *
     * @param attack the attack's spec
     * @param budgets ε values, in order (one, or several for a curve: ε-bounded attacks run at each, minimal-perturbation
     *        attacks run once and are read at each from their distances)
     * @param batchSize samples per batch (results do not depend on it)
     * @param detection the detector, or null
     * @throws org.dlsec.core.DlsecException when no budget is given, the attack spec is invalid, or several budgets are
     *         given for an attack that has none
     */
    public EvasionSpec {
        budgets = List.copyOf(budgets);
        DlsecException.require(!budgets.isEmpty(), "--eps", "give at least one budget");
        EvasionAttack a = EvasionAttacks.create(attack);
        if (budgets.size() > 1 && !(a instanceof EpsilonAttack) && !(a instanceof MinimalPerturbationAttack)) {
            throw new DlsecException("attack '" + Text.echo(a.name()) + "' has no ε budget and does not minimise a"
                    + " distance: give at most one --eps");
        }
    }

    /**
     * Feature squeezing (Xu et al. 2018) on the adversarial examples of the last budget, its threshold set at a
     * false-positive rate on clean images drawn from the other split.
     *
     * @param fpr the false-positive rate on the calibration images, in (0, 1)
     * @param calibration clean calibration images
     */
    public record Detection(double fpr, int calibration) {
        /**
         * Checks the detector's settings.
         *
         * @param fpr the false-positive rate on the calibration images, in (0, 1)
         * @param calibration clean calibration images
         * @throws org.dlsec.core.DlsecException when {@code calibration} is below 1 or {@code fpr} is outside (0, 1)
         */
        public Detection {
            DlsecException.require(calibration >= 1, "--calibration", "must be at least 1, got " + calibration);
            DlsecException.require(Double.isFinite(fpr) && fpr > 0 && fpr < 1, "--detect-fpr", "must be in (0, 1), got " + fpr);
        }
    }

    /**
     * The norm the budgets are read in: a minimal-perturbation attack's own over several budgets, else the spec's.
     *
     * @return {@code linf}, {@code l2} or {@code l0}
     */
    public String normName() {
        return budgets.size() > 1 && EvasionAttacks.create(attack) instanceof MinimalPerturbationAttack m
                ? m.distanceNorm().cliName() : attack.norm().cliName();
    }
}
