package org.dlsec.attack.evasion;

import ai.djl.ndarray.NDArray;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.dlsec.core.Tensors;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Seeds;
import org.dlsec.model.Bounds;
import org.dlsec.model.Classifier;

/**
 * <b>HopSkipJump</b> — Chen, Jordan, Wainwright, "HopSkipJumpAttack: A Query-Efficient
 * Decision-Based Attack", IEEE S&amp;P 2020 (Alg. 2). Uses predicted labels only; untargeted.
 * <ol>
 *   <li>Initialisation: uniform noise until misclassified, blended towards the original
 *       ({@link DecisionInit}), then a binary search onto the boundary.</li>
 *   <li>At iteration t, the gradient direction at the boundary point is estimated from
 *       {@code B_t = min(B0·√t, maxEvals)} sign queries at {@code x_t + δ_t·u_b} (u_b uniform on
 *       the unit sphere for L2, uniform in the cube then normalised for L∞), with the baseline
 *       (mean of the signs) subtracted; {@code δ_1 = 0.1·range}, then {@code δ_t = √d·θ·‖x_t−x*‖₂}
 *       (L2) or {@code d·θ·‖x_t−x*‖∞} (L∞).</li>
 *   <li>Geometric step-size search: {@code ξ = ‖x_t−x*‖/√t}, halved until
 *       {@code x_t + ξ·v} is adversarial, where v is the normalised estimate (L2) or its sign
 *       (L∞).</li>
 *   <li>Binary search between the original and that point, to tolerance {@code θ = γ·d^{-3/2}}
 *       (L2) or {@code γ·d^{-2}} (L∞) in the blend (L2) or box-radius (L∞) fraction.</li>
 * </ol>
 * All samples still under way are queried together in each phase; each sample stops when its
 * budget (including the clean and final predictions) is spent and returns the closest adversarial
 * point found. A sample whose noise initialisation fails is returned unchanged (unsuccessful).
 */
public final class HopSkipJump extends AbstractParameterisedAttack<HopSkipJump.Params> implements MinimalPerturbationAttack {
    /**
     * Validated parameters.
     *
     * @param norm l2 or linf: the distance minimised
     * @param maxQueries per-sample query budget including the clean and final predictions (≥ 3)
     * @param initEvals B0, the first iteration's number of gradient queries (≥ 1)
     * @param maxEvals the cap on gradient queries per iteration (≥ initEvals)
     * @param gamma γ of the binary-search threshold θ (&gt; 0)
     * @param initTries uniform-noise draws allowed for the initialisation (≥ 1)
     * @param seed seed of all random choices (per sample)
     */
    public record Params(Norm norm, int maxQueries, int initEvals, int maxEvals, double gamma, int initTries, long seed) {
        /**
         * Checks every parameter.
         *
         * @param norm l2 or linf: the distance minimised
         * @param maxQueries per-sample query budget including the clean and final predictions (≥ 3)
         * @param initEvals B0, the first iteration's number of gradient queries (≥ 1)
         * @param maxEvals the cap on gradient queries per iteration (≥ initEvals)
         * @param gamma γ of the binary-search threshold θ (&gt; 0)
         * @param initTries uniform-noise draws allowed for the initialisation (≥ 1)
         * @param seed seed of all random choices (per sample)
         * @throws org.dlsec.core.DlsecException when a parameter is outside the range given above; the message names it
         */
        public Params {
            DlsecException.require(norm == Norm.L2 || norm == Norm.LINF, "norm", "hsj supports l2 and linf, got " + norm);
            DlsecException.require(maxQueries >= 3, "max queries",
                    "must be >= 3 (the clean and final predictions count), got " + maxQueries);
            DlsecException.require(initEvals >= 1, "init evals", "must be >= 1, got " + initEvals);
            DlsecException.require(maxEvals >= initEvals, "max evals", "must be >= init evals, got " + maxEvals);
            DlsecException.require(Double.isFinite(gamma) && gamma > 0, "gamma", "must be finite and > 0, got " + gamma);
            DlsecException.require(initTries >= 1, "init tries", "must be >= 1, got " + initTries);
        }
    }

