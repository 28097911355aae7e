package org.dlsec.defence.certification;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.math3.distribution.BetaDistribution;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.stat.inference.AlternativeHypothesis;
import org.apache.commons.math3.stat.inference.BinomialTest;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Seeds;
import org.dlsec.defence.Noise;
import org.dlsec.model.Classifier;

/**
 * <b>Randomised smoothing</b> — Cohen, Rosenfeld, Kolter, "Certified Adversarial Robustness via
 * Randomized Smoothing", ICML 2019 (Algorithms PREDICT and CERTIFY).
 *
 * <p>The smoothed classifier g(x) = argmax<sub>c</sub> P(f(x + δ) = c), δ ~ N(0, σ²I), is estimated
 * by Monte Carlo with the base classifier f. {@link #certify} draws n0 noisy copies to guess the top
 * class ĉ, then n fresh copies to count it, takes the one-sided (1 − α) Clopper–Pearson lower bound
 * p̲<sub>A</sub> of P(f(x + δ) = ĉ) and, when p̲<sub>A</sub> &gt; ½, certifies ĉ within the L2 radius
 * R = σ·Φ<sup>−1</sup>(p̲<sub>A</sub>); otherwise it abstains. {@link #predict} counts n copies and
 * returns the top class only when a two-sided binomial test of the top two counts rejects equality
 * at level α (else it abstains). Noise is not clipped to the input range (the certificate is about
 * the base classifier on unclipped inputs), and the base classifier should have been trained with
 * the same noise ({@code GaussianAugmentation}).
 *
 * <p>Noise for the sample with id i comes from seeds derived from (seed, i), so results do not
 * depend on batching and are reproducible bit for bit.
 */
public final class RandomizedSmoothing {
    /** The answer for an input where the smoothed classifier abstains. */
    public static final int ABSTAIN = -1;

    /**
     * Validated parameters.
     *
     * @param sigma noise standard deviation σ &gt; 0
     * @param n0 selection samples (Cohen et al.: 100)
     * @param n estimation samples (Cohen et al.: 100,000; 1,000 gives smaller radii)
     * @param alpha failure probability of the certificate, in (0, 0.5)
     * @param batchSize noisy copies per forward pass
     * @param seed seed of the noise
     */
    public record Params(double sigma, int n0, int n, double alpha, int batchSize, long seed) {
        /**
         * Checks every parameter.
         *
         * @param sigma noise standard deviation σ &gt; 0
         * @param n0 selection samples (Cohen et al.: 100)
         * @param n estimation samples (Cohen et al.: 100,000; 1,000 gives smaller radii)
         * @param alpha failure probability of the certificate, in (0, 0.5)
         * @param batchSize noisy copies per forward pass
         * @param seed seed of the noise
         * @throws org.dlsec.core.DlsecException when a parameter is outside the range given above; the message names it
         */
        public Params {
            DlsecException.require(Double.isFinite(sigma) && sigma > 0 && sigma <= 10, "sigma", "must be in (0, 10], got " + sigma);
            DlsecException.require(n0 >= 1 && n0 <= 10_000_000, "n0", "must be in 1..10000000, got " + n0);
            DlsecException.require(n >= 1 && n <= 10_000_000, "n", "must be in 1..10000000, got " + n);
            DlsecException.require(Double.isFinite(alpha) && alpha > 0 && alpha < 0.5, "alpha", "must be in (0, 0.5), got " + alpha);
            DlsecException.require(batchSize >= 1 && batchSize <= 65_536, "batch size", "must be in 1..65536, got " + batchSize);
        }

