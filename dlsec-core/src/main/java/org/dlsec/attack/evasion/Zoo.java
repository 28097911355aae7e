package org.dlsec.attack.evasion;

import ai.djl.ndarray.NDArray;
import java.util.Map;
import java.util.SplittableRandom;
import org.dlsec.core.Tensors;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Seeds;
import org.dlsec.model.Bounds;
import org.dlsec.model.Classifier;

/**
 * <b>Zeroth-order optimisation, NES estimator</b> — registered as {@code zoo}. The ZOO family of
 * score-based attacks replaces the gradient by an estimate from output scores: ZOO itself (Chen,
 * Zhang, Sharma, Yi, Hsieh, "ZOO: Zeroth Order Optimization Based Black-box Attacks to Deep Neural
 * Networks without Training Substitute Models", AISec 2017) uses coordinate-wise symmetric finite
 * differences; this is the batched variant of the family, the natural-evolution-strategies (NES)
 * estimator of Ilyas, Engstrom, Athalye, Lin, "Black-box Adversarial Attacks with Limited Queries
 * and Information", ICML 2018 (Alg. 1 and the PGD of Sect. 2.2), which estimates all coordinates at
 * once from Gaussian directions.
 * <ul>
 *   <li>Estimate: {@code g = 1/(nσ) Σ_{i≤n/2} [L(x+σu_i) − L(x−σu_i)]·u_i}, u_i ~ N(0, I), antithetic
 *       pairs (n queries per estimate). Queried points are clipped to the input bounds.</li>
 *   <li>Loss L: the margin {@code s_y − max_{k≠y} s_k} of the scores (untargeted), the
 *       cross-entropy {@code −log p_t} of the target (targeted, the paper's loss). Only scores are used
 *       (logits, or log-probabilities for a probability-only model: same margin) — never a gradient.</li>
 *   <li>Step: projected descent, {@code x ← Π(x − η·sign(g))} for L∞ and
 *       {@code x ← Π(x − η·g/‖g‖₂)} for L2, Π the projection on the ε-ball and the input bounds;
 *       η = {@code stepFraction}·ε.</li>
 * </ul>
 * In every step all samples still under way, with all their antithetic draws and the current
 * iterate (to detect success), go to the model in one prediction (split into chunks of at most
 * {@value #MAX_ROWS} rows). A sample stops as soon as its current iterate is adversarial; the
 * clean and final predictions of the template count against {@code maxQueries}, and the last
 * estimate uses fewer draws if the budget would otherwise be exceeded, so every sample reports at
 * most {@code maxQueries} queries.
 */
public final class Zoo extends AbstractEpsilonAttack<Zoo.Params> {
    /**
     * Validated parameters.
     *
     * @param norm linf or l2
     * @param epsilon the budget ε ≥ 0
     * @param maxQueries per-sample query budget including the clean and final predictions (≥ 5)
     * @param samples queries per gradient estimate n (even, ≥ 2: n/2 antithetic pairs)
     * @param sigma the search variance σ (&gt; 0)
     * @param stepFraction the PGD step η as a fraction of ε, in (0, 1]
     * @param targeted targeted mode (y holds targets)
     * @param seed seed of all random choices (per sample: {@code (seed, sampleId)})
     */
    public record Params(Norm norm, double epsilon, int maxQueries, int samples, double sigma, double stepFraction,
            boolean targeted, long seed) implements AbstractEpsilonAttack.Budget {
        /**
         * Checks every parameter.
         *
         * @param norm linf or l2
         * @param epsilon the budget ε ≥ 0
         * @param maxQueries per-sample query budget including the clean and final predictions (≥ 5)
         * @param samples queries per gradient estimate n (even, ≥ 2: n/2 antithetic pairs)
         * @param sigma the search variance σ (&gt; 0)
         * @param stepFraction the PGD step η as a fraction of ε, in (0, 1]
         * @param targeted targeted mode (y holds targets)
         * @param seed seed of all random choices (per sample: {@code (seed, sampleId)})
         * @throws org.dlsec.core.DlsecException when a parameter is outside the range given above; the message names it
         */
        public Params {
            DlsecException.require(norm == Norm.LINF || norm == Norm.L2, "norm", "zoo supports linf and l2, got " + norm);
            DlsecException.require(Double.isFinite(epsilon) && epsilon >= 0, "eps", "must be finite and >= 0, got " + epsilon);
            DlsecException.require(maxQueries >= 5, "max queries",
                    "must be >= 5 (the clean and final predictions count, and one estimate needs 2), got " + maxQueries);
            DlsecException.require(samples >= 2 && samples % 2 == 0, "samples",
                    "must be even and >= 2 (antithetic pairs), got " + samples);
            DlsecException.require(Double.isFinite(sigma) && sigma > 0, "sigma", "must be finite and > 0, got " + sigma);
            DlsecException.require(Double.isFinite(stepFraction) && stepFraction > 0 && stepFraction <= 1, "step",
                    "the step as a fraction of eps must be in (0, 1], got " + stepFraction);
        }
    }

