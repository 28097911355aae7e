package org.dlsec.defence.detection;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Progress;
import org.dlsec.core.Seeds;
import org.dlsec.data.Dataset;
import org.dlsec.model.Bounds;
import org.dlsec.model.Classifier;
import org.dlsec.model.Engines;

/**
 * <b>STRIP</b> — Gao, Xu, Wang, Chen, Ranasinghe, Nepal, "STRIP: A Defence Against Trojan Attacks
 * on Deep Neural Networks", ACSAC 2019. Run-time detection of trojaned (triggered) inputs.
 *
 * <p>Each input x is superimposed with {@code overlays} clean images h drawn at random from a
 * held-out pool, x' = clip(a·x + b·h) with the weights a = {@code inputWeight}, b =
 * {@code overlayWeight} (1 and 1 by default: the plain sum of the two images used by the authors,
 * clipped to the model's input range). The model's predictions on the perturbed copies of a clean
 * input vary with the overlay, so their Shannon entropy H = −Σ p·log₂ p is high; a trigger keeps
 * sending every copy to the target class, so the mean entropy over the copies stays low. An input
 * whose mean entropy is below a threshold is rejected as trojaned.
 *
 * <p>The threshold is set on the entropies of clean calibration inputs for a chosen false
 * rejection rate: either their FRR-quantile ({@link ThresholdRule#PERCENTILE}, the default: at most
 * ⌊FRR·n⌋ calibration inputs fall strictly below it) or, as in the paper, from a normal fit of their
 * entropy distribution, μ + σ·Φ⁻¹(FRR) ({@link ThresholdRule#NORMAL}). The detector is then scored
 * as the paper does: FRR = share of (other, held-out) clean inputs rejected; FAR = share of triggered
 * inputs accepted as clean.
 *
 * <p>The overlays of input i are drawn, without replacement when the pool is large enough, from a
 * generator seeded with (seed, stream, i), so results do not depend on batching. The perturbed
 * copies of several inputs go through the model in one batch of up to {@link #MAX_BATCH} images.
 *
 * @param overlays N, clean images superimposed on each input, 1..10000
 * @param frr target false rejection rate of the threshold, in (0, 1)
 * @param rule how the threshold is derived from the clean entropies
 * @param inputWeight weight a of the input in the superimposition, in (0, 10]
 * @param overlayWeight weight b of the overlay image, in (0, 10]
 * @param seed seed of the overlay draws
 */
public record Strip(int overlays, double frr, ThresholdRule rule, double inputWeight, double overlayWeight, long seed) {
    /**
     * The parameters a run records in its JSON (N, the target FRR and the threshold rule).
     *
     * @return a new mutable map, ready for the JSON mapper
     */
    public java.util.Map<String, Object> describe() {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("overlays", overlays);
        m.put("frr", frr);
        m.put("stripRule", rule.name().toLowerCase(java.util.Locale.ROOT));
        return m;
    }

    /**
     * The paper the detector implements, as results cite it.
     */
    public static final String PAPER = "Gao et al., STRIP: A Defence Against Trojan Attacks on Deep Neural Networks,"
            + " ACSAC 2019";
    /** Upper bound on the perturbed images that go through the model at once. */
    public static final int MAX_BATCH = 2000;

    /** How the rejection threshold follows from the entropies of clean inputs. */
    public enum ThresholdRule {
        /** The FRR-quantile of the clean entropies. */
        PERCENTILE,
        /** μ + σ·Φ⁻¹(FRR) of a normal distribution fitted to the clean entropies (the paper's rule). */
        NORMAL;

        /**
         * Reads a rule's name.
         *
         * @param s {@code percentile} or {@code normal}; case and blanks ignored
         * @return the rule
         * @throws org.dlsec.core.DlsecException when the name is unknown
         */
        public static ThresholdRule parse(String s) {
            String n = s == null ? "" : s.trim().toUpperCase(Locale.ROOT);
            for (ThresholdRule r : values()) {
                if (r.name().equals(n)) {
                    return r;
                }
            }
            throw new DlsecException("unknown STRIP threshold rule '" + org.dlsec.core.Text.echo(s) + "': expected percentile or normal");
        }
    }

