package org.dlsec.attack.sidechannel;

/**
 * Correlation power analysis of one unit's multiply-accumulate sequence (Brier, Clavier, Olivier, CHES 2004; as used
 * on neural networks by Batina et al., CSI NN): for each weight in MAC order, every one of the 256 int8 hypotheses
 * predicts the leakage of the product and of the accumulator in every trace; the hypothesis whose prediction
 * correlates best (Pearson, summed over the two samples) with the recorded samples is a candidate. The best
 * {@value #CLOSEST_TOP} candidates, the best one's neighbours (± 1, ± 2) and zero are then compared by the squared error
 * of their predicted samples, and the least wins; the next weight is attacked with the recovered accumulator as known
 * state. Correlation alone confuses close hypotheses on small inputs (w and w ± 1, 0 and 1, as on the activations
 * entering a linear layer), and one such error corrupts the known accumulator of every later weight of the unit.
 *
 * <p>Ghost peaks: with unsigned inputs, the Hamming weight of {@code x·2w} equals that of {@code x·w} shifted left one bit
 * (same weight, or one less for a negative product), so the product sample alone cannot tell w from 2w, 4w, …; and a
 * zero weight leaks nothing in its product. The accumulator breaks the tie from the second weight on, since
 * {@code a + x·2w} and {@code a + x·w} have unrelated Hamming weights once {@code a} is not zero; the first weight's
 * accumulator is its product, and while every weight so far is even, halving all of them halves every accumulator
 * too. So the best {@value #BEAM} hypotheses of the first weight, plus zero, are each extended greedily over the next
 * {@value #LOOKAHEAD} weights, and the prefix whose predicted samples have the least squared error wins: squared error,
 * unlike correlation, sees the absolute level, and a doubled negative value has one sign bit less. While that winner
 * is zero, or the weight's input is zero in every trace (nothing of it leaks), the accumulator stays zero, so the
 * next weight is resolved the same way, up to the first non-zero one. A
 * last check compares the whole unit with its scalings by powers of two the same way. The sign needs no such help: a negative product is sign-extended to 32 bits and its Hamming weight
 * differs from the positive one's by about 16 − 2·HW.
 *
 * <p>The bias is recovered from the sample of {@code a_K + b} byte by byte, least significant first (a sum's low
 * bits depend only on the addends' low bits; see {@link #bias}): a beam of partial biases, 4 × {@value #BIAS_BEAM} ×
 * 256 hypotheses instead of 2^32, and the least squared error of the whole sum's prediction among the kept ones.
 */
