package org.dlsec.attack.evasion;

/**
 * The one-line builder of an ε-bounded attack ({@code Pgd.linf(0.3)…build()}, {@code Square.linf(0.3)…build()}):
 * the norm and budget it starts from, on top of {@link AttackBuilder}'s seed and targeted mode.
 *
 * @param <B> the concrete builder
 * @param <A> the attack it builds
 */
public abstract class EpsilonAttackBuilder<B extends EpsilonAttackBuilder<B, A>, A extends EvasionAttack>
        extends AttackBuilder<B, A> {
    /**
     * The norm the budget is measured in.
     */
    protected final Norm norm;
    /**
     * The budget ε in the data's units, validated at {@link #build()}.
     */
    protected final double eps;

    /**
     * @param norm the norm of the budget
     * @param eps the budget ε
     */
    protected EpsilonAttackBuilder(Norm norm, double eps) {
        this.norm = norm;
        this.eps = eps;
    }
}
