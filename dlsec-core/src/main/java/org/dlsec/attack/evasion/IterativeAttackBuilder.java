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
    /**
     * The iterations set, or null for the attack's default.
     */
    protected Integer steps;
    /**
     * The step size set, or null for the attack's default schedule.
     */
    protected Double stepSize;
    /**
     * The number of random starts; 1 by default.
     */
    protected int restarts = 1;

    /**
     * @param norm the norm of the budget
     * @param eps the budget ε
     */
    protected IterativeAttackBuilder(Norm norm, double eps) {
        super(norm, eps);
    }

    /**
     * Iterations T.
     *
     * @param t the number of iterations, at least 1 (checked at {@link #build()})
     * @return this builder
     */
    public B steps(int t) {
        this.steps = t;
        return self();
    }

    /**
     * The step α in the input's units.
     *
     * @param alpha the step, positive (checked at {@link #build()})
     * @return this builder
     */
    public B stepSize(double alpha) {
        this.stepSize = alpha;
        return self();
    }

    /**
     * Independent random starts; per sample the first successful one is kept.
     *
     * @param r the number of starts, at least 1 (checked at {@link #build()})
     * @return this builder
     */
    public B restarts(int r) {
        this.restarts = r;
        return self();
    }

    /**
     * The steps set, or {@code dflt}.
     *
     * @param dflt the attack's default
     * @return {@link #steps} if set, else {@code dflt}
     */
    protected int stepsOr(int dflt) {
        return steps == null ? dflt : steps;
    }

    /**
     * For an attack that chooses its own step: fails when one was set.
     *
     * @param why the message when a step size was set
     * @throws org.dlsec.core.DlsecException when a step size was set
     */
    protected void refuseStepSize(String why) {
        DlsecException.require(stepSize == null, "step size", why);
    }

    /**
     * For an attack without restarts: fails when more than one was asked for.
     *
     * @param why the message when restarts were set
     * @throws org.dlsec.core.DlsecException when more than one restart was asked for
     */
    protected void refuseRestarts(String why) {
        DlsecException.require(restarts == 1, "restarts", why);
    }
}