final class Cpa {
    /** First-weight hypotheses kept for the joint resolution with the second weight. */
    static final int BEAM = 8;
    /** Weights each first-weight hypothesis is extended over before the prefixes are compared. */
    static final int LOOKAHEAD = 8;
    /** Correlation's best hypotheses of a weight that {@link #closest} compares by squared error. */
    static final int CLOSEST_TOP = 6;
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
        // the first weight: each of the best hypotheses (and zero) is extended greedily over the next LOOKAHEAD weights,
        // and the prefix whose predicted samples have the least squared error against the traces wins. While the
        // winner is zero the accumulator stays zero, so the next weight has the first one's ghosts: it is resolved the
        // same way (every weight before it being zero, the accumulator and product are zero again).
        for (int p = 0; p < k; p++) {
            if (unobservable[p]) {
                // an input that is zero in every trace: its weight leaks nothing and adds nothing, and the accumulator
                // stays zero, so the ghosts pass on to the next weight (on a linear layer behind ReLUs, the first
                // features are often never switched on)
                w[p] = 0;
                continue;
            }
            double[] s0 = scores(x[p], acc, prod, trace[2 * p], trace[2 * p + 1], n, model);
            int look = Math.min(k, p + LOOKAHEAD);
            double bestSse = Double.POSITIVE_INFINITY;
            for (int c : top(s0, BEAM)) {
                int[] wc = new int[k];
                int[] ac = new int[n];
                int[] pc = new int[n];
                wc[p] = c;
                for (int t = 0; t < n; t++) {
                    pc[t] = x[p][t] * c;
                    ac[t] = pc[t];
                }
                extend(x, trace, n, model, wc, p + 1, look, ac, pc);
                double e = sse(x, trace, n, model, wc, look, 0, false);
                if (e < bestSse) {
                    bestSse = e;
                    System.arraycopy(wc, 0, w, 0, look);
                    System.arraycopy(ac, 0, acc, 0, n);
                    System.arraycopy(pc, 0, prod, 0, n);
                }
            }
            if (w[p] != 0 || look == k) {
                extend(x, trace, n, model, w, look, k, acc, prod);
                break;
            }
            java.util.Arrays.fill(acc, 0);
            java.util.Arrays.fill(prod, 0);
            java.util.Arrays.fill(w, p + 1, look, 0);
        }
        for (int i = 0; i < k; i++) {
            if (unobservable[i]) {
                w[i] = 0;
            }
        }
        int bias = bias(acc, trace[2 * k], n, model);
        // the unit-wide ghost: w·2^j with b·2^j predicts the same Hamming weights wherever the values are not negative
        // (a left shift keeps the bits); a negative value loses a sign bit per doubling, so the absolute level of the
        // samples (Hamming-weight units) tells the scalings apart: the least squared error wins
        double unitSse = sse(x, trace, n, model, w, bias);
        for (int j = -3; j <= 3; j++) {
            int[] scaled = scaled(w, j);
            if (j == 0 || scaled == null) {
                continue;
            }
            int[] a = new int[n];
            for (int i = 0; i < k; i++) {
                for (int t = 0; t < n; t++) {
                    a[t] += x[i][t] * scaled[i];
                }
            }
            int b = bias(a, trace[2 * k], n, model);
            double e = sse(x, trace, n, model, scaled, b);
            if (e < unitSse) {
                unitSse = e;
                System.arraycopy(scaled, 0, w, 0, k);
                bias = b;
                System.arraycopy(a, 0, acc, 0, n);
            }
        }
        int[] sums = new int[n];
        for (int t = 0; t < n; t++) {
            sums[t] = acc[t] + bias;
        }
        return new Unit(w, bias, unobservable, sums);
    }

    /** Greedy CPA of weights {@code from..to-1}, updating the known accumulator and product of every trace. */
    private static void extend(int[][] x, float[][] trace, int n, LeakageModel model, int[] w, int from, int to,
            int[] acc, int[] prod) {
        for (int i = from; i < to; i++) {
            double[] s = scores(x[i], acc, prod, trace[2 * i], trace[2 * i + 1], n, model);
            w[i] = closest(s, x[i], acc, prod, trace[2 * i], trace[2 * i + 1], n, model);
            for (int t = 0; t < n; t++) {
                prod[t] = x[i][t] * w[i];
                acc[t] += prod[t];
            }
        }
    }

    /**
     * Among the best-correlating hypotheses of one weight, their neighbours and zero, the one whose predicted product
     * and accumulator samples have the least squared error against the recorded ones. Correlation ignores the level
     * and scale of the samples, so close hypotheses (w against w ± 1 on small inputs, 0 against 1) score almost alike;
     * the squared error, in Hamming-weight units, also sees the absolute level.
     */
    static int closest(double[] s, int[] x, int[] acc, int[] prod, float[] lp, float[] la, int n, LeakageModel model) {
        int b = best(s);
        java.util.LinkedHashSet<Integer> cand = new java.util.LinkedHashSet<>();
        for (int h : top(s, CLOSEST_TOP)) {
            cand.add(h);
        }
        for (int d = -2; d <= 2; d++) {
            if (b + d >= -128 && b + d <= 127) {
                cand.add(b + d);
            }
        }
        int answer = b;
        double least = Double.POSITIVE_INFINITY;
        for (int h : cand) {
            double e = 0;
            for (int t = 0; t < n; t++) {
                int p = x[t] * h;
                double dp = lp[t] - model.leak(prod[t], p);
                double da = la[t] - model.leak(acc[t], acc[t] + p);
                e += dp * dp + da * da;
            }
            if (e < least - 1e-9 || e <= least + 1e-9 && Math.abs(h) < Math.abs(answer)) {
                least = e;
                answer = h;
            }
        }
        return answer;
    }

    /** {@code w · 2^j} when every code stays an integer in the int8 range, else null. */
    static int[] scaled(int[] w, int j) {
        int[] out = new int[w.length];
        boolean nonZero = false;
        for (int i = 0; i < w.length; i++) {
            long v;
            if (j >= 0) {
                v = (long) w[i] << j;
            } else {
                if (w[i] % (1 << -j) != 0) {
                    return null;
                }
                v = w[i] / (1 << -j);
            }
            if (v < -128 || v > 127) {
                return null;
            }
            out[i] = (int) v;
            nonZero |= v != 0;
        }
        return nonZero ? out : null;
    }

    /** The squared error of a unit's predicted samples (products, accumulators, biased sum) against the traces. */
    static double sse(int[][] x, float[][] trace, int n, LeakageModel model, int[] w, int bias) {
        return sse(x, trace, n, model, w, w.length, bias, true);
    }

    /** The squared error over the first {@code len} weights' samples (and the biased sum's when {@code withBias}). */
    static double sse(int[][] x, float[][] trace, int n, LeakageModel model, int[] w, int len, int bias,
            boolean withBias) {
        double e = 0;
        for (int t = 0; t < n; t++) {
            int acc = 0;
            int prevP = 0;
            for (int i = 0; i < len; i++) {
                int p = x[i][t] * w[i];
                int a = acc + p;
                double dp = trace[2 * i][t] - model.leak(prevP, p);
                double da = trace[2 * i + 1][t] - model.leak(acc, a);
                e += dp * dp + da * da;
                prevP = p;
                acc = a;
            }
            if (withBias) {
                double ds = trace[2 * w.length][t] - model.leak(acc, acc + bias);
                e += ds * ds;
            }
        }
        return e;
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

    /**
     * The bias, byte by byte from the least significant, from the sample of the biased sum. Byte j's 256 hypotheses
     * (the lower bytes known) predict the leakage of the sum's bits 0..8j+7 only, which do not depend on the higher
     * bytes of the bias; the {@value #BIAS_BEAM} best-correlating partial biases of each level are kept and each is
     * extended by the next byte. The higher bits of the sum still leak, and when they are mostly a sign extension (the
     * sums crossing zero) they can pull a byte off: the masked correlation of the right low byte is then barely above
     * a wrong one's (on the test LeNet-5, 0x90 against 0x10, whose sums differ in bit 7 only). So every kept partial
     * bias of every level, zero- and sign-extended, is a candidate for the whole int32, and the candidate whose
     * predicted sum samples have the least squared error against the recorded ones wins (equal errors: the smallest
     * magnitude). The squared error, in Hamming-weight units, sees the whole sum and its absolute level: a bias off in
     * one bit misses the sample by about a bit in most traces, where the noise averages out.
     */
    static int bias(int[] acc, float[] l, int n, LeakageModel model) {
        double[] m = new double[2];
        moments(l, n, m, 0);
        int[] beam = {0};
        java.util.LinkedHashSet<Integer> candidates = new java.util.LinkedHashSet<>();
        for (int j = 0; j < 4; j++) {
            int mask = j == 3 ? -1 : (1 << (8 * (j + 1))) - 1;
            int[] next = new int[beam.length * 256];
            double[] score = new double[next.length];
            for (int c = 0; c < beam.length; c++) {
                for (int v = 0; v < 256; v++) {
                    next[c * 256 + v] = beam[c] | (v << (8 * j));
                    score[c * 256 + v] = biasScore(acc, l, n, model, next[c * 256 + v], mask, m);
                }
            }
            Integer[] order = new Integer[next.length];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            java.util.Arrays.sort(order, (p, q) -> Double.compare(score[q], score[p]));
            beam = new int[Math.min(BIAS_BEAM, next.length)];
            int shift = 32 - 8 * (j + 1);
            for (int i = 0; i < beam.length; i++) {
                beam[i] = next[order[i]];
                candidates.add(beam[i]);
                candidates.add((beam[i] << shift) >> shift);
            }
        }
        // a bias beyond twice the largest accumulator fixes the sign of every sum (the unit would be constant on the
        // traces): with an accumulator off by a few wrong weights such a candidate can fit the level of the samples
        // better than the true bias, so it is not one
        long reach = 0;
        for (int t = 0; t < n; t++) {
            reach = Math.max(reach, Math.abs((long) acc[t]));
        }
        reach = 2 * reach + 256;
        int answer = 0;
        double least = Double.POSITIVE_INFINITY;
        for (int b : candidates) {
            if (Math.abs((long) b) > reach) {
                continue;
            }
            double e = biasSse(acc, l, n, model, b);
            if (e < least - 1e-6 || e <= least + 1e-6 && Math.abs((long) b) < Math.abs((long) answer)) {
                least = e;
                answer = b;
            }
        }
        return answer;
    }

    /** Partial biases kept at each byte level of {@link #bias}. */
    static final int BIAS_BEAM = 8;

    /** The squared error of the predicted biased-sum samples under bias {@code b}, in squared Hamming-weight units. */
    static double biasSse(int[] acc, float[] l, int n, LeakageModel model, int b) {
        double e = 0;
        for (int t = 0; t < n; t++) {
            double d = l[t] - model.leak(acc[t], acc[t] + b);
            e += d * d;
        }
        return e;
    }

    private static double biasScore(int[] acc, float[] l, int n, LeakageModel model, int b, int mask, double[] m) {
        boolean hw = model == LeakageModel.HAMMING_WEIGHT;
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
        return corr(n, s, ss, sl, m[0], m[1]);
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
