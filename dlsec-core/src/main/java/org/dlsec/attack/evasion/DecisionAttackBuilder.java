package org.dlsec.attack.evasion;

/**
 * The one-line builder of a decision-based attack that walks from a misclassified starting point towards the
 * original (HopSkipJump, Boundary): the query budget and the tries for that starting point, on top of
 * {@link AttackBuilder}. These attacks are untargeted here: a targeted run needs a starting image of the target
 * class, so {@link #targeted()} is refused at {@code build()}.
 *
 * @param <B> the concrete builder
 * @param <A> the attack it builds
 */
public abstract class DecisionAttackBuilder<B extends DecisionAttackBuilder<B, A>, A extends EvasionAttack>
        extends AttackBuilder<B, A> {
    /**
     * Queries per sample; 5,000 by default.
     */
    protected int maxQueries = 5000;
    /**
     * Random draws for a starting point; 100 by default.
     */
    protected int initTries = 100;

    /**
     * Queries per sample (default 5,000).
     *
     * @param q the query budget per sample, at least 1 (checked at {@code build()})
     * @return this builder
     */
    public B maxQueries(int q) {
        this.maxQueries = q;
        return self();
    }

    /**
     * Random draws tried for a misclassified starting point (default 100).
     *
     * @param n the number of draws, at least 1 (checked at {@code build()})
     * @return this builder
     */
    public B initTries(int n) {
        this.initTries = n;
        return self();
    }

    /**
     * Fails when {@link #targeted()} was asked for, naming the attack.
     *
     * @param attack the attack's name for the message
     * @throws org.dlsec.core.DlsecException when {@link #targeted()} was called
     */
    protected void untargetedOnly(String attack) {
        refuseTargeted(attack + " is untargeted here (a targeted run needs a starting image of the target class)");
    }
}
