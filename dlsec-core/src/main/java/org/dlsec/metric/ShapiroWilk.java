package org.dlsec.metric;

import java.util.Arrays;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.dlsec.core.DlsecException;

/**
 * The Shapiro–Wilk test of normality (Shapiro &amp; Wilk, Biometrika 1965) with Royston's
 * approximations of the coefficients and of the null distribution of W (Royston, "Approximating the
 * Shapiro-Wilk W-test for non-normality", Statistics and Computing 1992; Royston, Applied Statistics
 * algorithm AS R94, 1995), valid for 3 ≤ n ≤ 5000. W is near 1 for normal samples and smaller the
 * further the sample is from normal.
 */
public final class ShapiroWilk {
    /** The statistic W and its p-value under the null hypothesis of normality. */
    public record Result(double w, double pValue, int n) {}

    private static final NormalDistribution STD = new NormalDistribution(null, 0, 1);

    private ShapiroWilk() {}

    /**
     * Tests {@code sample} for normality.
     *
     * @param sample the values, 3 to 5000 of them; not modified
     * @return W, its p-value and n
     * @throws org.dlsec.core.DlsecException when the sample size is out of range
     */
    public static Result test(double[] sample) {
        int n = sample.length;
        DlsecException.require(n >= 3 && n <= 5000, "Shapiro-Wilk sample size", "must be in 3..5000, got " + n);
        double[] x = sample.clone();
        Arrays.sort(x);
        if (!(x[n - 1] - x[0] > 0) || !Double.isFinite(x[0]) || !Double.isFinite(x[n - 1])) {
            // all values equal (or not finite): as far from a normal sample as it gets
            return new Result(0, 0, n);
        }
        double[] a = coefficients(n);
        double mean = 0;
        for (double v : x) {
            mean += v;
        }
        mean /= n;
        double num = 0;
        double ss = 0;
        for (int i = 0; i < n; i++) {
            num += a[i] * x[i];
            ss += (x[i] - mean) * (x[i] - mean);
        }
        double w = Math.min(1.0, num * num / ss);
        return new Result(w, pValue(w, n), n);
    }

    /** The antisymmetric coefficients a_1..a_n (a_1 negative) for sorted samples. */
    static double[] coefficients(int n) {
        double[] a = new double[n];
        if (n == 3) {
            a[0] = -Math.sqrt(0.5);
            a[2] = Math.sqrt(0.5);
            return a;
        }
        double[] m = new double[n];
        double sum2 = 0;
        for (int i = 0; i < n; i++) {
            m[i] = STD.inverseCumulativeProbability((i + 1 - 0.375) / (n + 0.25));
            sum2 += m[i] * m[i];
        }
        double u = 1 / Math.sqrt(n);
        double root = Math.sqrt(sum2);
        double an = m[n - 1] / root + poly(u, 0.221157, -0.147981, -2.071190, 4.434685, -2.706056);
        if (n > 5) {
            double an1 = m[n - 2] / root + poly(u, 0.042981, -0.293762, -1.752461, 5.682633, -3.582633);
            double phi = (sum2 - 2 * m[n - 1] * m[n - 1] - 2 * m[n - 2] * m[n - 2])
                    / (1 - 2 * an * an - 2 * an1 * an1);
            double s = Math.sqrt(phi);
            for (int i = 2; i < n - 2; i++) {
                a[i] = m[i] / s;
            }
            a[n - 1] = an;
            a[n - 2] = an1;
            a[0] = -an;
            a[1] = -an1;
        } else {
            double phi = (sum2 - 2 * m[n - 1] * m[n - 1]) / (1 - 2 * an * an);
            double s = Math.sqrt(phi);
            for (int i = 1; i < n - 1; i++) {
                a[i] = m[i] / s;
            }
            a[n - 1] = an;
            a[0] = -an;
        }
        return a;
    }

    private static double poly(double u, double c1, double c2, double c3, double c4, double c5) {
        return u * (c1 + u * (c2 + u * (c3 + u * (c4 + u * c5))));
    }

    static double pValue(double w, int n) {
        if (w >= 1) {
            return 1;
        }
        if (n == 3) {
            double p = 6 / Math.PI * (Math.asin(Math.sqrt(w)) - Math.asin(Math.sqrt(0.75)));
            return Math.max(0, Math.min(1, p));
        }
        double z;
        if (n <= 11) {
            double g = 0.459 * n - 2.273;
            double y = -Math.log(g - Math.log1p(-w));
            double mu = 0.5440 - 0.39978 * n + 0.025054 * n * n - 0.0006714 * n * n * n;
            double sigma = Math.exp(1.3822 - 0.77857 * n + 0.062767 * n * n - 0.0020322 * n * n * n);
            z = (y - mu) / sigma;
        } else {
            double l = Math.log(n);
            double mu = 0.0038915 * l * l * l - 0.083751 * l * l - 0.31082 * l - 1.5861;
            double sigma = Math.exp(0.0030302 * l * l - 0.082676 * l - 0.4803);
            z = (Math.log1p(-w) - mu) / sigma;
        }
        return 1 - STD.cumulativeProbability(z);
    }
}
