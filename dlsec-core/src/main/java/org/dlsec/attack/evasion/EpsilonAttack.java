package org.dlsec.attack.evasion;

/**
 * An attack bounded by a budget ε in a norm. {@link EvasionRunner#curve} runs it over a list of ε
 * (as Foolbox 3 does) and returns the robustness curve.
 */
public interface EpsilonAttack extends EvasionAttack {
    double epsilon();

    Norm norm();

    /** The same attack with another budget (step sizes given relative to ε scale with it). */
    EpsilonAttack withEpsilon(double epsilon);
}
