package org.dlsec.defence.training;

import org.apache.commons.math3.util.CombinatoricsUtils;
import org.dlsec.core.DlsecException;

/**
 * The Rényi-DP accountant of DP-SGD: the privacy spent by {@code steps} applications of the sampled
 * Gaussian mechanism (each example in a batch with probability {@code q}, Gaussian noise of standard
 * deviation {@code sigma} times the clipping norm), converted to (ε, δ)-DP.
 *
 * <p>Per step, the RDP of order α of the sampled Gaussian mechanism is, for integer α ≥ 2
 * (Mironov, Talwar and Zhang, "Rényi Differential Privacy of the Sampled Gaussian Mechanism", 2019, §3.3):
 * <pre>  ε_α = 1/(α−1) · log Σ_{k=0..α} C(α,k) (1−q)^(α−k) q^k exp((k²−k) / (2σ²))</pre>
 * RDP composes additively over steps, and (Mironov, "Rényi Differential Privacy", CSF 2017,
 * Prop. 3) T steps are (ε, δ)-DP with ε = min_α T·ε_α + log(1/δ)/(α−1). The minimum is taken over
 * the integer orders 2..256. This is the accountant behind the figures of Abadi et al.'s moments
 * accountant as later made exact; its results are checked against TensorFlow Privacy's published
 * MNIST values in the tests and BENCHMARKS.md.
 */
public final class RdpAccountant {
    /** The orders α the conversion minimises over. */
    static final int[] ORDERS = orders();

    /** A privacy guarantee: (ε, δ) and the Rényi order that gave it. */
    public record Guarantee(double epsilon, double delta, int order) {}

    private RdpAccountant() {}

    private static int[] orders() {
        int[] o = new int[255];
        for (int i = 0; i < o.length; i++) {
            o[i] = i + 2;
        }
        return o;
    }

    /**
     * RDP of order α (integer ≥ 2) of one step of the sampled Gaussian mechanism.
     *
     * @param q the sampling rate, in (0, 1]
     * @param sigma the noise multiplier, positive
     * @param alpha the order α, at least 2
     * @return the RDP ε(α) of one step
     */
    public static double rdp(double q, double sigma, int alpha) {
        check(q, sigma);
        DlsecException.require(alpha >= 2, "order", "must be an integer >= 2, got " + alpha);
        if (q == 1.0) {
            return alpha / (2 * sigma * sigma);
        }
        // log-sum-exp over k of log C(α,k) + (α−k) log(1−q) + k log q + (k²−k)/(2σ²)
        double[] terms = new double[alpha + 1];
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k <= alpha; k++) {
            double t = CombinatoricsUtils.binomialCoefficientLog(alpha, k) + (alpha - k) * Math.log1p(-q)
                    + (k == 0 ? 0 : k * Math.log(q)) + ((double) k * k - k) / (2 * sigma * sigma);
            terms[k] = t;
            max = Math.max(max, t);
        }
        double s = 0;
        for (double t : terms) {
            s += Math.exp(t - max);
        }
        return (max + Math.log(s)) / (alpha - 1);
    }

    /**
     * The (ε, δ) guarantee after {@code steps} steps.
     *
     * @param q sampling rate (batch size / training set size), in (0, 1]
     * @param sigma noise multiplier (noise standard deviation / clipping norm), positive
     * @param steps number of noisy updates (0 gives ε = 0)
     * @param delta target δ in (0, 1)
     * @return ε at δ and the RDP order that gave it
     * @throws org.dlsec.core.DlsecException when a parameter is out of range
     */
    public static Guarantee epsilon(double q, double sigma, long steps, double delta) {
        check(q, sigma);
        DlsecException.require(steps >= 0, "steps", "must be non-negative, got " + steps);
        DlsecException.require(delta > 0 && delta < 1, "delta", "must be in (0, 1), got " + delta);
        if (steps == 0) {
            return new Guarantee(0, delta, 0);
        }
        double best = Double.POSITIVE_INFINITY;
        int bestOrder = 0;
        for (int a : ORDERS) {
            double e = steps * rdp(q, sigma, a) + Math.log(1 / delta) / (a - 1);
            if (e < best) {
                best = e;
                bestOrder = a;
            }
        }
        return new Guarantee(best, delta, bestOrder);
    }

    private static void check(double q, double sigma) {
        DlsecException.require(q > 0 && q <= 1, "sampling rate", "must be in (0, 1], got " + q);
        DlsecException.require(sigma > 0 && Double.isFinite(sigma), "noise multiplier", "must be positive, got " + sigma);
    }
}
