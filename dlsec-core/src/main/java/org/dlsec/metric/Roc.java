package org.dlsec.metric;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.dlsec.core.DlsecException;

/**
 * The ROC curve of a score that should be higher for positives (members, in membership inference),
 * and the figures a membership attack is judged by since Carlini et al. (2022, "Membership Inference
 * Attacks From First Principles"): AUC, the best balanced accuracy over all thresholds, and the true
 * positive rate at a low false positive rate (0.1%, 1%).
 *
 * <p>The curve has one point per distinct score (ties move together, so no order of tied samples is
 * favoured); the AUC is the area under that step-free polyline, which equals the Mann–Whitney
 * probability that a random positive outscores a random negative (ties counting one half).
 */
public final class Roc {
    /** One operating point: predict positive when score ≥ threshold. */
    public record Point(double fpr, double tpr, double threshold) {}

    private final double[] fpr;
    private final double[] tpr;
    private final double[] thresholds;
    private final int positives;
    private final int negatives;

    private Roc(double[] fpr, double[] tpr, double[] thresholds, int positives, int negatives) {
        this.fpr = fpr;
        this.tpr = tpr;
        this.thresholds = thresholds;
        this.positives = positives;
        this.negatives = negatives;
    }

    /**
     * @param scores one score per sample; higher means "more likely positive"; NaN not allowed
     * @param positive whether each sample is a positive (a member)
     * @return the ROC curve, with ties grouped
     * @throws org.dlsec.core.DlsecException when the arrays differ in length, a score is NaN, or a class is empty
     */
    public static Roc of(double[] scores, boolean[] positive) {
        DlsecException.require(scores.length == positive.length, "scores", scores.length + " scores for "
                + positive.length + " labels");
        int p = 0;
        for (int i = 0; i < scores.length; i++) {
            DlsecException.require(!Double.isNaN(scores[i]), "scores", "NaN score at index " + i);
            p += positive[i] ? 1 : 0;
        }
        int n = scores.length - p;
        DlsecException.require(p > 0 && n > 0, "labels", "need at least one positive and one negative, got " + p
                + " and " + n);
        Integer[] order = new Integer[scores.length];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, (a, b) -> Double.compare(scores[b], scores[a]));
        List<double[]> pts = new ArrayList<>();
        // the first point flags nothing: its threshold lies just above the highest score
        pts.add(new double[] {0, 0, Math.nextUp(scores[order[0]])});
        int tp = 0;
        int fp = 0;
        for (int k = 0; k < order.length; ) {
            double s = scores[order[k]];
            while (k < order.length && scores[order[k]] == s) {
                if (positive[order[k]]) {
                    tp++;
                } else {
                    fp++;
                }
                k++;
            }
            pts.add(new double[] {(double) fp / n, (double) tp / p, s});
        }
        double[] f = new double[pts.size()];
        double[] t = new double[pts.size()];
        double[] th = new double[pts.size()];
        for (int i = 0; i < pts.size(); i++) {
            f[i] = pts.get(i)[0];
            t[i] = pts.get(i)[1];
            th[i] = pts.get(i)[2];
        }
        return new Roc(f, t, th, p, n);
    }

    /**
     * The number of positive samples.
     *
     * @return at least 1
     */
    public int positives() {
        return positives;
    }

    /**
     * The number of negative samples.
     *
     * @return at least 1
     */
    public int negatives() {
        return negatives;
    }

    /**
     * Area under the curve (trapezoidal over the tie-grouped points: ties count one half).
     *
     * @return the AUC, in [0, 1]; 0.5 for chance
     */
    public double auc() {
        double a = 0;
        for (int i = 1; i < fpr.length; i++) {
            a += (fpr[i] - fpr[i - 1]) * (tpr[i] + tpr[i - 1]) / 2;
        }
        return a;
    }

    /**
     * max over thresholds of (TPR + TNR) / 2: the accuracy of the best threshold on a balanced set.
     *
     * @return a value in [0.5, 1]
     */
    public double balancedAccuracy() {
        double best = 0;
        for (int i = 0; i < fpr.length; i++) {
            best = Math.max(best, (tpr[i] + 1 - fpr[i]) / 2);
        }
        return best;
    }

    /**
     * The highest TPR among operating points whose FPR is at most {@code maxFpr}.
     *
     * @param maxFpr the largest false-positive rate accepted, in [0, 1], e.g. 0.01
     * @return the true-positive rate, in [0, 1]
     */
    public double tprAtFpr(double maxFpr) {
        DlsecException.require(maxFpr >= 0 && maxFpr <= 1, "maxFpr", "must be in [0, 1], got " + maxFpr);
        double best = 0;
        for (int i = 0; i < fpr.length; i++) {
            if (fpr[i] <= maxFpr + 1e-12) {
                best = Math.max(best, tpr[i]);
            }
        }
        return best;
    }

    /**
     * All operating points, from (0, 0) to (1, 1).
     *
     * @return an immutable list in increasing FPR
     */
    public List<Point> points() {
        List<Point> out = new ArrayList<>(fpr.length);
        for (int i = 0; i < fpr.length; i++) {
            out.add(new Point(fpr[i], tpr[i], thresholds[i]));
        }
        return out;
    }

    /**
     * At most about {@code max} points for plotting and JSON: every point whose FPR is below 1% (the
     * low-FPR region is what matters, on a log axis), then points spaced evenly over the rest; the
     * end points are always kept.
     *
     * @param max the number of points wanted, at least 2
     * @return an immutable list in increasing FPR
     */
    public List<Point> points(int max) {
        DlsecException.require(max >= 2, "max points", "must be at least 2, got " + max);
        List<Point> all = points();
        if (all.size() <= max) {
            return all;
        }
        List<Point> out = new ArrayList<>();
        int low = 0;
        while (low < all.size() && all.get(low).fpr() < 0.01 && out.size() < max / 2) {
            out.add(all.get(low++));
        }
        int rest = max - out.size();
        double step = (double) (all.size() - 1 - low) / Math.max(1, rest - 1);
        for (int j = 0; j < rest; j++) {
            int i = (int) Math.round(low + j * step);
            if (i < all.size() && (out.isEmpty() || out.get(out.size() - 1) != all.get(i))) {
                out.add(all.get(i));
            }
        }
        if (out.get(out.size() - 1) != all.get(all.size() - 1)) {
            out.add(all.get(all.size() - 1));
        }
        return out;
    }
}