    private static final long STREAM = 0x2005E5L;
    /** Largest number of rows sent in one prediction (memory bound). */
    static final int MAX_ROWS = 16_384;

    /**
     * The attack with {@code params}; immutable, so one instance may be shared between threads and runs.
     *
     * @param params the validated parameters
     */
    public Zoo(Params params) {
        super("zoo", Knowledge.SCORE_BASED, params);
    }

    /** The {@code --param} names {@link #fromSpec} reads. */
    public static final java.util.List<String> PARAMS = java.util.List.of("samples", "sigma");

    /**
     * The registry's defaults: 10,000 queries, n = 50 draws per estimate and σ = 0.001 (the paper's
     * values), step ε/10; an absolute {@code stepSize} is turned into a fraction of ε; extras
     * {@code samples}, {@code sigma}.
     *
     * @param s the attack's options as the command line and the audit configuration give them
     * @return the attack
     * @throws org.dlsec.core.DlsecException when an option is unknown or out of range; the message names it
     */
    public static Zoo fromSpec(AttackSpec s) {
        double frac = 0.1;
        if (s.stepSize() != null) {
            DlsecException.require(s.epsilon() > 0, "step size", "needs eps > 0 (the step is a fraction of eps)");
            frac = s.stepSize() / s.epsilon();
        }
        return new Zoo(new Params(s.norm(), s.epsilon(), s.maxQueriesOr(10_000), s.extraInt("samples", 50),
                s.extraDouble("sigma", 0.001), frac, s.targeted(), s.seed()));
    }

    /**
     * ZOO's score-based random-direction estimate (Chen et al. 2017, as the registry runs it) in L∞ and one line, with
     * the registry's defaults (10,000 queries, 50 samples per estimate, σ = 0.001, steps of 0.1·ε, seed 0), e.g.
     * {@code Zoo.linf(0.3).maxQueries(2000).build()}.
     *
     * @param eps the L∞ budget ε in the data's units, finite and at least 0 (checked at {@code build()})
     * @return a builder with the defaults above
     */
    public static Builder linf(double eps) {
        return new Builder(Norm.LINF, eps);
    }

    /**
     * As {@link #linf}, in L2.
     *
     * @param eps the L2 budget ε in the data's units, finite and at least 0 (checked at {@code build()})
     * @return a builder with the defaults above
     */
    public static Builder l2(double eps) {
        return new Builder(Norm.L2, eps);
    }

    /** Fluent, validated configuration of {@link Zoo}; {@link #build()} names a bad parameter. */
    public static final class Builder extends EpsilonAttackBuilder<Builder, Zoo> {
        private int maxQueries = 10_000;
        private int samples = 50;
        private double sigma = 0.001;
        private double stepFraction = 0.1;

        private Builder(Norm norm, double eps) {
            super(norm, eps);
        }

        @Override
        protected Builder self() {
            return this;
        }

        /**
         * Queries per sample (default 10,000).
         *
         * @param q the query budget per sample, at least 5
         * @return this builder
         */
        public Builder maxQueries(int q) {
            this.maxQueries = q;
            return this;
        }

        /**
         * Random directions per gradient estimate (default 50).
         *
         * @param n the number of draws, even and at least 2
         * @return this builder
         */
        public Builder samples(int n) {
            this.samples = n;
            return this;
        }

        /**
         * The finite-difference scale σ (default 0.001).
         *
         * @param s σ, positive, in the data's units
         * @return this builder
         */
        public Builder sigma(double s) {
            this.sigma = s;
            return this;
        }

        /**
         * The step as a fraction of ε (default 0.1).
         *
         * @param f the fraction, in (0, 1]
         * @return this builder
         */
        public Builder stepFraction(double f) {
            this.stepFraction = f;
            return this;
        }

        @Override
        public Zoo build() {
            return new Zoo(new Params(norm, eps, maxQueries, samples, sigma, stepFraction, targeted, seed));
        }
    }

    @Override
    public Zoo withEpsilon(double epsilon) {
        return new Zoo(new Params(p.norm(), epsilon, p.maxQueries(), p.samples(), p.sigma(), p.stepFraction(), p.targeted(),
                p.seed()));
    }

    @Override
    public Map<String, Object> parameters() {
        return ParameterMap.of(p).before("samples", "estimator", "nes").rename("stepFraction", "stepSize", p.stepFraction() * p.epsilon())
                .before("targeted", "loss", p.targeted() ? "cross-entropy" : "margin").map();
    }

    private double loss(float[] s, int row, int k, int y) {
        return p.targeted() ? -QueryOracle.logSoftmax(s, row, k, y) : QueryOracle.margin(s, row, k, y);
    }

