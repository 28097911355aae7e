package org.dlsec.attack.evasion;

import org.dlsec.core.DlsecException;

/**
 * The one-line builder of an iterative gradient attack (PGD, MI-FGSM, APGD): iterations, step size and restarts on
 * top of {@link EpsilonAttackBuilder}. Unset values take the attack's own default at {@link #build()}; an attack that
 * has no such parameter refuses it there ({@link #refuseStepSize}, {@link #refuseRestarts}).
 *
 * @param <B> the concrete builder
 * @param <A> the attack it builds
 */
public abstract class IterativeAttackBuilder<B extends IterativeAttackBuilder<B, A>, A extends EvasionAttack>
        extends EpsilonAttackBuilder<B, A> {
    protected Integer steps;
    protected Double stepSize;
    protected int restarts = 1;

    protected IterativeAttackBuilder(Norm norm, double eps) {
        super(norm, eps);
    }

    /** Iterations T. */
    public B steps(int t) {
        this.steps = t;
        return self();
    }

    /** The step α in the input's units. */
    public B stepSize(double alpha) {
        this.stepSize = alpha;
        return self();
    }

    /** Independent random starts; per sample the first successful one is kept. */
    public B restarts(int r) {
        this.restarts = r;
        return self();
    }

    /** The steps set, or {@code dflt}. */
    protected int stepsOr(int dflt) {
        return steps == null ? dflt : steps;
    }

    /** For an attack that chooses its own step: fails when one was set. */
    protected void refuseStepSize(String why) {
        DlsecException.require(stepSize == null, "step size", why);
    }

    /** For an attack without restarts: fails when more than one was asked for. */
    protected void refuseRestarts(String why) {
        DlsecException.require(restarts == 1, "restarts", why);
    }
}
