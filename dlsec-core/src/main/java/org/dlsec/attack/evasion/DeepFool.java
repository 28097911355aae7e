package org.dlsec.attack.evasion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.util.Map;
import org.dlsec.core.Tensors;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Finite;
import org.dlsec.core.NumericalIssue;
import org.dlsec.core.StepRecovery;
import org.dlsec.model.Classifier;
import org.dlsec.model.Gradient;

/**
 * <b>DeepFool</b> — Moosavi-Dezfooli, Fawzi, Frossard, "DeepFool: a simple and accurate method to
 * fool deep neural networks", CVPR 2016 (Algorithm 2, multi-class, L2).
 *
 * <p>Let k₀ be the model's clean prediction. At each iteration, with f′<sub>k</sub> = f<sub>k</sub> − f<sub>k₀</sub>
 * and w′<sub>k</sub> = ∇f<sub>k</sub> − ∇f<sub>k₀</sub> at the current point, the closest linearised
 * boundary is l = argmin<sub>k≠k₀</sub> |f′<sub>k</sub>|/‖w′<sub>k</sub>‖₂, and the step
 * r = (|f′<sub>l</sub>| + 10⁻⁴)/‖w′<sub>l</sub>‖₂² · w′<sub>l</sub> is added to the total r̂. The current point
 * is x + (1 + η)·r̂ (overshoot η, clipped to the bounds); a sample stops as soon as its prediction
 * leaves k₀, or after the maximum number of iterations. As in the authors' implementation, the
 * candidate classes k are the top-{@code candidates} classes of the clean logits.
 *
 * <p>Cost per sample: one query (the clean logits, to rank candidates) and, per iteration, one
 * gradient call per candidate (the gradient of f<sub>k</sub> − f<sub>k₀</sub> directly); the
 * logits of the first call of an iteration tell whether the sample is already fooled, after which
 * it costs nothing more. Samples the model already misclassifies are not attacked.
 *
 * <p>Candidates whose gradient or logit difference is not finite are left out of the argmin. When no
 * candidate is left, or the step would make the perturbation non-finite, the sample keeps its last
 * finite perturbation and its later steps are scaled by ½, ¼, ...; after {@link StepRecovery#MAX_RETRIES}
 * such events it is given up (reported failed). Each event is recorded in the result's numerical issues.
 */
public final class DeepFool extends AbstractParameterisedAttack<DeepFool.Params> implements MinimalPerturbationAttack {
    /**
     * Validated parameters.
     *
     * @param overshoot η ≥ 0 (paper: 0.02)
     * @param maxIterations iterations ≥ 1 (paper: 50)
     * @param candidates number of classes considered, including k₀, 2..1000 (capped at the model's K)
     * @param seed recorded for provenance (the attack draws no random numbers)
     */
    public record Params(double overshoot, int maxIterations, int candidates, long seed) {
        /**
         * Checks every parameter.
         *
         * @param overshoot η ≥ 0 (paper: 0.02)
         * @param maxIterations iterations ≥ 1 (paper: 50)
         * @param candidates number of classes considered, including k₀, 2..1000 (capped at the model's K)
         * @param seed recorded for provenance (the attack draws no random numbers)
         * @throws org.dlsec.core.DlsecException when a parameter is outside the range given above; the message names it
         */
        public Params {
            DlsecException.require(Double.isFinite(overshoot) && overshoot >= 0 && overshoot <= 10, "overshoot",
                    "must be in [0, 10], got " + overshoot);
            DlsecException.require(maxIterations >= 1 && maxIterations <= 10_000, "steps", "max iterations must be in 1..10000, got "
                    + maxIterations);
            DlsecException.require(candidates >= 2 && candidates <= 1000, "candidates", "must be in 2..1000, got " + candidates);
        }

        /**
         * The paper's parameters: overshoot 0.02, 50 iterations, 10 candidate classes.
         *
         * @param seed recorded for provenance
         * @return the parameters
         */
        public static Params defaults(long seed) {
            return new Params(0.02, 50, 10, seed);
        }
    }

