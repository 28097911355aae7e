package org.dlsec.attack.evasion;

/**
 * An attack that searches for the smallest successful perturbation in a norm rather than within a budget (C&amp;W,
 * DeepFool, HopSkipJump, Boundary; Foolbox's minimisation attacks). One run answers every budget: at ε, a sample
 * counts as broken when the attack fooled it with a perturbation of norm at most ε ({@link AttackResult#withinBudget}).
 */
public interface MinimalPerturbationAttack extends EvasionAttack {
    /**
     * The norm whose distance the attack minimises, in which its budgets are read.
     *
     * @return l2 or linf
     */
    Norm distanceNorm();
}