    /**
     * Checks every parameter.
     *
     * @param overlays N, clean images superimposed on each input, 1..10000
     * @param frr target false rejection rate of the threshold, in (0, 1)
     * @param rule how the threshold is derived from the clean entropies
     * @param inputWeight weight a of the input in the superimposition, in (0, 10]
     * @param overlayWeight weight b of the overlay image, in (0, 10]
     * @param seed seed of the overlay draws
     * @throws org.dlsec.core.DlsecException when a parameter is outside its range; the message names it
     */
    public Strip {
        DlsecException.require(overlays >= 1 && overlays <= 10_000, "overlays", "N must be in 1..10000, got " + overlays);
        DlsecException.require(Double.isFinite(frr) && frr > 0 && frr < 1, "frr", "must be in (0, 1), got " + frr);
        DlsecException.require(rule != null, "threshold rule", "must be given (percentile or normal)");
        DlsecException.require(Double.isFinite(inputWeight) && inputWeight > 0 && inputWeight <= 10, "input weight",
                "must be in (0, 10], got " + inputWeight);
        DlsecException.require(Double.isFinite(overlayWeight) && overlayWeight > 0 && overlayWeight <= 10, "overlay weight",
                "must be in (0, 10], got " + overlayWeight);
    }

    /**
     * N = 100 overlays, threshold at 5% FRR as the FRR-quantile of clean entropies, weights 1 and 1.
     *
     * @param seed seed of the overlay draws
     * @return the detector
     */
    public static Strip defaults(long seed) {
        return new Strip(100, 0.05, ThresholdRule.PERCENTILE, 1, 1, seed);
    }

    /**
     * The mean prediction entropy (bits) of every input of {@code inputs} over its N superimpositions
     * with images of {@code pool}.
     *
     * @param model the classifier; not closed
     * @param inputs the inputs to score
     * @param pool the images superimposed on them
     * @param stream distinguishes independent uses of the same inputs (e.g. calibration and evaluation)
     * @param bar the progress bar to advance
     * @return one entropy per input, in bits; low entropy means a trigger dominates
     */
    public double[] entropies(Classifier model, Dataset inputs, Dataset pool, long stream, Progress bar) {
        DlsecException.require(pool.size() > 0, "overlay pool", "needs clean images to superimpose");
        DlsecException.require(inputs.sampleShape().equals(model.inputShape()), "data", "shape " + inputs.sampleShape()
                + " does not match the model's input " + model.inputShape());
        DlsecException.require(pool.sampleShape().equals(inputs.sampleShape()), "overlay pool", "shape "
                + pool.sampleShape() + " differs from the inputs' " + inputs.sampleShape());
        int n = inputs.size();
        double[] out = new double[n];
        int per = Math.max(1, MAX_BATCH / overlays);
        Bounds b = model.bounds();
        Shape sample = inputs.sampleShape();
        try (NDManager base = Engines.newManager()) {
            for (int from = 0; from < n; from += per) {
                int to = Math.min(n, from + per);
                int rows = to - from;
                int[] idx = new int[rows * overlays];
                for (int i = from; i < to; i++) {
                    System.arraycopy(draw(pool.size(), stream, i), 0, idx, (i - from) * overlays, overlays);
                }
                try (NDManager m = base.newSubManager()) {
                    NDArray x = inputs.images(m, from, to);
                    Shape expanded = new Shape(rows, overlays).addAll(sample);
                    Shape flat = new Shape(rows * (long) overlays).addAll(sample);
                    NDArray xs = x.expandDims(1).broadcast(expanded).reshape(flat);
                    NDArray h = pool.gather(m, idx);
                    NDArray mixed = b.clip(xs.mul((float) inputWeight).add(h.mul((float) overlayWeight)));
                    NDArray p = model.predictProba(mixed).clip(1e-12f, 1f);
                    NDArray entropy = p.mul(p.log()).sum(new int[] {1}).neg().div((float) Math.log(2));
                    float[] mean = entropy.reshape(rows, overlays).mean(new int[] {1}).toFloatArray();
                    for (int i = 0; i < rows; i++) {
                        out[from + i] = mean[i];
                    }
                }
                bar.step(rows);
            }
        }
        return out;
    }