    /** The outcome of the core algorithm on a batch: the perturbed points and per-sample costs. */
    record Core(NDArray adversarial, long[] queries, long[] gradients, boolean[] fooled, boolean[] gaveUp,
            java.util.List<NumericalIssue> issues) {}

    /**
     * The attack with {@code params}; immutable, so one instance may be shared between threads and runs.
     *
     * @param params the validated parameters
     */
    public DeepFool(Params params) {
        super("deepfool", Knowledge.WHITE_BOX, params);
    }

    /**
     * DeepFool in one line with the registry's defaults (overshoot 0.02, 50 iterations, the 10 most likely classes
     * as candidates, seed 0), e.g. {@code DeepFool.builder().overshoot(0.02).maxIterations(50).build()}.
     *
     * @return a builder with the defaults above
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Fluent, validated configuration of {@link DeepFool}; {@link #build()} names a bad parameter. */
    public static final class Builder extends AttackBuilder<Builder, DeepFool> {
        private double overshoot = 0.02;
        private int maxIterations = 50;
        private int candidates = 10;

        private Builder() {}

        @Override
        protected Builder self() {
            return this;
        }

        /**
         * Overshoot η added to the last step (default 0.02).
         *
         * @param eta η, at least 0
         * @return this builder
         */
        public Builder overshoot(double eta) {
            this.overshoot = eta;
            return this;
        }

        /**
         * Iterations at most (default 50).
         *
         * @param t the iteration cap, 1 to 10,000
         * @return this builder
         */
        public Builder maxIterations(int t) {
            this.maxIterations = t;
            return this;
        }

        /**
         * The classes considered per step: the most likely ones (default 10).
         *
         * @param k the number of classes, 2 to 1000 (capped at the model's K)
         * @return this builder
         */
        public Builder candidates(int k) {
            this.candidates = k;
            return this;
        }


