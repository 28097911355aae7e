package org.dlsec.defence.detection;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.dlsec.core.DlsecException;

/**
 * <b>Spectral signatures</b> — Tran, Li, Madry, "Spectral Signatures in Backdoor Attacks",
 * NeurIPS 2018.
 *
 * <p>For each class, the learned representations (penultimate-layer activations of the model
 * trained on the possibly poisoned data) are centred; the score of a sample is its squared
 * projection on the top singular vector of the centred matrix. A backdoor leaves a sub-population
 * whose mean is far from the class mean, and that difference dominates the top singular direction,
 * so the poisons get the largest scores. As in the paper, the {@code removal}·ε·n highest-scoring
 * samples of every class of size n are flagged, ε being an upper bound on the poisoned share of a
 * class (the paper uses removal = 1.5).
 *
 * <p>The paper's rule flags the same share of every class, which costs clean samples in the classes
 * the attacker did not touch. With {@code minTopShare} &gt; 0 only classes whose top direction
 * explains at least that share of the variance are treated (a poisoned class is dominated by one
 * direction; this filter is dlsec's addition, off at 0).
 *
 * @param epsilon upper bound on the fraction of a class that is poisoned, in (0, 0.5]
 * @param removal multiple of ε·n removed per class, in (0, 10] (paper: 1.5)
 * @param minTopShare classes whose top singular direction explains less of the variance are left
 *        alone, in [0, 1) (0 = every class, the paper's rule)
 */
public record SpectralSignatures(double epsilon, double removal, double minTopShare) implements PoisonDetector {
    /**
     * The paper the detector implements, as results cite it.
     */
    public static final String PAPER = "Tran, Li, Madry, Spectral Signatures in Backdoor Attacks, NeurIPS 2018";

    /**
     * Checks every parameter.
     *
     * @param epsilon upper bound on the fraction of a class that is poisoned, in (0, 0.5]
     * @param removal multiple of ε·n removed per class, in (0, 10] (paper: 1.5)
     * @param minTopShare classes whose top singular direction explains less of the variance are left
     *        alone, in [0, 1) (0 = every class, the paper's rule)
     * @throws org.dlsec.core.DlsecException when a parameter is outside its range; the message names it
     */
    public SpectralSignatures {
        DlsecException.require(epsilon > 0 && epsilon <= 0.5, "epsilon", "must be in (0, 0.5], got " + epsilon);
        DlsecException.require(removal > 0 && removal <= 10, "removal", "must be in (0, 10], got " + removal);
        DlsecException.require(minTopShare >= 0 && minTopShare < 1, "minTopShare", "must be in [0, 1), got " + minTopShare);
    }

    /**
     * The paper's rule: remove 1.5·ε·n of every class.
     *
     * @param epsilon the assumed upper bound on the poisoned share of a class, in (0, 0.5]
     * @return the detector
     * @throws org.dlsec.core.DlsecException when {@code epsilon} is out of range
     */
    public static SpectralSignatures paper(double epsilon) {
        return new SpectralSignatures(epsilon, 1.5, 0);
    }

    /**
     * Per-sample outlier scores: squared projection on the top singular vector of the sample's class.
     *
     * @param features one activation vector per training sample
     * @param labels the training labels
     * @param numClasses the number of classes
     * @return one score per sample; higher is more suspicious
     */
    public double[] scores(float[][] features, int[] labels, int numClasses) {
        check(features, labels, numClasses);
        double[] s = new double[labels.length];
        for (int[] rows : Pca.byClass(labels, numClasses)) {
            if (rows.length < 2) {
                continue;
            }
            Pca p = Pca.of(features, rows);
            for (int r : rows) {
                double v = p.project(features[r], 0);
                s[r] = v * v;
            }
        }
        return s;
    }

    @Override
    public PoisonDetection detect(float[][] features, int[] labels, int numClasses) {
        check(features, labels, numClasses);
        boolean[] flagged = new boolean[labels.length];
        List<PoisonDetection.ClassReport> reports = new ArrayList<>();
        int[][] classes = Pca.byClass(labels, numClasses);
        for (int c = 0; c < numClasses; c++) {
            int[] rows = classes[c];
            if (rows.length < 2) {
                reports.add(new PoisonDetection.ClassReport(c, rows.length, 0, 0, false));
                continue;
            }
            Pca p = Pca.of(features, rows);
            double share = p.topShare();
            boolean treat = share >= minTopShare;
            int remove = treat ? (int) Math.min(rows.length, Math.ceil(removal * epsilon * rows.length - 1e-9)) : 0;
            double[] score = new double[rows.length];
            for (int i = 0; i < rows.length; i++) {
                double v = p.project(features[rows[i]], 0);
                score[i] = v * v;
            }
            Integer[] order = IntStream.range(0, rows.length).boxed().toArray(Integer[]::new);
            Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -score[i]).thenComparingInt(i -> i));
            for (int k = 0; k < remove; k++) {
                flagged[rows[order[k]]] = true;
            }
            reports.add(new PoisonDetection.ClassReport(c, rows.length, remove, share, treat));
        }
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("epsilon", epsilon);
        params.put("removal", removal);
        params.put("minTopShare", minTopShare);
        return new PoisonDetection("spectral", PAPER, flagged, reports, params);
    }

    static void check(float[][] features, int[] labels, int numClasses) {
        DlsecException.require(features.length == labels.length, "features",
                features.length + " activation rows for " + labels.length + " labels");
        DlsecException.require(features.length > 0, "features", "no samples");
        DlsecException.require(numClasses >= 2, "numClasses", "must be at least 2, got " + numClasses);
        for (int y : labels) {
            DlsecException.require(y >= 0 && y < numClasses, "labels", "label " + y + " outside 0.." + (numClasses - 1));
        }
    }
}
