package org.dlsec.defence.certification;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Progress;
import org.dlsec.data.Dataset;
import org.dlsec.model.Engines;

/**
 * Certified accuracy of a smoothed classifier over a test set: the fraction of samples whose
 * certificate names the true class with a radius of at least r, for each r (abstentions and wrong
 * classes count as failures), as in Cohen et al.'s tables and curves.
 */
public final class Certification {
    private Certification() {}

    /** One sample's certificate next to its label. */
    public record Sample(int index, int label, int prediction, double radius, double pALower) {
        /**
         * Whether the certificate names the true class (an abstention never does).
         *
         * @return true when {@code prediction == label}
         */
        public boolean correct() {
            return prediction == label;
        }
    }

    /** Certified accuracy at each radius, abstentions, the per-sample certificates and the time. */
    public record Result(Map<String, Object> parameters, List<Sample> samples, double[] radii, double[] certifiedAccuracy,
            int abstentions, double cleanSmoothedAccuracy, double seconds) {
        /**
         * Certified accuracy at an arbitrary radius r (the fraction correct with radius ≥ r).
         *
         * @param r a radius in L2, at least 0, in the data's units
         * @return a value in [0, 1]
         */
        public double certifiedAccuracyAt(double r) {
            int ok = 0;
            for (Sample s : samples) {
                ok += s.correct() && s.radius() >= r ? 1 : 0;
            }
            return samples.isEmpty() ? 0 : (double) ok / samples.size();
        }

        /**
         * The certified-accuracy curve on a 0.01 grid of radii, one step past the largest certified radius (where it
         * reaches 0): {@code {radii, accuracies}}.
         *
         * @return two arrays of the same length: radii and certified accuracies
         */
        public double[][] curve() {
            double max = samples.stream().mapToDouble(Sample::radius).max().orElse(0);
            int points = (int) Math.ceil(max / 0.01) + 2;
            double[] cx = new double[points];
            double[] cy = new double[points];
            for (int i = 0; i < points; i++) {
                cx[i] = Math.round(i * 0.01 * 100) / 100.0;
                cy[i] = certifiedAccuracyAt(cx[i]);
            }
            return new double[][] {cx, cy};
        }

        /**
         * The fields of {@code dlsec certify --json}: the summary, the curve, the per-sample certificates, the parameters.
         *
         * @return a new mutable map
         */
        public Map<String, Object> json() {
            Map<String, Object> out = summary();
            double[][] c = curve();
            List<Map<String, Object>> rows = new ArrayList<>();
            for (int i = 0; i < c[0].length; i++) {
                rows.add(Map.of("radius", c[0][i], "certifiedAccuracy", c[1][i]));
            }
            out.put("curve", rows);
            out.put("perSample", samples);
            out.put("parameters", parameters);
            return out;
        }

        /**
         * The headline figures: certified accuracy at each radius and the abstention rate.
         *
         * @return a new mutable map
         */
        public Map<String, Object> summary() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("samples", samples.size());
            m.put("abstentions", abstentions);
            m.put("smoothedAccuracy", cleanSmoothedAccuracy);
            List<Map<String, Object>> table = new ArrayList<>();
            for (int i = 0; i < radii.length; i++) {
                table.add(Map.of("radius", radii[i], "certifiedAccuracy", certifiedAccuracy[i]));
            }
            m.put("certified", table);
            m.put("seconds", seconds);
            return m;
        }
    }

    /**
     * {@link #run(RandomizedSmoothing, Dataset, double[], boolean)} without a progress bar.
     *
     * @param smoothing the smoothed classifier
     * @param data the samples to certify
     * @param radii the L2 radii at which certified accuracy is reported
     * @return certified accuracy at each radius and the per-sample certificates
     */
    public static Result run(RandomizedSmoothing smoothing, Dataset data, double[] radii) {
        return run(smoothing, data, radii, false);
    }

    /**
     * Certifies every sample of {@code data}.
     *
     * @param smoothing the smoothed classifier
     * @param data the test samples
     * @param radii the L2 radii to report certified accuracy at, each at least 0
     * @param progress whether to show a progress bar on stderr
     * @return certified accuracy at each radius and the per-sample certificates
     */
    public static Result run(RandomizedSmoothing smoothing, Dataset data, double[] radii, boolean progress) {
        DlsecException.require(radii.length > 0, "radii", "give at least one radius");
        for (double r : radii) {
            DlsecException.require(Double.isFinite(r) && r >= 0, "radii", "must be finite and >= 0, got " + r);
        }
        int n = data.size();
        long start = System.nanoTime();
        List<Sample> samples = new ArrayList<>(n);
        int abstain = 0;
        int correct = 0;
        try (NDManager m = Engines.newManager(); Progress bar = progress ? Progress.start("certify", n) : Progress.none()) {
            for (int i = 0; i < n; i++) {
                try (NDManager s = m.newSubManager()) {
                    NDArray x = data.images(s, i, i + 1);
                    RandomizedSmoothing.Certificate c = smoothing.certify(x, i);
                    samples.add(new Sample(i, data.label(i), c.prediction(), c.radius(), c.pALower()));
                    abstain += c.abstained() ? 1 : 0;
                    correct += c.prediction() == data.label(i) ? 1 : 0;
                }
                bar.step(1);
            }
        }
        double[] acc = new double[radii.length];
        Result partial = new Result(smoothing.params().describe(), List.copyOf(samples), radii.clone(), acc, abstain,
                n == 0 ? 0 : (double) correct / n, (System.nanoTime() - start) / 1e9);
        for (int i = 0; i < radii.length; i++) {
            acc[i] = partial.certifiedAccuracyAt(radii[i]);
        }
        return partial;
    }
}
