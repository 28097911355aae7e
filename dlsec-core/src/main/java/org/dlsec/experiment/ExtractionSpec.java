package org.dlsec.experiment;

import org.dlsec.attack.extraction.ExtractionAttacks;
import org.dlsec.core.DlsecException;

/**
 * One model-extraction experiment, validated: the attack and its parameters, the split of the target's test set
 * (the Jacobian augmentation's seed images come from its start and are left out of the evaluation), and the
 * FGSM transfer measure.
 *
 * @param attack an {@link ExtractionAttacks} name
 * @param params the attack's parameters
 * @param seedSize jacobian: seed images taken from the start of the test split
 * @param testLimit evaluate on at most this many test images (null: all)
 * @param eps the FGSM budget of the transfer measure
 * @param transferLimit test images of the transfer measure (0 skips it)
 */
public record ExtractionSpec(String attack, ExtractionAttacks.Params params, int seedSize, Integer testLimit, double eps,
        int transferLimit) {
    /**
     * Canonicalises the attack's name and checks the limits.
     *
     * @param attack an {@link ExtractionAttacks} name
     * @param params the attack's parameters
     * @param seedSize jacobian: seed images taken from the start of the test split
     * @param testLimit evaluate on at most this many test images (null: all)
     * @param eps the FGSM budget of the transfer measure
     * @param transferLimit test images of the transfer measure (0 skips it)
     * @throws org.dlsec.core.DlsecException when the name is unknown, the parameters are missing, or a limit or ε is
     *         negative
     */
    public ExtractionSpec {
        attack = ExtractionAttacks.canonical(attack);
        DlsecException.require(params != null, "extraction parameters", "are missing");
        DlsecException.require(testLimit == null || testLimit >= 1, "--test-limit", "must be positive");
        DlsecException.require(Double.isFinite(eps) && eps >= 0, "--eps", "must be >= 0");
        DlsecException.require(transferLimit >= 0, "--transfer-limit", "must be >= 0");
    }

    /**
     * Whether the attack reads a query data set (knockoff and copycat).
     *
     * @return true for knockoff and copycat
     */
    public boolean usesQueryData() {
        return attack.equals("knockoff") || attack.equals("copycat");
    }

    /**
     * This spec with at most {@code max} queries to the target (a prediction API's per-client quota).
     *
     * @param max the per-client quota, at least 1
     * @return a new spec whose query budget is the smaller of its own and {@code max}
     */
    public ExtractionSpec withBudgetAtMost(int max) {
        ExtractionAttacks.Params p = params;
        if (p.budget() <= max) {
            return this;
        }
        return new ExtractionSpec(attack, new ExtractionAttacks.Params(max, p.strategy(), p.rounds(), p.lambda(), p.kappa(),
                p.arch(), p.epochs(), p.lr(), p.checkpoints(), p.seed()), seedSize, testLimit, eps, transferLimit);
    }
}
