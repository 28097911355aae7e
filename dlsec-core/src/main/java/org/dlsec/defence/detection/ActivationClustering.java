package org.dlsec.defence.detection;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Seeds;

/**
 * <b>Activation clustering</b> — Chen, Carvalho, Baracaldo, Ludwig, Edwards, Lee, Molloy,
 * Srivastava, "Detecting Backdoor Attacks on Deep Neural Networks by Activation Clustering",
 * AAAI SafeAI workshop 2019 (arXiv 1811.03728, 2018).
 *
 * <p>For each class, the penultimate-layer activations of the model trained on the possibly
 * poisoned data are reduced to {@code dims} dimensions and split in two by 2-means. In a clean
 * class the network's evidence for the label is homogeneous; in the target class of a backdoor the
 * poisons are classified there for a different reason (the trigger) and form their own cluster.
 * The smaller cluster is flagged when it is small (at most {@code maxShare} of the class: the
 * paper's relative-size analysis) and the split is clear (silhouette score at least
 * {@code minSilhouette}: the paper's silhouette analysis).
 *
 * <p>The paper reduces with ICA; dlsec uses PCA (the top {@code dims} principal components, via
 * commons-math3), which the paper reports as a working alternative. 2-means uses k-means++
 * seeding and keeps the best of {@code restarts} runs; everything is seeded.
 *
 * @param dims dimensions kept before clustering (paper: 10), 1..100
 * @param maxShare largest relative size of a cluster still considered poison, in (0, 0.5]
 * @param minSilhouette smallest silhouette score of the 2-split considered poison, in [-1, 1]
 * @param restarts k-means++ restarts, 1..100
 * @param seed seed of the clustering
 */