        /**
         * What results record about the defence: its name, paper and parameters.
         *
         * @return a new mutable map
         */
        public Map<String, Object> describe() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("defence", "randomized-smoothing");
            m.put("paper", "Cohen, Rosenfeld, Kolter, ICML 2019");
            m.put("sigma", sigma);
            m.put("n0", n0);
            m.put("n", n);
            m.put("alpha", alpha);
            m.put("seed", seed);
            return m;
        }
    }

    /**
     * One certificate.
     *
     * @param prediction the certified class, or {@link #ABSTAIN}
     * @param radius the certified L2 radius (0 when abstaining)
     * @param pALower the Clopper–Pearson lower bound on the top class's probability under noise
     * @param counts the estimation counts per class
     */
    public record Certificate(int prediction, double radius, double pALower, int[] counts) {
        /**
         * Whether the smoothed classifier abstained.
         *
         * @return true when {@code prediction} is {@link #ABSTAIN}
         */
        public boolean abstained() {
            return prediction == ABSTAIN;
        }
    }

    private final Classifier base;
    private final Params p;

    /**
     * The smoothed version of {@code base}.
     *
     * @param base the base classifier (ideally trained with Gaussian noise of the same σ); not owned, not closed
     * @param params the noise and the sample counts
     */
    public RandomizedSmoothing(Classifier base, Params params) {
        this.base = base;
        this.p = params;
    }

    /**
     * The parameters.
     *
     * @return the validated parameters
     */
    public Params params() {
        return p;
    }

    /**
     * CERTIFY for one input of shape (C, H, W) or (1, C, H, W); {@code sampleId} seeds its noise.
     *
     * @param x one input; not closed
     * @param sampleId the sample's id
     * @return the certificate; costs n0 + n queries of the base classifier
     */
    public Certificate certify(NDArray x, long sampleId) {
        int[] selection = counts(x, p.n0(), Seeds.mix(p.seed(), sampleId * 2));
        int cHat = argmax(selection);
        int[] estimation = counts(x, p.n(), Seeds.mix(p.seed(), sampleId * 2 + 1));
        double pA = lowerConfidenceBound(estimation[cHat], p.n(), p.alpha());
        if (pA <= 0.5) {
            return new Certificate(ABSTAIN, 0, pA, estimation);
        }
        double radius = p.sigma() * new NormalDistribution(null, 0, 1).inverseCumulativeProbability(pA);
        return new Certificate(cHat, radius, pA, estimation);
    }

    /**
     * PREDICT for one input: the top class, or {@link #ABSTAIN} when the test of the top two counts fails.
     *
     * @param x one input; not closed
     * @param sampleId the sample's id
     * @return the class, or {@link #ABSTAIN}
     */
    public int predict(NDArray x, long sampleId) {
        int[] c = counts(x, p.n(), Seeds.mix(p.seed(), sampleId * 2 + 1));
        int a = argmax(c);
        int b = -1;
        for (int k = 0; k < c.length; k++) {
            if (k != a && (b < 0 || c[k] > c[b])) {
                b = k;
            }
        }
        int na = c[a];
        int nb = b < 0 ? 0 : c[b];
        double pValue = new BinomialTest().binomialTest(na + nb, na, 0.5, AlternativeHypothesis.TWO_SIDED);
        return pValue <= p.alpha() ? a : ABSTAIN;
    }

    /** How often the base classifier answers each class on {@code num} noisy copies of x. */
    int[] counts(NDArray x, int num, long seed) {
        Shape sample = x.getShape().dimension() == base.inputShape().dimension() + 1 ? x.getShape().slice(1) : x.getShape();
        int[] counts = new int[base.numClasses()];
        NDManager parent = x.getManager();
        int done = 0;
        try (NDManager outer = parent.newSubManager()) {
            NDArray one = x.reshape(new Shape(1).addAll(sample));
            one.attach(outer);
            while (done < num) {
                int b = Math.min(p.batchSize(), num - done);
                try (NDManager m = outer.newSubManager()) {
                    Shape batch = new Shape(b).addAll(sample);
                    // the noise's manager owns the sum and everything the classifier derives from it
                    NDArray noisy = Noise.gaussian(m, batch, p.sigma(), Noise.seeds(seed, done, b)).add(one);
                    long[] labels = base.predictLabels(noisy).toLongArray();
                    for (long l : labels) {
                        counts[(int) l]++;
                    }
                }
                done += b;
            }
        }
        return counts;
    }

    /**
     * The one-sided (1 − α) Clopper–Pearson lower bound of a binomial proportion with k successes in n.
     *
     * @param k the successes, 0 to n
     * @param n the trials, at least 1
     * @param alpha the failure probability, in (0, 1)
     * @return the lower bound, in [0, 1]
     */
    public static double lowerConfidenceBound(int k, int n, double alpha) {
        if (k <= 0) {
            return 0;
        }
        return new BetaDistribution(null, k, n - k + 1).inverseCumulativeProbability(alpha);
    }

    private static int argmax(int[] c) {
        int a = 0;
        for (int k = 1; k < c.length; k++) {
            if (c[k] > c[a]) {
                a = k;
            }
        }
        return a;
    }
}
