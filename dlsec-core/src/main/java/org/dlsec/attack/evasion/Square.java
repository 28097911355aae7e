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
 * <b>Square Attack</b> — Andriushchenko, Croce, Flammarion, Hein, "Square Attack: a query-efficient
 * black-box adversarial attack via random search", ECCV 2020. Score-based random search: at every
 * iteration a random square window of side {@code s} is changed and the change is kept if it lowers
 * the loss.
 * <ul>
 *   <li>Loss: the margin {@code f_y − max_{k≠y} f_k} of the scores (untargeted), the cross-entropy
 *       of the target (targeted), as in the paper. Scores are the classifier's logits (or
 *       log-probabilities for a probability-only model, which give the same margin).</li>
 *   <li>Schedule: {@code s = round(sqrt(p·h·w))} with {@code p} starting at {@code pInit} and halved
 *       after iterations 10, 50, 200, 500, 1000, 2000, 4000, 6000, 8000 of a 10,000-iteration run,
 *       rescaled to the actual query budget (the paper's Sect. 4).</li>
 *   <li>L∞ (Alg. 2): vertical-stripe initialisation {@code ±ε} per column and channel; each update
 *       sets the window to one random {@code ±ε} per channel (resampled if it would not change the
 *       current window).</li>
 *   <li>L2 (Alg. 3): initialisation by a grid of the paper's "pseudo-Gaussian" tiles {@code η}
 *       (eq. 4, concentric squares weighted 1/(k+1)², two halves of opposite sign, random
 *       transpose) with random signs, scaled to norm ε; each update moves the perturbation mass of
 *       two random windows W1, W2 (plus any unused budget) into W1 along {@code ±η + ν_W1}, keeping
 *       ‖δ‖₂ = ε; the result is clipped to the input bounds.</li>
 * </ul>
 * Only samples not yet fooled are queried (all of them in one prediction per iteration); the
 * clean and final predictions of the template count against {@code maxQueries}, so every sample
 * reports at most {@code maxQueries} queries. Samples the model already misclassifies are left as
 * they are and cost no extra query.
 */
public final class Square extends AbstractEpsilonAttack<Square.Params> {
    /**
     * Validated parameters.
     *
     * @param norm linf or l2
     * @param epsilon the budget ε ≥ 0
     * @param maxQueries per-sample query budget including the clean and final predictions (≥ 3)
     * @param pInit initial fraction of the image changed per update, in (0, 1]
     * @param targeted targeted mode (y holds targets)
     * @param seed seed of all random choices (per sample: {@code (seed, sampleId)})
     * @param redraw L∞: draw the window's colours again while they would leave it unchanged, as the paper's own code
     *     ({@code square.py} of max-andr/square-attack) does; {@code false} spends such proposals as queries, as the
     *     authors' later AutoAttack version (and torchattacks, which ports it) does
     */
    public record Params(Norm norm, double epsilon, int maxQueries, double pInit, boolean targeted, long seed,
            boolean redraw) implements AbstractEpsilonAttack.Budget {
        /**
         * The paper's algorithm, with the redraw.
         *
         * @param norm linf or l2
         * @param epsilon the budget ε ≥ 0
         * @param maxQueries per-sample query budget including the clean and final predictions (≥ 3)
         * @param pInit initial fraction of the image changed per update, in (0, 1]
         * @param targeted targeted mode (y holds targets)
         * @param seed seed of all random choices (per sample: {@code (seed, sampleId)})
         */
        public Params(Norm norm, double epsilon, int maxQueries, double pInit, boolean targeted, long seed) {
            this(norm, epsilon, maxQueries, pInit, targeted, seed, true);
        }

        /**
         * Checks every parameter.
         *
         * @param norm linf or l2
         * @param epsilon the budget ε ≥ 0
         * @param maxQueries per-sample query budget including the clean and final predictions (≥ 3)
         * @param pInit initial fraction of the image changed per update, in (0, 1]
         * @param targeted targeted mode (y holds targets)
         * @param seed seed of all random choices (per sample: {@code (seed, sampleId)})
         * @param redraw L∞: draw the window's colours again while they would leave it unchanged, as the paper's own code
         *        ({@code square.py} of max-andr/square-attack) does; {@code false} spends such proposals as queries, as the
         *        authors' later AutoAttack version (and torchattacks, which ports it) does
         * @throws org.dlsec.core.DlsecException when a parameter is outside the range given above; the message names it
         */
        public Params {
            DlsecException.require(norm == Norm.LINF || norm == Norm.L2, "norm", "square supports linf and l2, got " + norm);
            DlsecException.require(Double.isFinite(epsilon) && epsilon >= 0, "eps", "must be finite and >= 0, got " + epsilon);
            DlsecException.require(maxQueries >= 3, "max queries",
                    "must be >= 3 (the clean and final predictions count), got " + maxQueries);
            DlsecException.require(Double.isFinite(pInit) && pInit > 0 && pInit <= 1, "p", "must be in (0, 1], got " + pInit);
        }
    }

    private static final long STREAM = 0x5C0A4EL;

    /**
     * The attack with {@code params}; immutable, so one instance may be shared between threads and runs.
     *
     * @param params the validated parameters
     */
    public Square(Params params) {
        super("square", Knowledge.SCORE_BASED, params);
    }

    /** The {@code --param} names {@link #fromSpec} reads. */
    public static final java.util.List<String> PARAMS = java.util.List.of("p", "redraw");

    /**
     * The registry's defaults: 10,000 queries; p_init 0.05 (L∞) or 0.1 (L2) as in the paper; {@code redraw=true}
     * (the paper's code; {@code redraw=false}: AutoAttack's and torchattacks' version).
     *
     * @param s the attack's options as the command line and the audit configuration give them
     * @return the attack
     * @throws org.dlsec.core.DlsecException when an option is unknown or out of range; the message names it
     */
    public static Square fromSpec(AttackSpec s) {
        double pDefault = s.norm() == Norm.L2 ? 0.1 : 0.05;
        String redraw = s.extraString("redraw", "true").trim().toLowerCase(java.util.Locale.ROOT);
        DlsecException.require(redraw.equals("true") || redraw.equals("false"), "redraw",
                "must be true or false, got '" + org.dlsec.core.Text.echo(redraw) + "'");
        return new Square(new Params(s.norm(), s.epsilon(), s.maxQueriesOr(10_000), s.extraDouble("p", pDefault),
                s.targeted(), s.seed(), redraw.equals("true")));
    }

    /**
     * An L∞ Square Attack of budget {@code eps}, to configure in one line, e.g. {@code Square.linf(0.3).maxQueries(1000)
     * .build()}. Defaults as the registry's: 10,000 queries, p_init 0.05 (L∞) or 0.1 (L2), the paper's redraw,
     * untargeted, seed 0.
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

    /** Fluent, validated configuration of {@link Square}; {@link #build()} names a bad parameter. */
    public static final class Builder extends EpsilonAttackBuilder<Builder, Square> {
        private int maxQueries = 10_000;
        private Double pInit;
        private boolean redraw = true;

        private Builder(Norm norm, double eps) {
            super(norm, eps);
        }

        @Override
        protected Builder self() {
            return this;
        }

        /**
         * Queries per sample, counting the clean and final predictions (default 10,000).
         *
         * @param q the query budget per sample, at least 3
         * @return this builder
         */
        public Builder maxQueries(int q) {
            this.maxQueries = q;
            return this;
        }

        /**
         * The initial share of the image a window covers (default 0.05 in L∞, 0.1 in L2).
         *
         * @param p the fraction p_init, in (0, 1]
         * @return this builder
         */
        public Builder pInit(double p) {
            this.pInit = p;
            return this;
        }

        /**
         * AutoAttack's and torchattacks' version: a proposal that leaves the image unchanged still costs a query.
         *
         * @return this builder
         */
        public Builder withoutRedraw() {
            this.redraw = false;
            return this;
        }



        @Override
        public Square build() {
            return new Square(new Params(norm, eps, maxQueries, pInit != null ? pInit : norm == Norm.L2 ? 0.1 : 0.05,
                    targeted, seed, redraw));
        }
    }

    @Override
    public Square withEpsilon(double epsilon) {
        return new Square(new Params(p.norm(), epsilon, p.maxQueries(), p.pInit(), p.targeted(), p.seed(), p.redraw()));
    }

    @Override
    public Map<String, Object> parameters() {
        return ParameterMap.of(p).before("targeted", "loss", p.targeted() ? "cross-entropy" : "margin").map();
    }

    /** The paper's piecewise-constant schedule of p, for iteration {@code it} of {@code total}. */
    static double pSchedule(double pInit, long it, long total) {
        long i = (long) ((double) it / total * 10_000);
        if (i <= 10) {
            return pInit;
        }
        int[] edges = {50, 200, 500, 1000, 2000, 4000, 6000, 8000};
        double pv = pInit / 2;
        for (int e : edges) {
            if (i <= e) {
                return pv;
            }
            pv /= 2;
        }
        return i <= 10_000 ? pv : pInit;
    }

    @Override
    protected Crafted craft(Classifier model, NDArray x, NDArray y, long[] cleanPred, long[] ids) {
        int n = (int) x.getShape().get(0);
        QueryOracle oracle = new QueryOracle(model, x.getManager());
        int d = oracle.dim();
        int k = oracle.numClasses();
        // images are (C, H, W); a flat feature vector is one row (1, 1, d), whose "squares" are runs of
        // adjacent features covering the same fraction p of the input
        org.dlsec.model.SampleLayout layout = org.dlsec.model.SampleLayout.of(model.inputShape());
        int c = layout.channels();
        int h = layout.height();
        int w = layout.width();
        Bounds b = model.bounds();
        float[] orig = x.toFloatArray();
        long[] yv = y.toLongArray();
        float[] best = orig.clone();
        long[] queries = new long[n];
        if (p.epsilon() == 0) {
            return new Crafted(x.duplicate(), queries, new long[n]);
        }
        long budget = QueryOracle.algorithmBudget(p.maxQueries());
        SplittableRandom[] rng = new SplittableRandom[n];
        double[] loss = new double[n];
        boolean[] active = new boolean[n];
        int nActive = 0;
        for (int i = 0; i < n; i++) {
            rng[i] = Seeds.forSample(Seeds.mix(p.seed(), STREAM), ids[i]);
            // a sample the model already gets "wrong" needs no attack
            active[i] = !QueryOracle.fooled((int) cleanPred[i], (int) yv[i], p.targeted());
            nActive += active[i] ? 1 : 0;
        }
        if (nActive == 0) {
            return new Crafted(x.duplicate(), queries, new long[n]);
        }
        // initialisation, one query per active sample
        int[] rows = new int[nActive];
        float[] cand = new float[nActive * d];
        int r = 0;
        for (int i = 0; i < n; i++) {
            if (active[i]) {
                float[] init = p.norm() == Norm.LINF ? stripes(orig, i, d, c, h, w, rng[i], b) : tiles(orig, i, d, c, h, w, rng[i], b);
                System.arraycopy(init, 0, cand, r * d, d);
                rows[r++] = i;
            }
        }
        evaluate(oracle, cand, rows, nActive, d, k, yv, best, loss, active, queries, true);
        float[] delta = new float[d];
        for (long it = 1; it < budget; it++) {
            nActive = 0;
            for (boolean a : active) {
                nActive += a ? 1 : 0;
            }
            if (nActive == 0) {
                break;
            }
            double pv = pSchedule(p.pInit(), it - 1, budget - 1);
            rows = new int[nActive];
            cand = new float[nActive * d];
            r = 0;
            for (int i = 0; i < n; i++) {
                if (!active[i]) {
                    continue;
                }
                for (int j = 0; j < d; j++) {
                    delta[j] = best[i * d + j] - orig[i * d + j];
                }
                if (p.norm() == Norm.LINF) {
                    linfUpdate(orig, i, delta, c, h, w, pv, rng[i], b, best);
                } else {
                    l2Update(delta, c, h, w, pv, rng[i]);
                }
                for (int j = 0; j < d; j++) {
                    float v = orig[i * d + j] + delta[j];
                    cand[r * d + j] = b.clamp(j, v);
                }
                rows[r++] = i;
            }
            evaluate(oracle, cand, rows, nActive, d, k, yv, best, loss, active, queries, false);
        }
        return new Crafted(Tensors.floats(x.getManager(), best, x.getShape()), queries, new long[n]);
    }

    /** One prediction for all candidates; keeps improvements and retires fooled samples. */
    private void evaluate(QueryOracle oracle, float[] cand, int[] rows, int count, int d, int k, long[] yv, float[] best,
            double[] loss, boolean[] active, long[] queries, boolean init) {
        float[] s = oracle.scores(cand, count);
        for (int r = 0; r < count; r++) {
            int i = rows[r];
            queries[i]++;
            int yi = (int) yv[i];
            double l = p.targeted() ? -QueryOracle.logSoftmax(s, r, k, yi) : QueryOracle.margin(s, r, k, yi);
            boolean fooled = QueryOracle.fooled(QueryOracle.argmax(s, r, k), yi, p.targeted());
            if (init || l < loss[i] || fooled) {
                loss[i] = l;
                System.arraycopy(cand, r * d, best, i * d, d);
            }
            if (fooled) {
                active[i] = false;
            }
        }
    }

    private static int window(double pv, int c, int h, int w, int min) {
        if (h == 1) {
            // one row: a run of about p·w features
            int s = (int) Math.round(pv * w);
            return Math.max(Math.min(min, w), Math.min(s, w - 1));
        }
        int s = (int) Math.round(Math.sqrt(pv * c * h * w / c));
        return Math.max(min, Math.min(s, Math.min(h, w) - 1));
    }

    /** L∞ initialisation: each column of each channel shifted by +ε or −ε. */
    private float[] stripes(float[] orig, int i, int d, int c, int h, int w, SplittableRandom rng, Bounds b) {
        float[] out = new float[d];
        float eps = (float) p.epsilon();
        for (int ch = 0; ch < c; ch++) {
            for (int col = 0; col < w; col++) {
                float sign = rng.nextBoolean() ? eps : -eps;
                for (int row = 0; row < h; row++) {
                    int j = (ch * h + row) * w + col;
                    out[j] = b.clamp(j, orig[i * d + j] + sign);
                }
            }
        }
        return out;
    }

    /** L∞ update (Alg. 2): a random window set to one random ±ε per channel, changed from the current one. */
    private void linfUpdate(float[] orig, int i, float[] delta, int c, int h, int w, double pv, SplittableRandom rng,
            Bounds b, float[] best) {
        int d = c * h * w;
        int s = window(pv, c, h, w, 1);
        int sh = h == 1 ? 1 : s;
        int r0 = rng.nextInt(h - sh + 1);
        int c0 = rng.nextInt(w - s + 1);
        float eps = (float) p.epsilon();
        float[] colour = new float[c];
        for (int attempt = 0; attempt < 100; attempt++) {
            for (int ch = 0; ch < c; ch++) {
                colour[ch] = rng.nextBoolean() ? eps : -eps;
            }
            // resample while the clipped window would equal the current one (the paper's check)
            boolean changes = false;
            for (int ch = 0; ch < c && !changes; ch++) {
                for (int row = r0; row < r0 + sh && !changes; row++) {
                    for (int col = c0; col < c0 + s; col++) {
                        int j = (ch * h + row) * w + col;
                        float v = b.clamp(j, orig[i * d + j] + colour[ch]);
                        if (Math.abs(v - best[i * d + j]) > 1e-7f) {
                            changes = true;
                            break;
                        }
                    }
                }
            }
            if (changes || !p.redraw()) {
                break;
            }
        }
        for (int ch = 0; ch < c; ch++) {
            for (int row = r0; row < r0 + sh; row++) {
                for (int col = c0; col < c0 + s; col++) {
                    delta[(ch * h + row) * w + col] = colour[ch];
                }
            }
        }
    }

    /** The paper's eq. (4) building block: concentric squares around the centre weighted 1/(k+1)², unit L2. */
    static double[] concentric(int rows, int cols) {
        double[] m = new double[rows * cols];
        int cr = rows / 2;
        int cc = cols / 2;
        int levels = Math.max(rows / 2 + 1, cols / 2 + 1);
        double sq = 0;
        for (int r = 0; r < rows; r++) {
            for (int col = 0; col < cols; col++) {
                int ring = Math.max(Math.abs(r - cr), Math.abs(col - cc));
                double v = 0;
                for (int k = ring; k < levels; k++) {
                    v += 1.0 / ((k + 1.0) * (k + 1.0));
                }
                m[r * cols + col] = v;
                sq += v * v;
            }
        }
        double norm = Math.sqrt(sq);
        for (int j = 0; j < m.length; j++) {
            m[j] /= norm;
        }
        return m;
    }

    /** η of side s: upper half +, lower half −, unit L2, transposed with probability 1/2. */
    static double[] eta(int s, SplittableRandom rng) {
        double[] e = new double[s * s];
        int top = s / 2;
        double[] a = concentric(top, s);
        double[] bb = concentric(s - top, s);
        for (int j = 0; j < a.length; j++) {
            e[j] = a[j];
        }
        for (int j = 0; j < bb.length; j++) {
            e[top * s + j] = -bb[j];
        }
        double sq = 0;
        for (double v : e) {
            sq += v * v;
        }
        double norm = Math.sqrt(sq);
        for (int j = 0; j < e.length; j++) {
            e[j] /= norm;
        }
        if (rng.nextBoolean()) {
            double[] t = new double[s * s];
            for (int r = 0; r < s; r++) {
                for (int col = 0; col < s; col++) {
                    t[col * s + r] = e[r * s + col];
                }
            }
            return t;
        }
        return e;
    }

    /** η for a run of s features (one row): left half +, right half −, each concentric, unit L2. */
    static double[] etaRow(int s) {
        int left = s / 2;
        double[] a = concentric(1, left);
        double[] b = concentric(1, s - left);
        double[] e = new double[s];
        for (int j = 0; j < left; j++) {
            e[j] = a[j] / Math.sqrt(2);
        }
        for (int j = 0; j < s - left; j++) {
            e[left + j] = -b[j] / Math.sqrt(2);
        }
        return e;
    }

    /** L2 initialisation: a grid of η tiles (side h/5) with random signs per channel, scaled to norm ε. */
    private float[] tiles(float[] orig, int i, int d, int c, int h, int w, SplittableRandom rng, Bounds b) {
        double[] delta = new double[d];
        int s = Math.max(1, (h == 1 ? w : Math.min(h, w)) / 5);
        int sh = h == 1 ? 1 : s;
        int r0 = (h - sh * (h / sh)) / 2;
        int c0 = (w - s * (w / s)) / 2;
        for (int tr = 0; tr < h / sh; tr++) {
            for (int tc = 0; tc < w / s; tc++) {
                double[] e = s < 2 ? new double[] {1} : h == 1 ? etaRow(s) : eta(s, rng);
                for (int ch = 0; ch < c; ch++) {
                    double sign = rng.nextBoolean() ? 1 : -1;
                    for (int r = 0; r < sh; r++) {
                        for (int col = 0; col < s; col++) {
                            delta[(ch * h + r0 + tr * sh + r) * w + c0 + tc * s + col] += sign * e[r * s + col];
                        }
                    }
                }
            }
        }
        double sq = 0;
        for (double v : delta) {
            sq += v * v;
        }
        double scale = p.epsilon() / Math.max(Math.sqrt(sq), 1e-12);
        float[] out = new float[d];
        for (int j = 0; j < d; j++) {
            out[j] = b.clamp(j, orig[i * d + j] + delta[j] * scale);
        }
        return out;
    }

    /** L2 update (Alg. 3): moves the mass of windows W1 ∪ W2 and the unused budget into W1. */
    private void l2Update(float[] delta, int c, int h, int w, double pv, SplittableRandom rng) {
        int s = window(pv, c, h, w, 2);
        int sh = h == 1 ? 1 : s;
        int r1 = rng.nextInt(h - sh + 1);
        int c1 = rng.nextInt(w - s + 1);
        int r2 = rng.nextInt(h - sh + 1);
        int c2 = rng.nextInt(w - s + 1);
        double total = 0;
        for (float v : delta) {
            total += (double) v * v;
        }
        double unused = Math.max(0, p.epsilon() * p.epsilon() - total);
        double[] e = h == 1 ? etaRow(s) : eta(s, rng);
        double[] tmp = new double[sh * s];
        for (int ch = 0; ch < c; ch++) {
            double w1 = 0;
            double union = 0;
            for (int row = 0; row < h; row++) {
                for (int col = 0; col < w; col++) {
                    boolean in1 = row >= r1 && row < r1 + sh && col >= c1 && col < c1 + s;
                    boolean in2 = row >= r2 && row < r2 + sh && col >= c2 && col < c2 + s;
                    double v = delta[(ch * h + row) * w + col];
                    if (in1) {
                        w1 += v * v;
                    }
                    if (in1 || in2) {
                        union += v * v;
                    }
                }
            }
            double w1Norm = Math.sqrt(w1);
            double rho = rng.nextBoolean() ? 1 : -1;
            double tn = 0;
            for (int row = 0; row < sh; row++) {
                for (int col = 0; col < s; col++) {
                    double nu = delta[(ch * h + r1 + row) * w + c1 + col];
                    double v = rho * e[row * s + col] + (w1Norm > 0 ? nu / w1Norm : 0);
                    tmp[row * s + col] = v;
                    tn += v * v;
                }
            }
            double avail = Math.sqrt(union + unused / c);
            double scale = avail / Math.max(Math.sqrt(tn), 1e-12);
            for (int row = r2; row < r2 + sh; row++) {
                for (int col = c2; col < c2 + s; col++) {
                    delta[(ch * h + row) * w + col] = 0;
                }
            }
            for (int row = 0; row < sh; row++) {
                for (int col = 0; col < s; col++) {
                    delta[(ch * h + r1 + row) * w + c1 + col] = (float) (tmp[row * s + col] * scale);
                }
            }
        }
    }
}
