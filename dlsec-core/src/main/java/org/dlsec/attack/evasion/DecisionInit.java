package org.dlsec.attack.evasion;

import ai.djl.ndarray.NDArray;
import java.util.SplittableRandom;
import org.dlsec.core.Seeds;
import org.dlsec.model.Classifier;
import org.dlsec.model.Bounds;

/**
 * The starting point of the decision-based attacks (HopSkipJump, Boundary): uniform random noise
 * over the input bounds, redrawn until the model misclassifies it (the maximum-entropy
 * initialisation of both papers), then a binary search on the blend {@code (1−α)·x + α·noise} for
 * the smallest adversarial α (tolerance {@link #BLEND_TOLERANCE}). All samples still searching are
 * queried together, one prediction per round; every query is charged to its sample.
 */
final class DecisionInit {
    /** Tolerance of the blend search, in α. */
    static final double BLEND_TOLERANCE = 1e-3;

    private DecisionInit() {}

    /**
     * What both decision-based attacks start from: the clean inputs as floats, the labels, one
     * generator per sample (from the attack's stream seed and the sample's index), the query
     * counters and budget, and adversarial starting points for the correctly classified samples.
     */
    record Start(QueryOracle oracle, float[] orig, int[] labels, SplittableRandom[] rng, long budget, long[] queries,
            float[] cur, boolean[] started) {}

    static Start start(Classifier model, NDArray x, NDArray y, long[] cleanPred, long[] ids, long streamSeed, int maxQueries,
            int initTries) {
        int n = (int) x.getShape().get(0);
        QueryOracle oracle = new QueryOracle(model, x.getManager());
        float[] orig = x.toFloatArray();
        long[] yv = y.toLongArray();
        int[] labels = new int[n];
        boolean[] active = new boolean[n];
        SplittableRandom[] rng = new SplittableRandom[n];
        for (int i = 0; i < n; i++) {
            labels[i] = (int) yv[i];
            active[i] = cleanPred[i] == yv[i];
            rng[i] = Seeds.forSample(streamSeed, ids[i]);
        }
        long budget = QueryOracle.algorithmBudget(maxQueries);
        long[] queries = new long[n];
        float[] cur = new float[n * oracle.dim()];
        org.dlsec.model.SampleLayout l = org.dlsec.model.SampleLayout.of(model.inputShape());
        int[] chw = {l.channels(), l.height(), l.width()};
        boolean[] started = run(oracle, orig, labels, active, queries, budget, rng, model.bounds(), initTries, cur, chw);
        return new Start(oracle, orig, labels, rng, budget, queries, cur, started);
    }

    /**
     * Fills {@code start} (n·d) with an adversarial starting point for every active sample and returns
     * which samples have one; samples without one within {@code maxTries} draws or within their budget
     * are not started. The first half of the draws is uniform noise (as in the papers); when that
     * fails — a model may send all fine-grained noise to the sample's own class — the second half
     * draws coarse binary block noise (blocks of 2, 4 and 8 pixels at the bounds), given the image
     * shape {@code chw} (null: uniform noise only). Every draw comes from the sample's own generator,
     * so the start does not depend on the batch.
     */
    static boolean[] run(QueryOracle oracle, float[] orig, int[] labels, boolean[] active, long[] queries, long budget,
            SplittableRandom[] rng, Bounds b, int maxTries, float[] start, int[] chw) {
        int n = labels.length;
        int d = oracle.dim();
        boolean[] found = new boolean[n];
        float[] noise = new float[n * d];
        for (int attempt = 0; attempt < maxTries; attempt++) {
            int[] rows = select(active, found, queries, budget, true);
            if (rows.length == 0) {
                break;
            }
            float[] cand = new float[rows.length * d];
            boolean blocks = chw != null && attempt >= (maxTries + 1) / 2;
            for (int r = 0; r < rows.length; r++) {
                SplittableRandom g = rng[rows[r]];
                if (blocks) {
                    blockNoise(g, chw, 2 << (attempt % 3), b, cand, r * d);
                } else {
                    for (int j = 0; j < d; j++) {
                        cand[r * d + j] = (float) (b.lo(j) + g.nextDouble() * b.range(j));
                    }
                }
            }
            int[] pred = oracle.labels(cand, rows.length);
            for (int r = 0; r < rows.length; r++) {
                int i = rows[r];
                queries[i]++;
                if (pred[r] != labels[i]) {
                    found[i] = true;
                    System.arraycopy(cand, r * d, noise, i * d, d);
                }
            }
        }
        double[] hi = bisect(oracle, labels, found, queries, budget, BLEND_TOLERANCE,
                (i, a, out, row) -> blend(orig, noise, i, d, a, out, row));
        for (int i = 0; i < n; i++) {
            if (found[i]) {
                blend(orig, noise, i, d, hi[i], start, i);
            }
        }
        return found;
    }