public record ActivationClustering(int dims, double maxShare, double minSilhouette, int restarts, long seed)
        implements PoisonDetector {
    /**
     * The paper the detector implements, as results cite it.
     */
    public static final String PAPER = "Chen et al., Detecting Backdoor Attacks on Deep Neural Networks by Activation"
            + " Clustering, arXiv 1811.03728 (2018)";
    /** Silhouette scores are computed on at most this many points per class (a seeded sample). */
    static final int SILHOUETTE_SAMPLE = 1500;

    /**
     * Checks every parameter.
     *
     * @param dims dimensions kept before clustering (paper: 10), 1..100
     * @param maxShare largest relative size of a cluster still considered poison, in (0, 0.5]
     * @param minSilhouette smallest silhouette score of the 2-split considered poison, in [-1, 1]
     * @param restarts k-means++ restarts, 1..100
     * @param seed seed of the clustering
     * @throws org.dlsec.core.DlsecException when a parameter is outside its range; the message names it
     */
    public ActivationClustering {
        DlsecException.require(dims >= 1 && dims <= 100, "dims", "must be in 1..100, got " + dims);
        DlsecException.require(maxShare > 0 && maxShare <= 0.5, "maxShare", "must be in (0, 0.5], got " + maxShare);
        DlsecException.require(minSilhouette >= -1 && minSilhouette <= 1, "minSilhouette",
                "must be in [-1, 1], got " + minSilhouette);
        DlsecException.require(restarts >= 1 && restarts <= 100, "restarts", "must be in 1..100, got " + restarts);
    }

    /**
     * 10 dimensions, smaller cluster ≤ 35% of the class, silhouette ≥ 0.15, 5 restarts.
     *
     * @param seed seed of the clustering's restarts
     * @return the detector
     */
    public static ActivationClustering defaults(long seed) {
        return new ActivationClustering(10, 0.35, 0.15, 5, seed);
    }

    @Override
    public PoisonDetection detect(float[][] features, int[] labels, int numClasses) {
        SpectralSignatures.check(features, labels, numClasses);
        boolean[] flagged = new boolean[labels.length];
        List<PoisonDetection.ClassReport> reports = new ArrayList<>();
        List<Double> silhouettes = new ArrayList<>();
        int[][] classes = Pca.byClass(labels, numClasses);
        for (int c = 0; c < numClasses; c++) {
            int[] rows = classes[c];
            if (rows.length < 4) {
                reports.add(new PoisonDetection.ClassReport(c, rows.length, 0, 0, false));
                silhouettes.add(Double.NaN);
                continue;
            }
            Pca p = Pca.of(features, rows);
            int k = Math.min(dims, p.directions.length);
            double[][] z = new double[rows.length][k];
            for (int i = 0; i < rows.length; i++) {
                for (int j = 0; j < k; j++) {
                    z[i][j] = p.project(features[rows[i]], j);
                }
            }
            int[] assign = twoMeans(z, new SplittableRandom(Seeds.mix(seed, c)));
            int ones = 0;
            for (int a : assign) {
                ones += a;
            }
            int small = ones * 2 <= rows.length ? 1 : 0;
            int smallSize = small == 1 ? ones : rows.length - ones;
            double share = (double) smallSize / rows.length;
            double sil = smallSize == 0 ? 0 : silhouette(z, assign, new SplittableRandom(Seeds.mix(seed, 1000 + c)));
            boolean suspicious = smallSize > 0 && share <= maxShare && sil >= minSilhouette;
            if (suspicious) {
                for (int i = 0; i < rows.length; i++) {
                    if (assign[i] == small) {
                        flagged[rows[i]] = true;
                    }
                }
            }
            reports.add(new PoisonDetection.ClassReport(c, rows.length, suspicious ? smallSize : 0, share, suspicious));
            silhouettes.add(sil);
        }
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("dims", dims);
        params.put("reduction", "pca");
        params.put("maxShare", maxShare);
        params.put("minSilhouette", minSilhouette);
        params.put("restarts", restarts);
        params.put("seed", seed);
        params.put("silhouettes", silhouettes);
        return new PoisonDetection("ac", PAPER, flagged, reports, params);
    }

    /** 2-means (Lloyd) from k-means++ seeds, best inertia of {@link #restarts} runs; cluster ids 0/1. */
    int[] twoMeans(double[][] z, SplittableRandom rnd) {
        int n = z.length;
        int[] best = null;
        double bestInertia = Double.POSITIVE_INFINITY;
        for (int r = 0; r < restarts; r++) {
            double[][] centre = new double[2][];
            centre[0] = z[rnd.nextInt(n)].clone();
            double[] d2 = new double[n];
            double total = 0;
            for (int i = 0; i < n; i++) {
                d2[i] = dist2(z[i], centre[0]);
                total += d2[i];
            }
            int pick = 0;
            if (total > 0) {
                double u = rnd.nextDouble() * total;
                while (pick < n - 1 && (u -= d2[pick]) > 0) {
                    pick++;
                }
            } else {
                pick = rnd.nextInt(n);
            }
            centre[1] = z[pick].clone();
            int[] assign = new int[n];
            for (int iter = 0; iter < 100; iter++) {
                boolean changed = false;
                for (int i = 0; i < n; i++) {
                    int a = dist2(z[i], centre[1]) < dist2(z[i], centre[0]) ? 1 : 0;
                    changed |= a != assign[i] || iter == 0;
                    assign[i] = a;
                }
                if (!changed) {
                    break;
                }
                for (int k = 0; k < 2; k++) {
                    double[] sum = new double[z[0].length];
                    int cnt = 0;
                    for (int i = 0; i < n; i++) {
                        if (assign[i] == k) {
                            cnt++;
                            for (int j = 0; j < sum.length; j++) {
                                sum[j] += z[i][j];
                            }
                        }
                    }
                    if (cnt > 0) {
                        for (int j = 0; j < sum.length; j++) {
                            sum[j] /= cnt;
                        }
                        centre[k] = sum;
                    }
                }
            }
            double inertia = 0;
            for (int i = 0; i < n; i++) {
                inertia += dist2(z[i], centre[assign[i]]);
            }
            if (inertia < bestInertia) {
                bestInertia = inertia;
                best = assign;
            }
        }
        return best;
    }

    /** Mean silhouette coefficient of a 2-clustering (on a seeded sample of at most {@link #SILHOUETTE_SAMPLE} points). */
    static double silhouette(double[][] z, int[] assign, SplittableRandom rnd) {
        int n = z.length;
        int[] idx = java.util.stream.IntStream.range(0, n).toArray();
        if (n > SILHOUETTE_SAMPLE) {
            for (int i = 0; i < SILHOUETTE_SAMPLE; i++) {
                int j = i + rnd.nextInt(n - i);
                int t = idx[i];
                idx[i] = idx[j];
                idx[j] = t;
            }
            idx = java.util.Arrays.copyOf(idx, SILHOUETTE_SAMPLE);
        }
        double total = 0;
        int counted = 0;
        for (int i : idx) {
            double[] sum = new double[2];
            int[] cnt = new int[2];
            for (int j : idx) {
                if (j != i) {
                    sum[assign[j]] += Math.sqrt(dist2(z[i], z[j]));
                    cnt[assign[j]]++;
                }
            }
            int own = assign[i];
            if (cnt[own] == 0 || cnt[1 - own] == 0) {
                continue; // a singleton cluster has silhouette 0 by convention
            }
            double a = sum[own] / cnt[own];
            double b = sum[1 - own] / cnt[1 - own];
            double m = Math.max(a, b);
            total += m == 0 ? 0 : (b - a) / m;
            counted++;
        }
        return counted == 0 ? 0 : total / idx.length;
    }

    private static double dist2(double[] a, double[] b) {
        double s = 0;
        for (int j = 0; j < a.length; j++) {
            double d = a[j] - b[j];
            s += d * d;
        }
        return s;
    }
}