    private static final long STREAM = 0x45B1L;
    /** Largest number of rows sent in one prediction of the gradient-estimation phase (memory bound). */
    private static final int MAX_ROWS = 16_384;
    /**
     * The attack with {@code params}; immutable, so one instance may be shared between threads and runs.
     *
     * @param params the validated parameters
     */
    public HopSkipJump(Params params) {
        super("hsj", Knowledge.DECISION_BASED, params);
    }

    /** The {@code --param} names {@link #fromSpec} reads. */
    public static final java.util.List<String> PARAMS = java.util.List.of("init-evals", "max-evals", "gamma", "init-tries");

    /**
     * The registry's defaults (the paper's B0 = 100, cap 10^4, γ = 1), 5000 queries.
     *
     * @param s the attack's options as the command line and the audit configuration give them
     * @return the attack
     * @throws org.dlsec.core.DlsecException when an option is unknown or out of range; the message names it
     */
    public static HopSkipJump fromSpec(AttackSpec s) {
        DlsecException.require(!s.targeted(), "targeted",
                "hsj is untargeted here (a targeted run needs a starting image of the target class)");
        return new HopSkipJump(new Params(s.norm(), s.maxQueriesOr(5000), s.extraInt("init-evals", 100),
                s.extraInt("max-evals", 10_000), s.extraDouble("gamma", 1.0), s.extraInt("init-tries", 100), s.seed()));
    }

    /**
     * HopSkipJump (untargeted, minimising L2) in one line with the registry's defaults (5,000 queries, 100 initial
     * and at most 10,000 gradient-estimate queries, γ = 1, 100 tries for a starting point, seed 0), e.g.
     * {@code HopSkipJump.l2().maxQueries(1000).build()}.
     *
     * @return a builder with the defaults above
     */
    public static Builder l2() {
        return new Builder(Norm.L2);
    }

    /**
     * As {@link #l2()}, minimising L∞.
     *
     * @return a builder with the defaults of {@link #l2()}
     */
    public static Builder linf() {
        return new Builder(Norm.LINF);
    }

    /** Fluent, validated configuration of {@link HopSkipJump}; {@link #build()} names a bad parameter. */
    public static final class Builder extends DecisionAttackBuilder<Builder, HopSkipJump> {
        private final Norm norm;
        private int initEvals = 100;
        private int maxEvals = 10_000;
        private double gamma = 1.0;

        private Builder(Norm norm) {
            this.norm = norm;
        }

        @Override
        protected Builder self() {
            return this;
        }

        /**
         * Queries of the first gradient estimate, growing with √iteration (default 100).
         *
         * @param n B0, at least 1
         * @return this builder
         */
        public Builder initEvals(int n) {
            this.initEvals = n;
            return this;
        }

        /**
         * Queries of one gradient estimate at most (default 10,000).
         *
         * @param n the cap, at least {@code initEvals}
         * @return this builder
         */
        public Builder maxEvals(int n) {
            this.maxEvals = n;
            return this;
        }

        /**
         * γ, which sets the binary search's threshold (default 1).
         *
         * @param g γ, positive
         * @return this builder
         */
        public Builder gamma(double g) {
            this.gamma = g;
            return this;
        }

        @Override
        public HopSkipJump build() {
            untargetedOnly("hsj");
            return new HopSkipJump(new Params(norm, maxQueries, initEvals, maxEvals, gamma, initTries, seed));
        }
    }


    @Override
    public boolean targeted() {
        return false;
    }

    @Override
    public Map<String, Object> parameters() {
        return ParameterMap.of(p).map();
    }

    private double distance(float[] a, float[] orig, int i, int d) {
        double s = 0;
        for (int j = 0; j < d; j++) {
            double v = a[i * d + j] - orig[i * d + j];
            s = p.norm() == Norm.L2 ? s + v * v : Math.max(s, Math.abs(v));
        }
        return p.norm() == Norm.L2 ? Math.sqrt(s) : s;
    }