    /** The overlay indices of input {@code i}: N draws, distinct when the pool holds at least N images. */
    int[] draw(int poolSize, long stream, int i) {
        SplittableRandom rnd = Seeds.forSample(Seeds.mix(seed, stream), i);
        int[] out = new int[overlays];
        if (poolSize < overlays) {
            for (int k = 0; k < overlays; k++) {
                out[k] = rnd.nextInt(poolSize);
            }
            return out;
        }
        Set<Integer> seen = new HashSet<>();
        for (int k = 0; k < overlays; k++) {
            int j;
            do {
                j = rnd.nextInt(poolSize);
            } while (!seen.add(j));
            out[k] = j;
        }
        return out;
    }

    /**
     * The rejection threshold for the target FRR from the entropies of clean calibration inputs.
     *
     * @param cleanEntropies entropies of clean calibration inputs
     * @return the threshold; inputs below it are rejected
     */
    public double threshold(double[] cleanEntropies) {
        DlsecException.require(cleanEntropies.length > 0, "calibration", "needs at least one clean input");
        if (rule == ThresholdRule.NORMAL) {
            Summary s = Summary.of(cleanEntropies);
            if (!(s.std() > 0)) {
                return s.mean();
            }
            return new NormalDistribution(null, s.mean(), s.std()).inverseCumulativeProbability(frr);
        }
        double[] s = cleanEntropies.clone();
        Arrays.sort(s);
        // the largest sample value with at most ⌊frr·n⌋ clean entropies strictly below it
        return s[(int) Math.floor(frr * s.length)];
    }

    /**
     * Share of {@code entropies} strictly below {@code threshold}: the inputs STRIP rejects as trojaned.
     *
     * @param entropies the inputs' entropies
     * @param threshold the threshold
     * @return a share in [0, 1]
     */
    public static double rejected(double[] entropies, double threshold) {
        if (entropies.length == 0) {
            return Double.NaN;
        }
        int k = 0;
        for (double e : entropies) {
            k += e < threshold ? 1 : 0;
        }
        return (double) k / entropies.length;
    }

    /** Count, mean, standard deviation and quantiles of a set of entropies. */
    public record Summary(int count, double mean, double std, double min, double p05, double median, double p95, double max) {
        /**
         * The summary of {@code v}.
         *
         * @param v the entropies; not modified
         * @return the summary (NaN figures when empty)
         */
        public static Summary of(double[] v) {
            if (v.length == 0) {
                return new Summary(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
            }
            double[] s = v.clone();
            Arrays.sort(s);
            double mean = Arrays.stream(s).average().orElse(Double.NaN);
            double var = 0;
            for (double x : s) {
                var += (x - mean) * (x - mean);
            }
            double std = s.length > 1 ? Math.sqrt(var / (s.length - 1)) : 0;
            return new Summary(s.length, mean, std, s[0], quantile(s, 0.05), quantile(s, 0.5), quantile(s, 0.95), s[s.length - 1]);
        }

        private static double quantile(double[] sorted, double q) {
            double pos = q * (sorted.length - 1);
            int lo = (int) Math.floor(pos);
            int hi = Math.min(sorted.length - 1, lo + 1);
            return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
        }
    }

