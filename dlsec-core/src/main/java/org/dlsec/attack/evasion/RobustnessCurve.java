package org.dlsec.attack.evasion;

import java.util.List;

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
    public RobustnessCurve {
        if (epsilons.length != points.size()) {
            throw new IllegalArgumentException("one point per epsilon");
        }
        points = List.copyOf(points);
    }

    public double[] robustAccuracy() {
        return points.stream().mapToDouble(AttackResult.Summary::robustAccuracy).toArray();
    }
}
