package org.dlsec.attack.sidechannel;

/**
 * Correlation power analysis of one unit's multiply-accumulate sequence (Brier, Clavier, Olivier, CHES 2004; as used
 * on neural networks by Batina et al., CSI NN): for each weight in MAC order, every one of the 256 int8 hypotheses
 * predicts the leakage of the product and of the accumulator in every trace; the hypothesis whose prediction
 * correlates best (Pearson, summed over the two samples) with the recorded samples is kept, and the next weight is
 * attacked with the recovered accumulator as known state.
 *
 * <p>Ghost peaks: with unsigned inputs, the Hamming weight of {@code x·2w} equals that of {@code x·w} shifted left one bit
 * (same weight, or one less for a negative product), so the product sample alone cannot tell w from 2w, 4w, …; and a
 * zero weight leaks nothing in its product. The accumulator breaks the tie from the second weight on, since
 * {@code a + x·2w} and {@code a + x·w} have unrelated Hamming weights once {@code a} is not zero; the first weight's
 * accumulator is its product, so the first weight is resolved jointly with the second (the best {@value #BEAM}
 * hypotheses of the first, plus zero, are each extended with the best second weight, and the pair that correlates
 * best wins). The sign needs no such help: a negative product is sign-extended to 32 bits and its Hamming weight
 * differs from the positive one's by about 16 − 2·HW.
 *
 * <p>The bias is recovered from the sample of {@code a_K + b} byte by byte, least significant first (a sum's low
 * bits depend only on the addends' low bits): 4 × 256 hypotheses instead of 2^32.
 */
final class Cpa {
    /** First-weight hypotheses kept for the joint resolution with the second weight. */
    static final int BEAM = 8;
    /** Hypotheses per weight: the int8 codes -128..127. */
    static final int HYPOTHESES = 256;

    /** What CPA found for one unit on the first n traces. */
    record Unit(int[] weights, int bias, boolean[] unobservable, int[] sums) {}

    private Cpa() {}

    /**
     * Recovers one unit's weights and bias.
     *
     * @param x the known inputs, {@code [k][trace]}
     * @param trace the recorded samples, {@code [sample][trace]} (see {@link MacDevice})
     * @param n the traces used (a prefix)
     */
    static Unit unit(int[][] x, float[][] trace, int n, LeakageModel model) {
        int k = x.length;
        int[] w = new int[k];
        boolean[] unobservable = new boolean[k];
        for (int i = 0; i < k; i++) {
            unobservable[i] = allZero(x[i], n);
        }
        int[] acc = new int[n];
        int[] prod = new int[n];
        double[] s0 = scores(x[0], acc, prod, trace[0], trace[1], n, model);
        if (k == 1) {
            w[0] = best(s0);
        } else {
            int[] candidates = top(s0, BEAM);
            double bestTotal = Double.NEGATIVE_INFINITY;
            int bestC = 0;
            int bestH = 0;
            int[] a1 = new int[n];
            for (int c : candidates) {
                for (int t = 0; t < n; t++) {
                    a1[t] = x[0][t] * c;
                }
                double[] s1 = scores(x[1], a1, a1, trace[2], trace[3], n, model);
                int h = best(s1);
                double total = s0[c + 128] + s1[h + 128];
                if (total > bestTotal + 1e-12 || (Math.abs(total - bestTotal) <= 1e-12 && Math.abs(c) < Math.abs(bestC))) {
                    bestTotal = total;
                    bestC = c;
                    bestH = h;
                }
            }
            w[0] = bestC;
            w[1] = bestH;
            for (int t = 0; t < n; t++) {
                prod[t] = x[1][t] * w[1];
                acc[t] = x[0][t] * w[0] + prod[t];
            }
            for (int i = 2; i < k; i++) {
                double[] s = scores(x[i], acc, prod, trace[2 * i], trace[2 * i + 1], n, model);
                w[i] = best(s);
                for (int t = 0; t < n; t++) {
                    prod[t] = x[i][t] * w[i];
                    acc[t] += prod[t];
                }
            }
        }
        if (k == 1) {
            for (int t = 0; t < n; t++) {
                acc[t] = x[0][t] * w[0];
            }
        }
        for (int i = 0; i < k; i++) {
            if (unobservable[i]) {
                w[i] = 0;
            }
        }
        int bias = bias(acc, trace[2 * k], n, model);
        int[] sums = new int[n];
        for (int t = 0; t < n; t++) {
            sums[t] = acc[t] + bias;
        }
        return new Unit(w, bias, unobservable, sums);
    }

