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

    /**
     * Starts the bookkeeping with every subject at step factor 1. Not thread-safe: use one instance per
     * optimisation, from one thread.
     *
     * @param method the method's name as it appears in the recorded issues, e.g. {@code "cw"}
     * @param subjects how many independent subjects (0..subjects−1) are optimised, at least 0
     */
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
     * @param s the subject's index, 0 to subjects−1
     * @param subject how the subject is named in the record, e.g. "sample 12"
     * @param step the iteration at which it happened, 0-based
     * @param problem what was not finite, e.g. {@code "non-finite gradient"}
     * @param baseStep the method's nominal step size, to state the new step; NaN when the method has none
     * @param giveUpAction what the result keeps for a subject that is given up, e.g. {@code "kept the clean input"}
     * @return true to retry with the halved factor ({@link #factor(int)}), false when the subject is given up
     *         after {@value #MAX_RETRIES} retries
     */
    public boolean fail(int s, String subject, int step, String problem, double baseStep, String giveUpAction) {
        return fail(s, subject, step, problem, next -> Double.isNaN(baseStep)
                ? "restarted from the last finite point with the step scaled by " + next
                : "restarted from the last finite point with step " + (float) (baseStep * next), giveUpAction);
    }

    /**
     * As above, for a method that keeps its own step size: {@code retryAction} receives the halved
     * factor and says what the retry does.
     *
     * @param s the subject's index, 0 to subjects−1
     * @param subject how the subject is named in the record, e.g. "sample 12"
     * @param step the iteration at which it happened, 0-based
     * @param problem what was not finite
     * @param retryAction receives the new (halved) factor and returns the action recorded for a retry
     * @param giveUpAction what the result keeps for a subject that is given up
     * @return true to retry, false when the subject is given up after {@value #MAX_RETRIES} retries
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

    /**
     * The step factor of subject {@code s}: 1 until its first non-finite event, then halved at each.
     *
     * @param s the subject's index, 0 to subjects−1
     * @return 1, ½, ¼, ... ; multiply the method's step size by it
     */
    public double factor(int s) {
        return factor[s];
    }

    /**
     * Whether subject {@code s} was given up after too many non-finite events.
     *
     * @param s the subject's index, 0 to subjects−1
     * @return true once {@link #fail} returned false for it
     */
    public boolean gaveUp(int s) {
        return gaveUp[s];
    }

    /**
     * The subjects' count of non-finite events.
     *
     * @param s the subject's index, 0 to subjects−1
     * @return how many times {@link #fail} was called for it
     */
    public int events(int s) {
        return events[s];
    }

    /**
     * The issues recorded so far, retries and give-ups, in the order they happened.
     *
     * @return an immutable copy
     */
    public List<NumericalIssue> issues() {
        return List.copyOf(issues);
    }
}