    /**
     * The figures of one STRIP evaluation.
     *
     * @param threshold inputs with mean entropy below it are rejected as trojaned
     * @param calibrationFrr share of the calibration inputs below the threshold (≤ the target by
     *        construction with the percentile rule)
     * @param frr share of the held-out clean inputs rejected
     * @param far share of the triggered inputs accepted as clean (NaN without triggered inputs)
     * @param calibration entropies of the clean calibration inputs
     * @param clean entropies of the held-out clean inputs
     * @param triggered entropies of the triggered inputs (empty without them)
     */
    public record Result(Strip params, int poolSize, double threshold, double calibrationFrr, double frr, double far,
            double[] calibration, double[] clean, double[] triggered, double seconds) {
        /**
         * The figures as results record them.
         *
         * @return a new mutable map, ready for the JSON mapper
         */
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("detector", "strip");
            m.put("paper", PAPER);
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("overlays", params.overlays());
            p.put("targetFrr", params.frr());
            p.put("thresholdRule", params.rule().name().toLowerCase(Locale.ROOT));
            p.put("inputWeight", params.inputWeight());
            p.put("overlayWeight", params.overlayWeight());
            p.put("seed", params.seed());
            p.put("overlayPool", poolSize);
            m.put("parameters", p);
            m.put("threshold", threshold);
            m.put("calibrationFrr", calibrationFrr);
            m.put("frr", frr);
            m.put("far", Double.isNaN(far) ? null : far);
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("calibration", Summary.of(calibration));
            e.put("clean", Summary.of(clean));
            if (triggered.length > 0) {
                e.put("triggered", Summary.of(triggered));
            }
            m.put("entropies", e);
            m.put("seconds", seconds);
            return m;
        }
    }

    /**
     * Calibrates the threshold on {@code calibration}, then scores it on the held-out clean inputs
     * {@code clean} (FRR) and on {@code triggered} (FAR; may be null when no triggered inputs are
     * available, then FAR is NaN). The three sets and the overlay pool should be disjoint.
     *
     * @param model the classifier; not closed
     * @param pool the overlay images
     * @param calibration clean inputs the threshold is set on
     * @param clean held-out clean inputs
     * @param triggered triggered inputs, or null
     * @param progress whether to show a progress bar on stderr
     * @return the threshold and the FRR and FAR
     */
    public Result evaluate(Classifier model, Dataset pool, Dataset calibration, Dataset clean, Dataset triggered,
            boolean progress) {
        DlsecException.require(calibration.size() > 0, "calibration", "needs clean inputs");
        DlsecException.require(clean.size() > 0, "held-out clean inputs", "needs clean inputs");
        long t0 = System.nanoTime();
        long total = calibration.size() + clean.size() + (triggered == null ? 0 : triggered.size());
        try (Progress bar = progress ? Progress.start("strip", total) : Progress.none()) {
            double[] cal = entropies(model, calibration, pool, 1, bar);
            double t = threshold(cal);
            double[] cl = entropies(model, clean, pool, 2, bar);
            double[] tr = triggered == null || triggered.size() == 0 ? new double[0] : entropies(model, triggered, pool, 3, bar);
            double far = tr.length == 0 ? Double.NaN : 1 - rejected(tr, t);
            return new Result(this, pool.size(), t, rejected(cal, t), rejected(cl, t), far, cal, cl, tr,
                    (System.nanoTime() - t0) / 1e9);
        }
    }

    /**
     * Splits a clean set the defender holds into the three disjoint parts STRIP needs, at random with
     * {@code seed}: the overlay pool, the calibration inputs and the held-out clean inputs (a third each).
     *
     * @param clean the defender's clean set, at least 3 samples
     * @param seed the split's seed
     * @return {pool, calibration, held-out}
     */
    public static Dataset[] split(Dataset clean, long seed) {
        DlsecException.require(clean.size() >= 3, "data", "STRIP needs at least 3 clean images, got " + clean.size());
        int[] perm = clean.permutation(Seeds.mix(seed, 0x57121FL));
        int a = clean.size() / 3;
        int b = 2 * clean.size() / 3;
        int[][] parts = {Arrays.copyOfRange(perm, 0, a), Arrays.copyOfRange(perm, a, b), Arrays.copyOfRange(perm, b, perm.length)};
        String[] names = {"STRIP overlay pool", "STRIP calibration", "STRIP held-out clean"};
        Dataset[] out = new Dataset[3];
        for (int k = 0; k < 3; k++) {
            Arrays.sort(parts[k]);
            out[k] = clean.subset(parts[k], names[k] + " (seed " + seed + ")");
        }
        return out;
    }
}