    /** Writes sample {@code i}'s candidate at position {@code a} ∈ [0, 1] of its segment into row {@code row} of {@code out}. */
    @FunctionalInterface
    interface Segment {
        void write(int i, double a, float[] out, int row);
    }

    /**
     * Batched bisection on segments from a non-adversarial end (a = 0) to an adversarial end (a = 1),
     * for the samples in {@code which}, until each interval is shorter than {@code tolerance} or its
     * budget is spent; every candidate costs one counted query. Returns the adversarial ends.
     */
    static double[] bisect(QueryOracle oracle, int[] labels, boolean[] which, long[] queries, long budget, double tolerance,
            Segment segment) {
        int n = labels.length;
        int d = oracle.dim();
        double[] lo = new double[n];
        double[] hi = new double[n];
        java.util.Arrays.fill(hi, 1);
        while (true) {
            boolean[] searching = new boolean[n];
            for (int i = 0; i < n; i++) {
                searching[i] = which[i] && hi[i] - lo[i] > tolerance;
            }
            int[] rows = select(searching, new boolean[n], queries, budget, false);
            if (rows.length == 0) {
                return hi;
            }
            float[] cand = new float[rows.length * d];
            for (int r = 0; r < rows.length; r++) {
                int i = rows[r];
                segment.write(i, (lo[i] + hi[i]) / 2, cand, r);
            }
            int[] pred = oracle.labels(cand, rows.length);
            for (int r = 0; r < rows.length; r++) {
                int i = rows[r];
                queries[i]++;
                double mid = (lo[i] + hi[i]) / 2;
                if (pred[r] != labels[i]) {
                    hi[i] = mid;
                } else {
                    lo[i] = mid;
                }
            }
        }
    }

    private static void blockNoise(SplittableRandom g, int[] chw, int block, Bounds b, float[] out, int offset) {
        int c = chw[0];
        int h = chw[1];
        int w = chw[2];
        int bh = (h + block - 1) / block;
        int bw = (w + block - 1) / block;
        boolean[] cell = new boolean[c * bh * bw];
        for (int k = 0; k < cell.length; k++) {
            cell[k] = g.nextBoolean();
        }
        for (int ch = 0; ch < c; ch++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int j = (ch * h + y) * w + x;
                    out[offset + j] = cell[(ch * bh + y / block) * bw + x / block] ? b.hi(j) : b.lo(j);
                }
            }
        }
    }

    private static void blend(float[] orig, float[] noise, int i, int d, double a, float[] out, int row) {
        for (int j = 0; j < d; j++) {
            out[row * d + j] = (float) ((1 - a) * orig[i * d + j] + a * noise[i * d + j]);
        }
    }

    /** Samples with {@code want[i] && !done[i]} (or without the negation) and budget left. */
    static int[] select(boolean[] want, boolean[] done, long[] queries, long budget, boolean skipDone) {
        int count = 0;
        int[] rows = new int[want.length];
        for (int i = 0; i < want.length; i++) {
            if (want[i] && !(skipDone && done[i]) && queries[i] < budget) {
                rows[count++] = i;
            }
        }
        return java.util.Arrays.copyOf(rows, count);
    }
}
