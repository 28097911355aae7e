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
 * <b>Boundary Attack</b> — Brendel, Rauber, Bethge, "Decision-Based Adversarial Attacks: Reliable
 * Attacks Against Black-Box Machine Learning Models", ICLR 2018. Uses predicted labels only;
 * untargeted; minimises the L2 distance.
 * <ol>
 *   <li>Initialisation: uniform noise until misclassified, blended towards the original
 *       ({@link DecisionInit}, the paper's Sect. 3.1).</li>
 *   <li>Proposal (Sect. 3.2): η ~ N(0, I) with its component along the direction to the original
 *       removed, scaled to {@code δ·d(o, x̃)}; the <i>orthogonal</i> (spherical) candidate is
 *       {@code o + (x̃ + η − o)/√(1+δ²)}, which lies on the sphere of radius d(o, x̃) around the
 *       original (up to clipping); the full candidate then moves towards the original so that
 *       its distance is {@code (1−ε)·d(o, x̃)}, both clipped to the input bounds.</li>
 *   <li>Both candidates are queried; the full one replaces x̃ if it is adversarial and closer.</li>
 *   <li>Step-size adaptation (Sect. 3.2, with the window sizes of the authors' Foolbox code): every 10
 *       iterations, if the last 100 orthogonal candidates were adversarial more than 50% of the time,
 *       δ and ε are multiplied by 1.5, below 20% both are divided by 1.5; the same with the last 30
 *       full candidates for ε alone. Both windows are cleared after an adjustment.</li>
 * </ol>
 * All samples still under way are queried together (two rows each per iteration, in one
 * prediction). Each sample stops when its budget (including the clean and final predictions) cannot
 * pay for another iteration and returns the closest adversarial point found. A sample whose noise
 * initialisation fails is returned unchanged (unsuccessful).
 */
public final class Boundary extends AbstractParameterisedAttack<Boundary.Params> implements MinimalPerturbationAttack {
    /**
     * Validated parameters.
     *
     * @param maxQueries per-sample query budget including the clean and final predictions (≥ 3)
     * @param sphericalStep initial orthogonal step δ, relative to the current distance (&gt; 0)
     * @param sourceStep initial step ε towards the original, relative to the current distance, in (0, 1)
     * @param stepAdaptation the factor by which the steps grow or shrink (&gt; 1)
     * @param initTries uniform-noise draws allowed for the initialisation (≥ 1)
     * @param seed seed of all random choices (per sample)
     */
    public record Params(int maxQueries, double sphericalStep, double sourceStep, double stepAdaptation, int initTries,
            long seed) {
        /**
         * Checks every parameter.
         *
         * @param maxQueries per-sample query budget including the clean and final predictions (≥ 3)
         * @param sphericalStep initial orthogonal step δ, relative to the current distance (&gt; 0)
         * @param sourceStep initial step ε towards the original, relative to the current distance, in (0, 1)
         * @param stepAdaptation the factor by which the steps grow or shrink (&gt; 1)
         * @param initTries uniform-noise draws allowed for the initialisation (≥ 1)
         * @param seed seed of all random choices (per sample)
         * @throws org.dlsec.core.DlsecException when a parameter is outside the range given above; the message names it
         */
        public Params {
            DlsecException.require(maxQueries >= 3, "max queries",
                    "must be >= 3 (the clean and final predictions count), got " + maxQueries);
            DlsecException.require(Double.isFinite(sphericalStep) && sphericalStep > 0, "spherical step",
                    "must be finite and > 0, got " + sphericalStep);
            DlsecException.require(Double.isFinite(sourceStep) && sourceStep > 0 && sourceStep < 1, "source step",
                    "must be in (0, 1), got " + sourceStep);
            DlsecException.require(Double.isFinite(stepAdaptation) && stepAdaptation > 1, "step adaptation",
                    "must be finite and > 1, got " + stepAdaptation);
            DlsecException.require(initTries >= 1, "init tries", "must be >= 1, got " + initTries);
        }
    }

    private static final long STREAM = 0xB0DA7L;
    private static final int SPHERICAL_WINDOW = 100;
    private static final int STEP_WINDOW = 30;
    private static final int ADAPT_EVERY = 10;
    /**
     * The attack with {@code params}; immutable, so one instance may be shared between threads and runs.
     *
     * @param params the validated parameters
     */
    public Boundary(Params params) {
        super("boundary", Knowledge.DECISION_BASED, params);
    }

    /** The {@code --param} names {@link #fromSpec} reads. */
    public static final java.util.List<String> PARAMS = java.util.List.of("spherical-step", "source-step", "step-adaptation", "init-tries");

    /**
     * The registry's defaults (the authors' δ = ε = 0.01, factor 1.5), 5000 queries; extras
     * {@code spherical-step}, {@code source-step}, {@code step-adaptation}, {@code init-tries}. The
     * attack minimises L2 whatever the spec's norm (the spec's default is linf); l0 is rejected.
     *
     * @param s the attack's options as the command line and the audit configuration give them
     * @return the attack
     * @throws org.dlsec.core.DlsecException when an option is unknown or out of range; the message names it
     */
    public static Boundary fromSpec(AttackSpec s) {
        DlsecException.require(!s.targeted(), "targeted",
                "boundary is untargeted here (a targeted run needs a starting image of the target class)");
        DlsecException.require(s.norm() != Norm.L0, "norm", "boundary minimises the l2 distance, got " + s.norm());
        return new Boundary(new Params(s.maxQueriesOr(5000), s.extraDouble("spherical-step", 0.01),
                s.extraDouble("source-step", 0.01), s.extraDouble("step-adaptation", 1.5), s.extraInt("init-tries", 100),
                s.seed()));
    }

    /**
     * The Boundary Attack (untargeted, minimising L2) in one line with the registry's defaults (5,000 queries,
     * spherical and source steps 0.01, step adaptation 1.5, 100 tries for a starting point, seed 0), e.g.
     * {@code Boundary.builder().maxQueries(1000).build()}.
     *
     * @return a builder with the defaults above
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Fluent, validated configuration of {@link Boundary}; {@link #build()} names a bad parameter. */
    public static final class Builder extends DecisionAttackBuilder<Builder, Boundary> {
        private double sphericalStep = 0.01;
        private double sourceStep = 0.01;
        private double stepAdaptation = 1.5;

        private Builder() {}

        @Override
        protected Builder self() {
            return this;
        }

        /**
         * The orthogonal (spherical) step, relative to the distance (default 0.01).
         *
         * @param d δ, positive
         * @return this builder
         */
        public Builder sphericalStep(double d) {
            this.sphericalStep = d;
            return this;
        }

        /**
         * The step towards the original, relative to the distance (default 0.01).
         *
         * @param d the relative step, in (0, 1)
         * @return this builder
         */
        public Builder sourceStep(double d) {
            this.sourceStep = d;
            return this;
        }

        /**
         * The factor the steps grow or shrink by with their success rates (default 1.5).
         *
         * @param f the factor, greater than 1
         * @return this builder
         */
        public Builder stepAdaptation(double f) {
            this.stepAdaptation = f;
            return this;
        }

        @Override
        public Boundary build() {
            untargetedOnly("boundary");
            return new Boundary(new Params(maxQueries, sphericalStep, sourceStep, stepAdaptation, initTries, seed));
        }
    }


    @Override
    public boolean targeted() {
        return false;
    }

    @Override
    public Map<String, Object> parameters() {
        return ParameterMap.of(p).first("norm", Norm.L2.cliName()).map();
    }

    private static double distance(float[] a, float[] orig, int i, int d) {
        double s = 0;
        for (int j = 0; j < d; j++) {
            double v = a[i * d + j] - orig[i * d + j];
            s += v * v;
        }
        return Math.sqrt(s);
    }

    /** A sliding record of the last {@code size} outcomes. */
    private static final class Window {
        private final boolean[] v;
        private int count;
        private int next;

        Window(int size) {
            v = new boolean[size];
        }

        void add(boolean b) {
            v[next] = b;
            next = (next + 1) % v.length;
            count = Math.min(count + 1, v.length);
        }

        boolean full() {
            return count == v.length;
        }

        double rate() {
            int s = 0;
            for (int j = 0; j < count; j++) {
                s += v[j] ? 1 : 0;
            }
            return count == 0 ? 0 : (double) s / count;
        }

        void clear() {
            count = 0;
            next = 0;
        }
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
        double[] dist = new double[n];
        double[] spherical = new double[n];
        double[] source = new double[n];
        Window[] sphStats = new Window[n];
        Window[] stepStats = new Window[n];
        for (int i = 0; i < n; i++) {
            if (started[i]) {
                System.arraycopy(cur, i * d, result, i * d, d);
                dist[i] = distance(cur, orig, i, d);
                spherical[i] = p.sphericalStep();
                source[i] = p.sourceStep();
                sphStats[i] = new Window(SPHERICAL_WINDOW);
                stepStats[i] = new Window(STEP_WINDOW);
            }
        }
        double[] eta = new double[d];
        for (int it = 1; ; it++) {
            int[] rows = DecisionInit.select(started, new boolean[n], queries, budget - 1, false);
            if (rows.length == 0) {
                break;
            }
            // rows 2r: orthogonal candidate, 2r+1: full candidate
            float[] cand = new float[2 * rows.length * d];
            for (int r = 0; r < rows.length; r++) {
                propose(orig, result, rows[r], d, dist[rows[r]], spherical[rows[r]], source[rows[r]], rng[rows[r]], b, eta,
                        cand, 2 * r);
            }
            int[] pred = oracle.labels(cand, 2 * rows.length);
            for (int r = 0; r < rows.length; r++) {
                int i = rows[r];
                queries[i] += 2;
                boolean sphAdv = pred[2 * r] != labels[i];
                boolean fullAdv = pred[2 * r + 1] != labels[i];
                sphStats[i].add(sphAdv);
                stepStats[i].add(fullAdv);
                if (fullAdv) {
                    double nd = distance(cand, orig, 2 * r + 1, d, i);
                    if (nd < dist[i]) {
                        dist[i] = nd;
                        System.arraycopy(cand, (2 * r + 1) * d, result, i * d, d);
                    }
                }
                if (it % ADAPT_EVERY == 0) {
                    adapt(sphStats[i], stepStats[i], spherical, source, i);
                }
            }
        }
        return new Crafted(Tensors.floats(x.getManager(), result, x.getShape()), queries, new long[n]);
    }

    /** Distance of candidate row {@code row} from sample i's original. */
    private static double distance(float[] cand, float[] orig, int row, int d, int i) {
        double s = 0;
        for (int j = 0; j < d; j++) {
            double v = cand[row * d + j] - orig[i * d + j];
            s += v * v;
        }
        return Math.sqrt(s);
    }

    private void adapt(Window sph, Window step, double[] spherical, double[] source, int i) {
        double f = p.stepAdaptation();
        if (sph.full()) {
            double rate = sph.rate();
            if (rate > 0.5) {
                spherical[i] *= f;
                source[i] *= f;
            } else if (rate < 0.2) {
                spherical[i] /= f;
                source[i] /= f;
            }
            sph.clear();
        }
        if (step.full()) {
            double rate = step.rate();
            if (rate > 0.5) {
                source[i] *= f;
            } else if (rate < 0.2) {
                source[i] /= f;
            }
            step.clear();
        }
        // a step towards the original of 100% or more would overshoot it
        source[i] = Math.min(source[i], 0.99);
    }

    /** Writes sample i's orthogonal candidate to row {@code row} of cand and its full candidate to row+1. */
    private static void propose(float[] orig, float[] cur, int i, int d, double dist, double delta, double eps,
            SplittableRandom rng, Bounds b, double[] eta, float[] cand, int row) {
        // unit direction from the current point to the original
        double[] dir = new double[d];
        for (int j = 0; j < d; j++) {
            dir[j] = (orig[i * d + j] - cur[i * d + j]) / Math.max(dist, 1e-12);
        }
        double dot = 0;
        for (int j = 0; j < d; j++) {
            eta[j] = Perturbations.gaussian(rng);
            dot += eta[j] * dir[j];
        }
        double en = 0;
        for (int j = 0; j < d; j++) {
            eta[j] -= dot * dir[j];
            en += eta[j] * eta[j];
        }
        double scale = delta * dist / Math.max(Math.sqrt(en), 1e-12);
        double shrink = 1 / Math.sqrt(delta * delta + 1);
        double nd = 0;
        for (int j = 0; j < d; j++) {
            double o = orig[i * d + j];
            // (x̃ − o) + η, rescaled onto the sphere of radius dist around o
            double v = o + shrink * (cur[i * d + j] - o + scale * eta[j]);
            float c = b.clamp(j, v);
            cand[row * d + j] = c;
            nd += (o - c) * (o - c);
        }
        nd = Math.sqrt(nd);
        // the full candidate: from the orthogonal one towards the original, to distance (1 − ε)·dist
        double length = Math.max(0, eps * dist + nd - dist) / Math.max(nd, 1e-12);
        for (int j = 0; j < d; j++) {
            double o = orig[i * d + j];
            double s = cand[row * d + j];
            double v = s + length * (o - s);
            cand[(row + 1) * d + j] = b.clamp(j, v);
        }
    }

    @Override
    public Norm distanceNorm() {
        return Norm.L2;
    }
}
