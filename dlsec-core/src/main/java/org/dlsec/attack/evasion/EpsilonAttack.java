package org.dlsec.attack.evasion;

/**
 * An attack bounded by a budget ε in a norm. {@link EvasionRunner#curve} runs it over a list of ε
 * (as Foolbox 3 does) and returns the robustness curve.
 */
public interface EpsilonAttack extends EvasionAttack {
    /**
     * The budget ε: the largest norm a perturbation may have, in the data's units (e.g. 0.3 of the [0, 1]
     * pixel range for linf).
     *
     * @return ε, at least 0
     */
    double epsilon();

    /**
     * The norm the budget is measured in.
     *
     * @return linf or l2
     */
    Norm norm();

    /**
     * The same attack with another budget (step sizes given relative to ε scale with it).
     *
     * @param epsilon the new budget, at least 0
     * @return a new attack; this one is unchanged
     * @throws org.dlsec.core.DlsecException when {@code epsilon} is negative or not finite
     */
    EpsilonAttack withEpsilon(double epsilon);
}