    /** The score (product plus accumulator correlation) of each hypothesis h, at index h + 128. */
    static double[] scores(int[] x, int[] accPrev, int[] prodPrev, float[] lp, float[] la, int n, LeakageModel model) {
        double[] moments = new double[4];
        moments(lp, n, moments, 0);
        moments(la, n, moments, 2);
        boolean hw = model == LeakageModel.HAMMING_WEIGHT;
        double[] out = new double[HYPOTHESES];
        for (int h = -128; h < 128; h++) {
            long sp = 0;
            long spp = 0;
            double spl = 0;
            long sa = 0;
            long saa = 0;
            double sal = 0;
            for (int t = 0; t < n; t++) {
                int p = x[t] * h;
                int a = accPrev[t] + p;
                int pp = hw ? Integer.bitCount(p) : Integer.bitCount(p ^ prodPrev[t]);
                int pa = hw ? Integer.bitCount(a) : Integer.bitCount(a ^ accPrev[t]);
                sp += pp;
                spp += pp * pp;
                spl += pp * lp[t];
                sa += pa;
                saa += pa * pa;
                sal += pa * la[t];
            }
            out[h + 128] = corr(n, sp, spp, spl, moments[0], moments[1])
                    + corr(n, sa, saa, sal, moments[2], moments[3]);
        }
        return out;
    }

    /** The bias, byte by byte, from the sample of the biased sum. */
    static int bias(int[] acc, float[] l, int n, LeakageModel model) {
        double[] m = new double[2];
        moments(l, n, m, 0);
        boolean hw = model == LeakageModel.HAMMING_WEIGHT;
        int known = 0;
        for (int j = 0; j < 4; j++) {
            int mask = j == 3 ? -1 : (1 << (8 * (j + 1))) - 1;
            double best = Double.NEGATIVE_INFINITY;
            int bestV = 0;
            for (int v = 0; v < 256; v++) {
                int b = known | (v << (8 * j));
                long s = 0;
                long ss = 0;
                double sl = 0;
                for (int t = 0; t < n; t++) {
                    int sum = acc[t] + b;
                    int p = hw ? Integer.bitCount(sum & mask) : Integer.bitCount((sum ^ acc[t]) & mask);
                    s += p;
                    ss += p * p;
                    sl += p * l[t];
                }
                double r = corr(n, s, ss, sl, m[0], m[1]);
                if (r > best + 1e-12) {
                    best = r;
                    bestV = v;
                }
            }
            known |= bestV << (8 * j);
        }
        return known;
    }

    /** The correlation of the output bytes under {@code shift} with the output samples, summed over units. */
    static double shiftScore(int shift, int[][] sums, float[][] outSamples, int n) {
        double total = 0;
        double[] m = new double[2];
        for (int u = 0; u < sums.length; u++) {
            moments(outSamples[u], n, m, 0);
            long s = 0;
            long ss = 0;
            double sl = 0;
            for (int t = 0; t < n; t++) {
                int p = Integer.bitCount(Int8Network.requantize(sums[u][t], shift));
                s += p;
                ss += p * p;
                sl += p * outSamples[u][t];
            }
            total += corr(n, s, ss, sl, m[0], m[1]);
        }
        return total;
    }

    /** The requantisation shift in 0..30 that best explains the output-byte samples of a layer's units. */
    static int shift(int[][] sums, float[][] outSamples, int n) {
        double best = Double.NEGATIVE_INFINITY;
        int bestS = 0;
        for (int s = 0; s <= 30; s++) {
            double r = shiftScore(s, sums, outSamples, n);
            if (r > best + 1e-12) {
                best = r;
                bestS = s;
            }
        }
        return bestS;
    }

    private static void moments(float[] l, int n, double[] out, int at) {
        double s = 0;
        double ss = 0;
        for (int t = 0; t < n; t++) {
            s += l[t];
            ss += (double) l[t] * l[t];
        }
        out[at] = s;
        out[at + 1] = ss;
    }

    /** Pearson's r from sums; 0 when either side is constant. */
    static double corr(int n, long sp, long spp, double spl, double sl, double sll) {
        double vp = spp - (double) sp * sp / n;
        double vl = sll - sl * sl / n;
        if (vp <= 1e-9 || vl <= 1e-12) {
            return 0;
        }
        return (spl - sp * sl / n) / Math.sqrt(vp * vl);
    }

    /** The hypothesis of the highest score; ties go to the smallest magnitude. */
    static int best(double[] s) {
        int bestH = 0;
        double best = s[128];
        for (int m = 1; m <= 128; m++) {
            for (int h : new int[] {m, -m}) {
                if (h < -128 || h > 127) {
                    continue;
                }
                if (s[h + 128] > best + 1e-12) {
                    best = s[h + 128];
                    bestH = h;
                }
            }
        }
        return bestH;
    }

    /** The {@code b} best hypotheses, and zero. */
    static int[] top(double[] s, int b) {
        Integer[] idx = new Integer[HYPOTHESES];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        java.util.Arrays.sort(idx, (p, q) -> Double.compare(s[q], s[p]));
        java.util.LinkedHashSet<Integer> out = new java.util.LinkedHashSet<>();
        for (int i = 0; i < b; i++) {
            out.add(idx[i] - 128);
        }
        out.add(0);
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    private static boolean allZero(int[] x, int n) {
        for (int t = 0; t < n; t++) {
            if (x[t] != 0) {
                return false;
            }
        }
        return true;
    }
}