    @Override
    protected Crafted craft(Classifier model, NDArray x, NDArray y, long[] cleanPred, long[] ids) {
        DecisionInit.Start s0 = DecisionInit.start(model, x, y, cleanPred, ids, Seeds.mix(p.seed(), STREAM), p.maxQueries(),
                p.initTries());
        int n = s0.labels().length;
        QueryOracle oracle = s0.oracle();
        int d = oracle.dim();
        Bounds b = model.bounds();
        float[] orig = s0.orig();
        int[] labels = s0.labels();
        SplittableRandom[] rng = s0.rng();
        long budget = s0.budget();
        long[] queries = s0.queries();
        float[] cur = s0.cur();
        boolean[] started = s0.started();
        float[] result = orig.clone();
        double theta = p.norm() == Norm.L2 ? p.gamma() / (d * Math.sqrt(d)) : p.gamma() / ((double) d * d);
        binarySearch(oracle, orig, cur, cur.clone(), started, labels, queries, budget, theta);
        double[] dist = new double[n];
        for (int i = 0; i < n; i++) {
            if (started[i]) {
                dist[i] = distance(cur, orig, i, d);
                System.arraycopy(cur, i * d, result, i * d, d);
            }
        }
        double[] bestDist = dist.clone();
        float[] grad = new float[n * d];
        for (int t = 1; ; t++) {
            int[] rows = DecisionInit.select(started, new boolean[n], queries, budget, false);
            if (rows.length == 0) {
                break;
            }
            // 1. gradient direction at the boundary
            estimateGradients(oracle, orig, cur, dist, rows, t, labels, queries, budget, rng, b, theta, grad);
            // 2. geometric step-size search
            double[] xi = new double[n];
            boolean[] searching = new boolean[n];
            for (int i : rows) {
                xi[i] = dist[i] / Math.sqrt(t);
                searching[i] = queries[i] < budget;
            }
            float[] next = cur.clone();
            boolean[] stepped = new boolean[n];
            for (int halvings = 0; halvings < 30; halvings++) {
                int[] srows = DecisionInit.select(searching, new boolean[n], queries, budget, false);
                if (srows.length == 0) {
                    break;
                }
                float[] cand = new float[srows.length * d];
                for (int r = 0; r < srows.length; r++) {
                    int i = srows[r];
                    for (int j = 0; j < d; j++) {
                        float v = (float) (cur[i * d + j] + xi[i] * grad[i * d + j]);
                        cand[r * d + j] = b.clamp(j, v);
                    }
                }
                int[] pred = oracle.labels(cand, srows.length);
                for (int r = 0; r < srows.length; r++) {
                    int i = srows[r];
                    queries[i]++;
                    if (pred[r] != labels[i]) {
                        System.arraycopy(cand, r * d, next, i * d, d);
                        stepped[i] = true;
                        searching[i] = false;
                    } else {
                        xi[i] /= 2;
                    }
                }
            }
            // 3. binary search back to the boundary
            binarySearch(oracle, orig, cur, next, stepped, labels, queries, budget, theta);
            for (int i : rows) {
                if (stepped[i]) {
                    dist[i] = distance(cur, orig, i, d);
                    if (dist[i] < bestDist[i]) {
                        bestDist[i] = dist[i];
                        System.arraycopy(cur, i * d, result, i * d, d);
                    }
                }
            }
        }
        return new Crafted(Tensors.floats(x.getManager(), result, x.getShape()), queries, new long[n]);
    }

