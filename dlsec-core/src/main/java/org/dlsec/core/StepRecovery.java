package org.dlsec.core;

import java.util.ArrayList;
import java.util.List;

/**
 * The bookkeeping of "go back to the last finite point, halve the step, try again; give up after a
 * few tries" for an optimisation over several subjects (samples, classes, poisons): per subject a
 * step factor (1, ½, ¼, ...), a count of non-finite events, whether it was given up, and the
 * {@link NumericalIssue}s recorded on the way. The caller restores the last finite point itself.
 */
public final class StepRecovery {
    /** Non-finite events a subject may have before it is given up. */
    public static final int MAX_RETRIES = 5;

    private final String method;
    private final double[] factor;
    private final int[] events;
    private final boolean[] gaveUp;
    private final List<NumericalIssue> issues = new ArrayList<>();

    /** @param subjects how many independent subjects (0..subjects−1) are optimised */
    public StepRecovery(String method, int subjects) {
        this.method = method;
        this.factor = new double[subjects];
        java.util.Arrays.fill(factor, 1.0);
        this.events = new int[subjects];
        this.gaveUp = new boolean[subjects];
    }

    /**
     * Records that subject {@code s} went non-finite at {@code step}. Returns true when it is to be
     * retried from its last finite point with the step factor halved, false when it is given up
     * (then {@code giveUpAction} says what the result keeps for it).
     *
     * @param subject how the subject is named in the record, e.g. "sample 12"
     * @param baseStep the method's nominal step size, to state the new step; NaN when the method has none
     */
    public boolean fail(int s, String subject, int step, String problem, double baseStep, String giveUpAction) {
        return fail(s, subject, step, problem, next -> Double.isNaN(baseStep)
                ? "restarted from the last finite point with the step scaled by " + next
                : "restarted from the last finite point with step " + (float) (baseStep * next), giveUpAction);
    }

    /**
     * As above, for a method that keeps its own step size: {@code retryAction} receives the halved
     * factor and says what the retry does.
     */
    public boolean fail(int s, String subject, int step, String problem, java.util.function.DoubleFunction<String> retryAction,
            String giveUpAction) {
        events[s]++;
        if (events[s] > MAX_RETRIES) {
            gaveUp[s] = true;
            issues.add(new NumericalIssue(method, subject, step, problem, "gave up after " + MAX_RETRIES + " retries: "
                    + giveUpAction));
            return false;
        }
        factor[s] /= 2;
        issues.add(new NumericalIssue(method, subject, step, problem, retryAction.apply(factor[s])));
        return true;
    }

    /** The step factor of subject {@code s}: 1 until its first non-finite event, then halved at each. */
    public double factor(int s) {
        return factor[s];
    }

    public boolean gaveUp(int s) {
        return gaveUp[s];
    }

    /** The subjects' count of non-finite events. */
    public int events(int s) {
        return events[s];
    }

    public List<NumericalIssue> issues() {
        return List.copyOf(issues);
    }
}
