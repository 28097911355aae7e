package org.dlsec.attack.evasion;

/**
 * What every one-line builder of an ε-bounded attack shares ({@code Pgd.linf(0.3)…build()},
 * {@code Square.linf(0.3)…build()}): the norm and budget it starts from, targeted mode and the seed. Each setter
 * returns the concrete builder, so the calls chain in any order; {@link #build()} validates, naming the parameter.
 *
 * @param <B> the concrete builder
 * @param <A> the attack it builds
 */
public abstract class EpsilonAttackBuilder<B extends EpsilonAttackBuilder<B, A>, A extends EvasionAttack> {
    protected final Norm norm;
    protected final double eps;
    protected boolean targeted;
    protected long seed;

    protected EpsilonAttackBuilder(Norm norm, double eps) {
        this.norm = norm;
        this.eps = eps;
    }

    /** This builder as its own type. */
    protected abstract B self();

    /** Targeted: the run's targets take the place of the labels (pass them to {@code run(model, data, targets)}). */
    public B targeted() {
        this.targeted = true;
        return self();
    }

    /** Seed of the attack's random choices (default 0; per sample they come from (seed, sample index)). */
    public B seed(long s) {
        this.seed = s;
        return self();
    }

    /** The attack; a bad value fails here with the parameter's name. */
    public abstract A build();
}