    /** Monte-Carlo estimate of the boundary normal at {@code cur}, written (normalised or signed) to grad. */
    private void estimateGradients(QueryOracle oracle, float[] orig, float[] cur, double[] dist, int[] rows, int t,
            int[] labels, long[] queries, long budget, SplittableRandom[] rng, Bounds b, double theta, float[] grad) {
        int d = oracle.dim();
        int from = 0;
        while (from < rows.length) {
            // a group of samples whose rows fit in one prediction
            int to = from;
            int total = 0;
            int[] evals = new int[rows.length];
            while (to < rows.length) {
                int i = rows[to];
                int bt = (int) Math.min(Math.min(p.initEvals() * Math.sqrt(t), p.maxEvals()), budget - queries[i]);
                if (to > from && total + bt > MAX_ROWS) {
                    break;
                }
                evals[to] = bt;
                total += bt;
                to++;
            }
            float[] cand = new float[total * d];
            double[] delta = new double[rows.length];
            // each sample's rows start at first[q]; samples draw from their own generators and write their own rows
            // and gradient, so they are done in parallel with the same results as one after the other (the Java work
            // between two predictions, mostly the Gaussian draws, was ~15% of the attack's time)
            int[] first = new int[rows.length];
            for (int q = from + 1; q < to; q++) {
                first[q] = first[q - 1] + evals[q - 1];
            }
            IntStream.range(from, to).parallel().forEach(q -> {
                int i = rows[q];
                delta[q] = t == 1 ? 0.1 * b.range()
                        : (p.norm() == Norm.L2 ? Math.sqrt(d) : d) * theta * dist[i];
                for (int e = 0, r = first[q]; e < evals[q]; e++, r++) {
                    double sq = 0;
                    for (int j = 0; j < d; j++) {
                        double u = p.norm() == Norm.L2 ? Perturbations.gaussian(rng[i]) : 2 * rng[i].nextDouble() - 1;
                        cand[r * d + j] = (float) u;
                        sq += u * u;
                    }
                    double scale = delta[q] / Math.max(Math.sqrt(sq), 1e-12);
                    for (int j = 0; j < d; j++) {
                        float v = (float) (cur[i * d + j] + scale * cand[r * d + j]);
                        cand[r * d + j] = b.clamp(j, v);
                    }
                }
            });
            int[] pred = oracle.labels(cand, total);
            IntStream.range(from, to).parallel().forEach(q -> {
                int i = rows[q];
                int bt = evals[q];
                int r = first[q];
                queries[i] += bt;
                double mean = 0;
                for (int e = 0; e < bt; e++) {
                    mean += pred[r + e] != labels[i] ? 1 : -1;
                }
                mean /= bt;
                double[] g = new double[d];
                for (int e = 0; e < bt; e++, r++) {
                    double phi = pred[r] != labels[i] ? 1 : -1;
                    // all signs equal: the paper's fallback is the plain mean of ±u
                    double wgt = Math.abs(mean) == 1 ? phi : phi - mean;
                    for (int j = 0; j < d; j++) {
                        g[j] += wgt * (cand[r * d + j] - cur[i * d + j]) / delta[q];
                    }
                }
                double norm = 0;
                for (double v : g) {
                    norm += v * v;
                }
                norm = Math.sqrt(norm);
                for (int j = 0; j < d; j++) {
                    grad[i * d + j] = p.norm() == Norm.L2 ? (float) (g[j] / Math.max(norm, 1e-12)) : (float) Math.signum(g[j]);
                }
            });
            from = to;
        }
    }

    /**
     * Binary search between the original (never adversarial) and {@code far} (adversarial) for the
     * samples in {@code which}; writes the adversarial end of the final interval to {@code cur}.
     */
    private void binarySearch(QueryOracle oracle, float[] orig, float[] cur, float[] far, boolean[] which, int[] labels,
            long[] queries, long budget, double theta) {
        int n = labels.length;
        int d = oracle.dim();
        double[] radius = new double[n];
        for (int i = 0; i < n; i++) {
            if (which[i] && p.norm() == Norm.LINF) {
                radius[i] = distance(far, orig, i, d);
            }
        }
        double[] hi = DecisionInit.bisect(oracle, labels, which, queries, budget, theta,
                (i, a, out, row) -> project(orig, far, i, d, a, radius[i], out, row));
        for (int i = 0; i < n; i++) {
            if (which[i]) {
                project(orig, far, i, d, hi[i], radius[i], cur, i);
            }
        }
    }

    /** The point at fraction a between the original and far: a blend (L2) or a clip to the box of radius a·r (L∞). */
    private void project(float[] orig, float[] far, int i, int d, double a, double radius, float[] out, int row) {
        for (int j = 0; j < d; j++) {
            double o = orig[i * d + j];
            double f = far[i * d + j];
            double v = p.norm() == Norm.L2 ? (1 - a) * o + a * f : Math.min(o + a * radius, Math.max(o - a * radius, f));
            out[row * d + j] = (float) v;
        }
    }

    @Override
    public Norm distanceNorm() {
        return p.norm();
    }
}
