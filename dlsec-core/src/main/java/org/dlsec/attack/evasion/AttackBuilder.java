package org.dlsec.attack.evasion;

import org.dlsec.core.DlsecException;

/**
 * What every one-line attack builder shares: the seed and targeted mode. Setters return the concrete builder, so
 * calls chain in any order; {@link #build()} validates, naming the parameter. An attack that is untargeted only
 * refuses {@link #targeted()} at {@code build()} ({@link #refuseTargeted}).
 *
 * @param <B> the concrete builder
 * @param <A> the attack it builds
 */
public abstract class AttackBuilder<B extends AttackBuilder<B, A>, A extends EvasionAttack> {
    protected boolean targeted;
    protected long seed;

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

    /** For an untargeted-only attack: fails when {@link #targeted()} was asked for. */
    protected void refuseTargeted(String why) {
        DlsecException.require(!targeted, "targeted", why);
    }

    /** The attack; a bad value fails here with the parameter's name. */
    public abstract A build();
}
