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
    /**
     * Whether {@link #targeted()} was called.
     */
    protected boolean targeted;
    /**
     * The seed set with {@link #seed(long)}; 0 by default.
     */
    protected long seed;

    /**
     * This builder as its own type.
     *
     * @return {@code this}
     */
    protected abstract B self();

    /**
     * Targeted: the run's targets take the place of the labels (pass them to {@code run(model, data, targets)}).
     *
     * @return this builder
     */
    public B targeted() {
        this.targeted = true;
        return self();
    }

    /**
     * Seed of the attack's random choices (default 0; per sample they come from (seed, sample index)).
     *
     * @param s any value
     * @return this builder
     */
    public B seed(long s) {
        this.seed = s;
        return self();
    }

    /**
     * For an untargeted-only attack: fails when {@link #targeted()} was asked for.
     *
     * @param why the message when it was, e.g. {@code "deepfool is untargeted"}
     * @throws org.dlsec.core.DlsecException when {@link #targeted()} was called
     */
    protected void refuseTargeted(String why) {
        DlsecException.require(!targeted, "targeted", why);
    }

    /**
     * The attack; a bad value fails here with the parameter's name.
     *
     * @return a new, immutable attack
     * @throws org.dlsec.core.DlsecException when a parameter is out of range or not supported by the attack
     */
    public abstract A build();
}
