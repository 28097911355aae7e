package org.dlsec.attack.evasion;

import java.util.List;
import org.dlsec.data.Dataset;
import org.dlsec.model.Classifier;

/**
 * Accuracy against budget: one {@link AttackResult.Summary} per ε, as Foolbox 3 returns from one
 * call over a list of ε.
 *
 * @param attack attack name
 * @param norm the norm ε is measured in
 * @param epsilons the budgets, in the order given
 * @param points the summary at each budget
 */
public record RobustnessCurve(String attack, String norm, double[] epsilons, List<AttackResult.Summary> points) {
    /**
     * Checks that there is one point per budget and copies the list.
     *
     * @param attack attack name
     * @param norm the norm ε is measured in
     * @param epsilons the budgets, in the order given
     * @param points the summary at each budget
     * @throws IllegalArgumentException when {@code epsilons} and {@code points} differ in length
     */
    public RobustnessCurve {
        if (epsilons.length != points.size()) {
            throw new IllegalArgumentException("one point per epsilon");
        }
        points = List.copyOf(points);
    }

    /**
     * The curve of {@code attack} on {@code model} over {@code data} at each ε, in one call (Foolbox 3's
     * {@code attack(model, inputs, criterion, epsilons=[...])}): an ε-bounded attack runs once per budget, a
     * minimal-perturbation one runs once and is read at each ε ({@link EvasionRunner#sweep}). Untargeted attacks.
     *
     * @param attack the attack; an {@link EpsilonAttack} is rebuilt at each ε, a
     *        {@link MinimalPerturbationAttack} is run once
     * @param model the classifier; not closed
     * @param data the samples and their labels
     * @param epsilons the budgets, in the data's units (e.g. 0.1, 0.2, 0.3 for linf on [0, 1] pixels); at least one
     * @return the curve, one point per ε in the order given
     * @throws org.dlsec.core.DlsecException when no ε is given, the attack has no budget and several are given, or the
     *         model and data do not match
     */
    public static RobustnessCurve of(EvasionAttack attack, Classifier model, Dataset data, double... epsilons) {
        return EvasionRunner.curve(attack, epsilons,
                EvasionRunner.sweep(attack, model, data, epsilons, null, EvasionRunner.DEFAULT_BATCH, false));
    }

    /**
     * Robust accuracy at each budget, in the order of {@link #epsilons()}.
     *
     * @return a new array of values in [0, 1]
     */
    public double[] robustAccuracy() {
        return points.stream().mapToDouble(AttackResult.Summary::robustAccuracy).toArray();
    }
}
