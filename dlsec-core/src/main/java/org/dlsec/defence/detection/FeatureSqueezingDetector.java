package org.dlsec.defence.detection;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dlsec.core.Tensors;
import org.dlsec.core.DlsecException;
import org.dlsec.data.Dataset;
import org.dlsec.defence.preprocess.BitDepthReduction;
import org.dlsec.defence.preprocess.MedianSmoothing;
import org.dlsec.defence.preprocess.Preprocessor;
import org.dlsec.model.Classifier;
import org.dlsec.model.Engines;

/**
 * <b>Feature squeezing</b> — Xu, Evans, Qi, "Feature Squeezing: Detecting Adversarial Examples in
 * Deep Neural Networks", NDSS 2018.
 *
 * <p>The score of an input x is the largest L1 distance between the model's softmax output on x and
 * on each squeezed copy of x; an input whose score exceeds a threshold is flagged. The threshold
 * is the (1 − FPR) quantile of the scores of clean inputs held out for calibration, so that the
 * stated fraction of clean inputs is flagged. For MNIST the paper's squeezers are 1-bit depth and a
 * 2×2 median filter ({@link #forInput}).
 */
public final class FeatureSqueezingDetector {
    private final Classifier model;
    private final List<Preprocessor> squeezers;
    private final int batchSize;

    /**
     * A detector comparing {@code model}'s predictions with its predictions on squeezed inputs.
     *
     * @param model the classifier; not owned, not closed
     * @param squeezers the squeezers, at least one
     * @param batchSize samples per prediction, at least 1
     * @throws org.dlsec.core.DlsecException when no squeezer is given or the batch size is below 1
     */
    public FeatureSqueezingDetector(Classifier model, List<Preprocessor> squeezers, int batchSize) {
        DlsecException.require(squeezers != null && !squeezers.isEmpty(), "squeezers", "give at least one squeezer");
        DlsecException.require(batchSize >= 1, "batch size", "must be at least 1, got " + batchSize);
        for (Preprocessor p : squeezers) {
            DlsecException.require(!p.randomised(), "squeezers", p.name() + " is randomised; a squeezer must be deterministic");
        }
        this.model = model;
        this.squeezers = List.copyOf(squeezers);
        this.batchSize = batchSize;
    }

    /**
     * The paper's squeezers for the input: 1-bit depth and 2×2 median for greyscale images (MNIST),
     * 5-bit depth and 2×2 median for colour images (its CIFAR-10 setting without non-local means).
     *
     * @param model the classifier; not owned
     * @return the detector, with batches of 250
     */
    public static FeatureSqueezingDetector forInput(Classifier model) {
        org.dlsec.model.SampleLayout layout = org.dlsec.model.SampleLayout.of(model.inputShape());
        if (layout.height() < 2 || model.inputShape().dimension() < 2) {
            // a feature vector has no neighbourhood to smooth: bit depth only
            return new FeatureSqueezingDetector(model, List.of(new BitDepthReduction(5)), 250);
        }
        int bits = layout.channels() == 1 ? 1 : 5;
        return new FeatureSqueezingDetector(model, List.of(new BitDepthReduction(bits), new MedianSmoothing(2)), 250);
    }

    /**
     * The squeezers whose predictions the detector compares with the model's.
     *
     * @return an immutable list
     */
    public List<Preprocessor> squeezers() {
        return squeezers;
    }

    /**
     * The view of {@code model} an attacker who knows this detector attacks ({@link DetectorAwareClassifier}).
     *
     * @param model the defended model
     * @return a view that does not own {@code model}
     */
    public Classifier aware(Classifier model) {
        return new DetectorAwareClassifier(model, squeezers);
    }

    /**
     * Scores of a batch (n, C, H, W): max over squeezers of ‖softmax(x) − softmax(squeeze(x))‖₁.
     *
     * @param x the batch; not closed
     * @return one score per sample, in [0, 2]; higher is more suspicious
     */
    public double[] scores(NDArray x) {
        int n = (int) x.getShape().get(0);
        double[] best = new double[n];
        try (NDManager m = x.getManager().newSubManager()) {
            NDArray xs = x.duplicate();
            xs.attach(m);
            NDArray p = model.predictProba(xs);
            long[] seeds = new long[n];
            for (Preprocessor s : squeezers) {
                NDArray q = model.predictProba(s.apply(xs, model.bounds(), seeds));
                float[] d = p.sub(q).abs().sum(new int[] {1}).toFloatArray();
                for (int i = 0; i < n; i++) {
                    best[i] = Math.max(best[i], d[i]);
                }
            }
        }
        return best;
    }