        @Override
        public DeepFool build() {
            refuseTargeted("deepfool is untargeted");
            return new DeepFool(new Params(overshoot, maxIterations, candidates, seed));
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

    @Override
    protected Crafted craft(Classifier model, NDArray x, NDArray y, long[] cleanPred, long[] ids) {
        int n = (int) x.getShape().get(0);
        long[] yv = y.toLongArray();
        boolean[] attack = new boolean[n];
        for (int i = 0; i < n; i++) {
            attack[i] = cleanPred[i] == yv[i];
        }
        NDArray out = x.duplicate();
        long[] q = new long[n];
        long[] g = new long[n];
        boolean[] gaveUp = new boolean[n];
        java.util.List<NumericalIssue> issues = java.util.List.of();
        int[] idx = Rows.where(attack);
        if (idx.length > 0) {
            long[] k0 = new long[idx.length];
            for (int j = 0; j < idx.length; j++) {
                k0[j] = cleanPred[idx[j]];
            }
            Core c = run(model, Rows.take(x, idx), k0, Rows.select(ids, idx), p);
            Rows.put(out, idx, c.adversarial());
            for (int j = 0; j < idx.length; j++) {
                q[idx[j]] = c.queries()[j];
                g[idx[j]] = c.gradients()[j];
                gaveUp[idx[j]] = c.gaveUp()[j];
            }
            issues = c.issues();
        }
        return new Crafted(out, q, g, gaveUp, issues);
    }

    /**
     * DeepFool on a batch whose samples should leave class {@code k0} (one per sample). Returns
     * x + (1+η)·r̂ clipped to the bounds, on x's manager.
     *
     * @param ids the samples' ids, to name them in numerical issues
     */
    static Core run(Classifier model, NDArray x, long[] k0, long[] ids, Params p) {
        int n = (int) x.getShape().get(0);
        int numClasses = model.numClasses();
        int c = Math.min(p.candidates(), numClasses) - 1;
        int rank = x.getShape().dimension();
        NDManager m = x.getManager();
        long[] queries = new long[n];
        long[] gradients = new long[n];
        boolean[] fooled = new boolean[n];
        StepRecovery recovery = new StepRecovery("deepfool", n);
        float scale = (float) (1 + p.overshoot());
        org.dlsec.model.Bounds bounds = model.bounds();

        // candidate classes: the top classes of the clean logits other than k0, best first
        long[][] cand = new long[n][c];
        try (NDScope s = new NDScope()) {
            s.suppressNotUsedWarning();
            float[] logits = model.predictLogits(x).toFloatArray();
            for (int i = 0; i < n; i++) {
                queries[i]++;
                cand[i] = topOthers(logits, i * numClasses, numClasses, (int) k0[i], c);
            }
        }
        NDArray r = x.zerosLike();
        boolean[] active = new boolean[n];
        java.util.Arrays.fill(active, true);
        for (int it = 0; it < p.maxIterations(); it++) {
            int[] idx = Rows.where(active);
            if (idx.length == 0) {
                break;
            }
            try (NDScope s = new NDScope()) {
                s.suppressNotUsedWarning();
                NDArray xa = Rows.take(x, idx);
                NDArray ra = Rows.take(r, idx);
                NDArray cur = bounds.clip(xa.add(ra.mul(scale)));
                long[] k0a = Rows.select(k0, idx);
                NDArray base = Tensors.longs(m, k0a).oneHot(numClasses);
                // first candidate on every active sample; its logits say who is already fooled
                Gradient g0 = model.gradient(cur, diffObjective(m, base, column(cand, idx, 0), numClasses));
                long[] pred = g0.logits().argMax(1).toLongArray();
                boolean[] still = new boolean[idx.length];
                for (int j = 0; j < idx.length; j++) {
                    gradients[idx[j]]++;
                    if (pred[j] != k0a[j]) {
                        fooled[idx[j]] = true;
                        active[idx[j]] = false;
                    } else {
                        still[j] = true;
                    }
                }
                int[] keep = Rows.where(still);
                if (keep.length == 0) {
                    continue;
                }
                int[] sub = new int[keep.length];
                for (int j = 0; j < keep.length; j++) {
                    sub[j] = idx[keep[j]];
                }
                NDArray curK = Rows.take(cur, keep);
                NDArray baseK = Rows.take(base, keep);
                NDArray g0k = Rows.take(g0.grad(), keep);
                NDArray bestW = Perturbations.finiteOrZero(g0k);
                float[] bestF = Rows.take(g0.values(), keep).toFloatArray();
                float[] bestDist = distances(bestF, bestW);
                // whether some candidate gave a finite gradient and logit difference
                boolean[] usable = finiteCandidates(bestF, g0k, null);
                for (int k = 1; k < c; k++) {
                    Gradient gk = model.gradient(curK, diffObjective(m, baseK, column(cand, sub, k), numClasses));
                    NDArray w = Perturbations.finiteOrZero(gk.grad());
                    float[] f = gk.values().toFloatArray();
                    finiteCandidates(f, gk.grad(), usable);
                    float[] dist = distances(f, w);
                    boolean[] closer = new boolean[keep.length];
                    for (int j = 0; j < keep.length; j++) {
                        if (dist[j] < bestDist[j]) {
                            closer[j] = true;
                            bestDist[j] = dist[j];
                            bestF[j] = f[j];
                        }
                    }
                    bestW = NDArrays.where(Perturbations.perSample(Tensors.booleans(m, closer), rank).broadcast(w.getShape()), w, bestW);
                }
                for (int j = 0; j < keep.length; j++) {
                    gradients[sub[j]] += c - 1;
                }
                // r_i = (|f'| + 1e-4) / ‖w‖² · w, scaled down after non-finite events; a zero gradient gives no step
                float[] coef = new float[keep.length];
                float[] w2 = Perturbations.l2(bestW).square().toFloatArray();
                for (int j = 0; j < keep.length; j++) {
                    double v = (Math.abs(bestF[j]) + 1e-4) / w2[j] * recovery.factor(sub[j]);
                    coef[j] = usable[j] && w2[j] > 0 && Float.isFinite(bestF[j]) ? (float) v : 0f;
                }
                NDArray step = bestW.mul(Perturbations.perSample(Tensors.floats(m, coef), rank));
                NDArray next = Rows.take(r, sub).add(step);
                boolean[] nextOk = Finite.rows(next);
                boolean[] ok = new boolean[keep.length];
                for (int j = 0; j < keep.length; j++) {
                    ok[j] = usable[j] && nextOk[j];
                    if (!ok[j]) {
                        String what = !usable[j] ? "non-finite gradient or logit difference for every candidate class"
                                : "non-finite step";
                        if (!recovery.fail(sub[j], "sample " + (ids == null ? sub[j] : ids[sub[j]]), it, what, Double.NaN,
                                "kept its last finite perturbation and reported it failed")) {
                            active[sub[j]] = false;
                        }
                    }
                }
                int[] good = Rows.where(ok);
                if (good.length > 0) {
                    int[] rows = new int[good.length];
                    for (int j = 0; j < good.length; j++) {
                        rows[j] = sub[good[j]];
                    }
                    Rows.put(r, rows, Rows.take(next, good));
                }
            }
        }
        NDArray adv = bounds.clip(x.add(r.mul(scale)));
        r.close();
        boolean[] gaveUp = new boolean[n];
        for (int i = 0; i < n; i++) {
            gaveUp[i] = recovery.gaveUp(i) && !fooled[i];
        }
        return new Core(adv, queries, gradients, fooled, gaveUp, recovery.issues());
    }

    /** Per sample: is f finite and the gradient row finite? ORed into {@code into} (a new array when null). */
    private static boolean[] finiteCandidates(float[] f, NDArray grad, boolean[] into) {
        boolean[] rows = Finite.rows(grad);
        boolean[] out = into == null ? new boolean[f.length] : into;
        for (int j = 0; j < f.length; j++) {
            out[j] |= Float.isFinite(f[j]) && rows[j];
        }
        return out;
    }

    /** The per-sample objective f_{target} − f_{k0}: logits · (onehot(target) − onehot(k0)). */
    private static org.dlsec.model.LogitObjective diffObjective(NDManager m, NDArray baseOneHot, long[] target, int k) {
        NDArray sel = Tensors.longs(m, target).oneHot(k).sub(baseOneHot);
        return logits -> logits.mul(sel).sum(new int[] {1});
    }

    private static long[] column(long[][] cand, int[] idx, int k) {
        long[] out = new long[idx.length];
        for (int j = 0; j < idx.length; j++) {
            out[j] = cand[idx[j]][k];
        }
        return out;
    }

    /** |f'| / ‖w‖₂ per sample (+∞ where undefined). */
    private static float[] distances(float[] f, NDArray w) {
        float[] norm = Perturbations.l2(w).toFloatArray();
        float[] d = new float[f.length];
        for (int j = 0; j < f.length; j++) {
            float v = Math.abs(f[j]) / norm[j];
            d[j] = Float.isFinite(v) && norm[j] > 0 ? v : Float.POSITIVE_INFINITY;
        }
        return d;
    }

    /** The {@code c} classes other than {@code exclude} with the largest logits, best first. */
    static long[] topOthers(float[] logits, int offset, int k, int exclude, int c) {
        Integer[] order = new Integer[k];
        for (int j = 0; j < k; j++) {
            order[j] = j;
        }
        java.util.Arrays.sort(order, (a, b) -> Float.compare(logits[offset + b], logits[offset + a]));
        long[] out = new long[c];
        int t = 0;
        for (int j = 0; j < k && t < c; j++) {
            if (order[j] != exclude) {
                out[t++] = order[j];
            }
        }
        return out;
    }

    @Override
    public Norm distanceNorm() {
        return Norm.L2;
    }
}
