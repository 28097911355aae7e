package org.dlsec.metric;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.apache.commons.math3.stat.interval.ConfidenceInterval;
import org.apache.commons.math3.stat.interval.WilsonScoreInterval;
import org.dlsec.core.DlsecException;

/**
 * A 95% confidence interval of a rate measured on a finite sample, so a reader sees when 500 images are too
 * few to tell two results apart. Proportions (robust accuracy, success, fidelity, TPR) get the Wilson score
 * interval (Apache Commons Math), which stays inside [0, 1] and is sound near 0 and 1, where the normal
 * approximation is not; the AUC of a membership attack gets a stratified percentile bootstrap.
 *
 * @param lower lower end
 * @param upper upper end
 * @param method {@code wilson} or {@code bootstrap}
 */
public record Interval(double lower, double upper, String method) {
    /** The confidence level of every interval dlsec reports. */
    public static final double LEVEL = 0.95;

    /** Bootstrap resamples of {@link #bootstrapAuc}. */
    public static final int RESAMPLES = 1000;

    /**
     * Checks the ends.
     *
     * @param lower lower end
     * @param upper upper end
     * @param method {@code wilson} or {@code bootstrap}
     * @throws org.dlsec.core.DlsecException when {@code lower > upper}
     */
    public Interval {
        DlsecException.require(lower <= upper, "interval", "lower end " + lower + " above upper end " + upper);
    }

    /**
     * The Wilson score interval of {@code successes} out of {@code trials}; null when there are no trials (no
     * rate was measured).
     *
     * @param successes the count, 0 to {@code trials}
     * @param trials the number of trials, at least 0
     * @return the 95% interval inside [0, 1], or null when {@code trials} is 0
     * @throws org.dlsec.core.DlsecException when {@code successes} is out of range
     */
    public static Interval wilson(int successes, int trials) {
        DlsecException.require(successes >= 0 && successes <= trials, "successes",
                "must be in [0, " + trials + "], got " + successes);
        if (trials == 0) {
            return null;
        }
        ConfidenceInterval ci = new WilsonScoreInterval().createInterval(trials, successes, LEVEL);
        // at 0 and n successes the ends are exactly 0 and 1; Commons Math's can miss them by a rounding error
        double lower = successes == 0 ? 0 : Math.max(0, ci.getLowerBound());
        double upper = successes == trials ? 1 : Math.min(1, ci.getUpperBound());
        return new Interval(lower, upper, "wilson");
    }

    /**
     * The Wilson interval of a rate {@code rate} that was measured as a count out of {@code trials}; null when it
     * cannot be such a count (no trials, NaN, or outside [0, 1]).
     *
     * @param rate the measured rate, in [0, 1]
     * @param trials the number of trials it was measured on
     * @return the 95% interval, or null
     */
    public static Interval wilson(double rate, int trials) {
        if (trials <= 0 || Double.isNaN(rate)) {
            return null;
        }
        long k = Math.round(rate * trials);
        return k < 0 || k > trials ? null : wilson((int) k, trials);
    }

    /**
     * The percentile bootstrap interval of the ROC AUC: members and non-members are resampled with replacement
     * separately (their counts stay fixed, as in the experiment), {@link #RESAMPLES} times with {@code seed}.
     *
     * @param scores one score per sample, higher meaning "more likely a member"
     * @param member whether each sample is a member
     * @param seed the resampling seed
     * @return the 95% interval of the AUC
     * @throws org.dlsec.core.DlsecException when the arrays differ in length or one class is empty
     */
    public static Interval bootstrapAuc(double[] scores, boolean[] member, long seed) {
        DlsecException.require(scores.length == member.length, "scores", scores.length + " scores for " + member.length
                + " labels");
        int[] pos = java.util.stream.IntStream.range(0, scores.length).filter(i -> member[i]).toArray();
        int[] neg = java.util.stream.IntStream.range(0, scores.length).filter(i -> !member[i]).toArray();
        DlsecException.require(pos.length > 0 && neg.length > 0, "labels", "need members and non-members");
        for (double v : scores) {
            DlsecException.require(!Double.isNaN(v), "scores", "NaN score");
        }
        // one sort; each resample is a vector of draw counts, and its AUC one pass over the sorted scores
        int[] order = java.util.stream.IntStream.range(0, scores.length).boxed()
                .sorted((a, b) -> Double.compare(scores[b], scores[a])).mapToInt(Integer::intValue).toArray();
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] aucs = new double[RESAMPLES];
        int[] draws = new int[scores.length];
        for (int b = 0; b < RESAMPLES; b++) {
            Arrays.fill(draws, 0);
            for (int i = 0; i < pos.length; i++) {
                draws[pos[rnd.nextInt(pos.length)]]++;
            }
            for (int i = 0; i < neg.length; i++) {
                draws[neg[rnd.nextInt(neg.length)]]++;
            }
            aucs[b] = weightedAuc(scores, member, order, draws);
        }
        Arrays.sort(aucs);
        double alpha = (1 - LEVEL) / 2;
        return new Interval(quantile(aucs, alpha), quantile(aucs, 1 - alpha), "bootstrap");
    }

    /**
     * The probability that a positive outscores a negative (ties counting one half), each sample counted
     * {@code weight[i]} times; {@code order} sorts the scores from high to low. With unit weights it is
     * {@link Roc#auc()}.
     */
    static double weightedAuc(double[] scores, boolean[] member, int[] order, int[] weight) {
        double above = 0;
        double sum = 0;
        double positives = 0;
        double negatives = 0;
        for (int k = 0; k < order.length; ) {
            double s = scores[order[k]];
            double gp = 0;
            double gn = 0;
            while (k < order.length && scores[order[k]] == s) {
                int i = order[k++];
                if (member[i]) {
                    gp += weight[i];
                } else {
                    gn += weight[i];
                }
            }
            sum += gn * (above + gp / 2);
            above += gp;
            positives += gp;
            negatives += gn;
        }
        return sum / (positives * negatives);
    }

    /** Linear interpolation between the closest ranks of a sorted array. */
    private static double quantile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }

    /**
     * Whether the two intervals share a point.
     *
     * @param other another interval
     * @return true when they overlap (the two rates cannot be told apart at this level)
     */
    public boolean overlaps(Interval other) {
        return lower <= other.upper && other.lower <= upper;
    }

    /**
     * Whether {@code v} lies inside.
     *
     * @param v a value
     * @return true when {@code lower <= v <= upper}
     */
    public boolean contains(double v) {
        return v >= lower && v <= upper;
    }
}