    /**
     * Scores of flattened samples (n·C·H·W floats of {@code data}'s sample shape), in batches.
     *
     * @param flat the samples' values one after the other
     * @param shapeOf a dataset whose sample shape the values have
     * @return one score per sample
     */
    public double[] scores(float[] flat, Dataset shapeOf) {
        int d = shapeOf.sampleSize();
        return batched(flat.length / d, (b, from, to) -> Tensors.floats(b, Arrays.copyOfRange(flat, from * d, to * d),
                new ai.djl.ndarray.types.Shape(to - from).addAll(shapeOf.sampleShape())));
    }

    /**
     * Scores of the first {@code limit} images of a dataset.
     *
     * @param data the images
     * @param limit the number of images, from the first
     * @return one score per image
     */
    public double[] scores(Dataset data, int limit) {
        return batched(Math.min(limit, data.size()), data::images);
    }

    /** The rows [from, to) of some input, created on the batch's manager. */
    @FunctionalInterface
    private interface Rows {
        NDArray get(NDManager batch, int from, int to);
    }

    private double[] batched(int n, Rows rows) {
        double[] out = new double[n];
        try (NDManager m = Engines.newManager()) {
            for (int from = 0; from < n; from += batchSize) {
                int to = Math.min(n, from + batchSize);
                try (NDManager b = m.newSubManager()) {
                    System.arraycopy(scores(rows.get(b, from, to)), 0, out, from, to - from);
                }
            }
        }
        return out;
    }

    /**
     * The threshold that flags a fraction {@code fpr} of the given clean scores (their (1 − fpr) quantile).
     *
     * @param cleanScores scores of clean calibration images
     * @param fpr the false-positive rate wanted, in (0, 1)
     * @return the threshold
     */
    public static double threshold(double[] cleanScores, double fpr) {
        DlsecException.require(cleanScores.length > 0, "calibration", "needs at least one clean sample");
        DlsecException.require(Double.isFinite(fpr) && fpr > 0 && fpr < 1, "fpr", "must be in (0, 1), got " + fpr);
        double[] s = cleanScores.clone();
        Arrays.sort(s);
        // the smallest t with at most ⌊fpr·n⌋ clean scores strictly above it
        int allowed = (int) Math.floor(fpr * s.length);
        return s[s.length - 1 - allowed];
    }

    /** Detection figures at a threshold: flagged fraction of adversarial inputs and of clean ones. */
    public record Evaluation(double threshold, double targetFpr, int calibration, double detectionRate, int adversarial,
            double falsePositiveRate, int clean) {
        /**
         * The figures as results record them.
         *
         * @return a new mutable map, ready for the JSON mapper
         */
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("detector", "feature-squeezing");
            m.put("paper", "Xu, Evans, Qi, NDSS 2018");
            m.put("threshold", threshold);
            m.put("targetFpr", targetFpr);
            m.put("calibrationSamples", calibration);
            m.put("detectionRate", detectionRate);
            m.put("adversarialSamples", adversarial);
            m.put("falsePositiveRate", falsePositiveRate);
            m.put("cleanSamples", clean);
            return m;
        }
    }

    /**
     * Evaluates flagged fractions at {@code threshold} (scores above it are flagged).
     *
     * @param threshold the threshold, from {@link #threshold}
     * @param targetFpr the false-positive rate the threshold was set for
     * @param calibration the number of calibration images
     * @param adversarial scores of adversarial examples
     * @param clean scores of held-out clean images
     * @return the detection rate and the false-positive rate
     */
    public static Evaluation evaluate(double threshold, double targetFpr, int calibration, double[] adversarial, double[] clean) {
        return new Evaluation(threshold, targetFpr, calibration, fractionAbove(adversarial, threshold), adversarial.length,
                fractionAbove(clean, threshold), clean.length);
    }

    private static double fractionAbove(double[] s, double t) {
        if (s.length == 0) {
            return Double.NaN;
        }
        int k = 0;
        for (double v : s) {
            k += v > t ? 1 : 0;
        }
        return (double) k / s.length;
    }

    /**
     * What results record about the detector: its squeezers and batch size.
     *
     * @return a new mutable map, ready for the JSON mapper
     */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        List<Object> sq = new ArrayList<>();
        for (Preprocessor p : squeezers) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("name", p.name());
            e.putAll(p.parameters());
            sq.add(e);
        }
        m.put("squeezers", sq);
        return m;
    }
}