    @Override
    protected Crafted craft(Classifier model, NDArray x, NDArray y, long[] cleanPred, long[] ids) {
        int n = (int) x.getShape().get(0);
        QueryOracle oracle = new QueryOracle(model, x.getManager());
        int d = oracle.dim();
        int k = oracle.numClasses();
        Bounds b = model.bounds();
        float[] orig = x.toFloatArray();
        long[] yv = y.toLongArray();
        float[] cur = orig.clone();
        long[] queries = new long[n];
        if (p.epsilon() == 0) {
            return new Crafted(x.duplicate(), queries, new long[n]);
        }
        long budget = QueryOracle.algorithmBudget(p.maxQueries());
        SplittableRandom[] rng = new SplittableRandom[n];
        boolean[] active = new boolean[n];
        for (int i = 0; i < n; i++) {
            rng[i] = Seeds.forSample(Seeds.mix(p.seed(), STREAM), ids[i]);
            active[i] = !QueryOracle.fooled((int) cleanPred[i], (int) yv[i], p.targeted());
        }
        double step = p.stepFraction() * p.epsilon();
        float[] grad = new float[d];
        for (int t = 0; ; t++) {
            // per sample: the current iterate (not at t = 0: the clean prediction is known) and 2·pairs draws
            int[] rows = new int[n];
            int[] pairs = new int[n];
            int count = 0;
            for (int i = 0; i < n; i++) {
                long left = budget - queries[i];
                int centre = t == 0 ? 0 : 1;
                if (active[i] && left >= centre + (t == 0 ? 2 : 0) && left >= 1) {
                    pairs[i] = (int) Math.min(p.samples() / 2, (left - centre) / 2);
                    rows[count++] = i;
                }
            }
            if (count == 0) {
                break;
            }
            int centreRows = t == 0 ? 0 : 1;
            int from = 0;
            while (from < count) {
                int to = from;
                int total = 0;
                while (to < count) {
                    int need = centreRows + 2 * pairs[rows[to]];
                    if (to > from && total + need > MAX_ROWS) {
                        break;
                    }
                    total += need;
                    to++;
                }
                float[] cand = new float[total * d];
                float[][] dirs = new float[to - from][];
                int r = 0;
                for (int q = from; q < to; q++) {
                    int i = rows[q];
                    if (centreRows == 1) {
                        System.arraycopy(cur, i * d, cand, r * d, d);
                        r++;
                    }
                    float[] u = new float[pairs[i] * d];
                    for (int e = 0; e < pairs[i]; e++) {
                        for (int j = 0; j < d; j++) {
                            float uj = (float) Perturbations.gaussian(rng[i]);
                            u[e * d + j] = uj;
                            float c = cur[i * d + j];
                            cand[r * d + j] = b.clamp(j, (float) (c + p.sigma() * uj));
                            cand[(r + 1) * d + j] = b.clamp(j, (float) (c - p.sigma() * uj));
                        }
                        r += 2;
                    }
                    dirs[q - from] = u;
                }
                float[] s = oracle.scores(cand, total);
                r = 0;
                for (int q = from; q < to; q++) {
                    int i = rows[q];
                    int yi = (int) yv[i];
                    queries[i] += centreRows + 2L * pairs[i];
                    if (centreRows == 1) {
                        boolean fooled = QueryOracle.fooled(QueryOracle.argmax(s, r, k), yi, p.targeted());
                        r++;
                        if (fooled) {
                            active[i] = false;
                            r += 2 * pairs[i];
                            continue;
                        }
                    }
                    if (pairs[i] == 0) {
                        // budget spent: the template's final prediction checks the last iterate
                        active[i] = false;
                        continue;
                    }
                    java.util.Arrays.fill(grad, 0f);
                    float[] u = dirs[q - from];
                    for (int e = 0; e < pairs[i]; e++) {
                        double diff = loss(s, r, k, yi) - loss(s, r + 1, k, yi);
                        float wgt = (float) (diff / (2 * pairs[i] * p.sigma()));
                        for (int j = 0; j < d; j++) {
                            grad[j] += wgt * u[e * d + j];
                        }
                        r += 2;
                    }
                    step(orig, cur, i, d, grad, step, b);
                }
                from = to;
            }
        }
        return new Crafted(Tensors.floats(x.getManager(), cur, x.getShape()), queries, new long[n]);
    }

    /** One projected descent step of sample i along the estimate. */
    private void step(float[] orig, float[] cur, int i, int d, float[] grad, double eta, Bounds b) {
        double eps = p.epsilon();
        if (p.norm() == Norm.LINF) {
            for (int j = 0; j < d; j++) {
                double o = orig[i * d + j];
                double v = cur[i * d + j] - eta * Math.signum(grad[j]);
                v = Math.min(o + eps, Math.max(o - eps, v));
                cur[i * d + j] = b.clamp(j, v);
            }
            return;
        }
        double gn = 0;
        for (float g : grad) {
            gn += (double) g * g;
        }
        gn = Math.sqrt(gn);
        if (gn == 0) {
            return;
        }
        double[] delta = new double[d];
        double dn = 0;
        for (int j = 0; j < d; j++) {
            delta[j] = cur[i * d + j] - eta * grad[j] / gn - orig[i * d + j];
            dn += delta[j] * delta[j];
        }
        dn = Math.sqrt(dn);
        double scale = dn > eps ? eps / dn : 1;
        for (int j = 0; j < d; j++) {
            double v = orig[i * d + j] + delta[j] * scale;
            cur[i * d + j] = b.clamp(j, v);
        }
    }
}
