package org.dlsec.attack.evasion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDScope;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.dlsec.core.Tensors;
import org.dlsec.core.DlsecException;
import org.dlsec.model.Classifier;
import org.dlsec.model.Gradient;
import org.dlsec.model.LogitObjective;

/**
 * <b>APGD-CE</b> — Croce, Hein, "Reliable evaluation of adversarial robustness with an ensemble of
 * diverse parameter-free attacks", ICML 2020 (Algorithm 1, cross-entropy loss).
 *
 * <p>PGD with momentum and a step size that needs no tuning. With N iterations the checkpoints are
 * w<sub>j</sub> = ⌈p<sub>j</sub>N⌉, p<sub>0</sub> = 0, p<sub>1</sub> = 0.22,
 * p<sub>j+1</sub> = p<sub>j</sub> + max(p<sub>j</sub> − p<sub>j−1</sub> − 0.03, 0.06). The step starts
 * at η = 2ε; x<sup>(1)</sup> = P(x<sup>(0)</sup> + η·s(∇f)) and then
 * z = P(x<sup>(k)</sup> + η·s(∇f(x<sup>(k)</sup>))),
 * x<sup>(k+1)</sup> = P(x<sup>(k)</sup> + α(z − x<sup>(k)</sup>) + (1−α)(x<sup>(k)</sup> − x<sup>(k−1)</sup>))
 * with α = 0.75 and s the sign (L∞) or the unit-L2 direction (L2). At each checkpoint, per sample,
 * the step is halved and the iterate restarts from the best point found so far when (1) the loss
 * increased in fewer than ρ = 0.75 of the steps since the last checkpoint, or (2) neither the step
 * nor the best loss changed since the last checkpoint.
 *
 * <p>Each run starts from a uniformly random point of the ε-ball, drawn from (seed, sample id,
 * restart). Restarts are run only on the samples not yet fooled. The output is the first iterate
 * that fools the model or, if none does, the point of highest loss. Targeted mode descends the
 * cross-entropy of the target (the paper's APGD-CE is untargeted; its targeted variant uses the
 * DLR loss, which is not implemented here).
 */
public final class AutoPgd extends AbstractEpsilonAttack<AutoPgd.Params> {
    static final double RHO = 0.75;
    static final float MOMENTUM = 0.75f;

    /**
     * Validated parameters.
     *
     * @param norm linf or l2
     * @param epsilon the budget ε ≥ 0
     * @param steps iterations N ≥ 1 per run, i.e. gradient calls per sample and run (paper: 100)
     * @param restarts runs ≥ 1 (each from a new random start, on the samples not yet fooled)
     * @param targeted targeted mode (y holds targets)
     * @param seed seed of the random starts
     */
    public record Params(Norm norm, double epsilon, int steps, int restarts, boolean targeted, long seed) implements AbstractEpsilonAttack.Budget {
        /**
         * Checks every parameter.
         *
         * @param norm linf or l2
         * @param epsilon the budget ε ≥ 0
         * @param steps iterations N ≥ 1 per run, i.e. gradient calls per sample and run (paper: 100)
         * @param restarts runs ≥ 1 (each from a new random start, on the samples not yet fooled)
         * @param targeted targeted mode (y holds targets)
         * @param seed seed of the random starts
         * @throws org.dlsec.core.DlsecException when a parameter is outside the range given above; the message names it
         */
        public Params {
            DlsecException.require(norm == Norm.LINF || norm == Norm.L2, "norm", "apgd supports linf and l2, got " + norm);
            DlsecException.require(Double.isFinite(epsilon) && epsilon >= 0, "eps", "must be finite and >= 0, got " + epsilon);
            DlsecException.require(steps >= 1 && steps <= 100_000, "steps", "must be in 1..100000, got " + steps);
            DlsecException.require(restarts >= 1 && restarts <= 1000, "restarts", "must be in 1..1000, got " + restarts);
        }
    }


    /**
     * The attack with {@code params}; immutable, so one instance may be shared between threads and runs.
     *
     * @param params the validated parameters
     */
    public AutoPgd(Params params) {
        super("apgd", Knowledge.WHITE_BOX, params);
    }

    /** The checkpoints w<sub>j</sub> (iteration indices at which the step size is checked) for N iterations. */
    static int[] checkpoints(int steps) {
        List<Integer> w = new ArrayList<>();
        double prev = 0;
        double cur = 0.22;
        while (true) {
            int wj = (int) Math.ceil(cur * steps - 1e-9); // guard against 0.57·100 = 57.000000000000007
            if (wj >= steps) {
                break;
            }
            if (wj > 0 && (w.isEmpty() || wj > w.get(w.size() - 1))) {
                w.add(wj);
            }
            double next = cur + Math.max(cur - prev - 0.03, 0.06);
            prev = cur;
            cur = next;
        }
        return w.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * An L∞ APGD-CE of budget {@code eps} in one line, e.g. {@code AutoPgd.linf(0.3).steps(100).restarts(5).build()};
     * defaults as the registry's: 100 iterations, one restart, untargeted, seed 0.
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

    /** Fluent, validated configuration of {@link AutoPgd}. */
    public static final class Builder extends IterativeAttackBuilder<Builder, AutoPgd> {

        private Builder(Norm norm, double eps) {
            super(norm, eps);
        }

        @Override
        protected Builder self() {
            return this;
        }



        @Override
        public AutoPgd build() {
            refuseStepSize("APGD chooses its own step size (Croce and Hein 2020)");
            return new AutoPgd(new Params(norm, eps, stepsOr(100), restarts, targeted, seed));
        }
    }

    @Override
    public AutoPgd withEpsilon(double epsilon) {
        return new AutoPgd(new Params(p.norm(), epsilon, p.steps(), p.restarts(), p.targeted(), p.seed()));
    }

    @Override
    public Map<String, Object> parameters() {
        return ParameterMap.of(p).before("targeted", "momentum", (double) MOMENTUM).before("targeted", "rho", RHO)
                .before("targeted", "loss", "ce").map();
    }

    @Override
    protected Crafted craft(Classifier model, NDArray x, NDArray y, long[] cleanPred, long[] ids) {
        int n = (int) x.getShape().get(0);
        long[] gradients = new long[n];
        NDArray out = x.duplicate();
        if (p.epsilon() == 0) {
            return new Crafted(out, new long[n], gradients);
        }
        boolean[] todo = new boolean[n];
        long[] yv = y.toLongArray();
        for (int i = 0; i < n; i++) {
            // samples already misclassified (or at their target) need no attack
            todo[i] = criterion().needsAttack(cleanPred[i], yv[i]);
        }
        for (int r = 0; r < p.restarts(); r++) {
            int[] idx = Rows.where(todo);
            if (idx.length == 0) {
                break;
            }
            try (NDScope s = new NDScope()) {
                s.suppressNotUsedWarning();
                NDArray xs = Rows.take(x, idx);
                NDArray ys = Rows.take(y, idx);
                boolean[] fooled = new boolean[idx.length];
                NDArray adv = run(model, xs, ys, Rows.select(ids, idx), r, fooled);
                Rows.put(out, idx, adv);
                for (int j = 0; j < idx.length; j++) {
                    gradients[idx[j]] += p.steps();
                    if (fooled[j]) {
                        todo[idx[j]] = false;
                    }
                }
            }
        }
        return new Crafted(out, new long[n], gradients);
    }

    /** One run on a sub-batch; sets {@code fooled[j]} for samples whose returned example fools the model. */
    private NDArray run(Classifier model, NDArray x, NDArray y, long[] ids, int restart, boolean[] fooled) {
        int n = (int) x.getShape().get(0);
        double eps = p.epsilon();
        int rank = x.getShape().dimension();
        int[] w = checkpoints(p.steps());
        LogitObjective loss = LogitObjective.crossEntropy(y);
        long[] yv = y.toLongArray();

        NDArray x0 = model.bounds().clip(
                x.add(Perturbations.randomInBall(x.getManager(), x.getShape(), eps, p.norm(), p.seed(), ids, restart)));
        // the loss being maximised, per sample (negated cross-entropy of the target when targeted)
        float[] eta = new float[n];
        java.util.Arrays.fill(eta, (float) (2 * eps));
        Gradient g0 = model.gradient(x0, loss);
        NDArray grad = Perturbations.finiteOrZero(g0.grad());
        float[] f = objective(g0.values());
        NDArray result = x0;
        markFooled(g0.logits(), yv, fooled, null);

        NDArray xBest = x0;
        NDArray gradBest = grad;
        float[] fBest = f.clone();
        NDArray xPrev = x0;
        NDArray xCur = x0;
        float[] fCur = f;
        // bookkeeping for the checkpoint conditions
        int[] incCount = new int[n];
        int lastCheck = 0;
        float[] etaAtCheck = eta.clone();
        float[] fBestAtCheck = fBest.clone();
        int nextW = 0;

        for (int k = 0; k < p.steps() - 1; k++) {
            NDArray[] old = {xPrev, xCur, grad, xBest, gradBest, result};
            try (NDScope s = new NDScope()) {
                s.suppressNotUsedWarning();
                NDArray etaA = Perturbations.perSample(Tensors.floats(x.getManager(), eta), rank);
                NDArray dir = Perturbations.direction(grad, p.norm());
                NDArray sgn = p.targeted() ? dir.neg() : dir;
                NDArray z = Perturbations.project(xCur.add(sgn.mul(etaA)), x, eps, p.norm(), model.bounds());
                NDArray xNext;
                if (k == 0) {
                    xNext = z;
                } else {
                    NDArray mixed = xCur.add(z.sub(xCur).mul(MOMENTUM)).add(xCur.sub(xPrev).mul(1 - MOMENTUM));
                    xNext = Perturbations.project(mixed, x, eps, p.norm(), model.bounds());
                }
                Gradient g = model.gradient(xNext, loss);
                NDArray gNext = Perturbations.finiteOrZero(g.grad());
                // keep the first iterate that fools the model
                boolean[] newly = new boolean[n];
                markFooled(g.logits(), yv, fooled, newly);
                result = selectRows(newly, xNext, result);
                float[] fNext = objective(g.values());
                boolean[] improved = new boolean[n];
                for (int i = 0; i < n; i++) {
                    if (fNext[i] > fCur[i]) {
                        incCount[i]++;
                    }
                    improved[i] = fNext[i] > fBest[i];
                    if (improved[i]) {
                        fBest[i] = fNext[i];
                    }
                }
                xBest = selectRows(improved, xNext, xBest);
                gradBest = selectRows(improved, gNext, gradBest);
                xPrev = xCur;
                xCur = xNext;
                grad = gNext;
                fCur = fNext;

                int iter = k + 1; // the index of xCur
                if (nextW < w.length && iter == w[nextW]) {
                    int span = iter - lastCheck;
                    boolean[] halve = new boolean[n];
                    boolean any = false;
                    for (int i = 0; i < n; i++) {
                        boolean c1 = incCount[i] < RHO * span;
                        boolean c2 = etaAtCheck[i] == eta[i] && fBestAtCheck[i] == fBest[i];
                        halve[i] = c1 || c2;
                        any |= halve[i];
                        etaAtCheck[i] = eta[i];
                        fBestAtCheck[i] = fBest[i];
                        incCount[i] = 0;
                        if (halve[i]) {
                            eta[i] /= 2;
                        }
                    }
                    if (any) {
                        // restart the halved samples from their best point with its gradient, without momentum
                        xCur = selectRows(halve, xBest, xCur);
                        xPrev = selectRows(halve, xBest, xPrev);
                        grad = selectRows(halve, gradBest, grad);
                        for (int i = 0; i < n; i++) {
                            if (halve[i]) {
                                fCur[i] = fBest[i];
                            }
                        }
                    }
                    lastCheck = iter;
                    nextW++;
                }
                NDScope.unregister(xPrev, xCur, grad, xBest, gradBest, result);
            }
            NDArray[] live = {xPrev, xCur, grad, xBest, gradBest, result};
            for (NDArray o : old) {
                boolean kept = false;
                for (NDArray l : live) {
                    kept |= l == o;
                }
                if (!kept && !o.isReleased()) {
                    o.close();
                }
            }
        }
        // samples never fooled: the highest-loss point
        boolean[] notFooled = new boolean[n];
        for (int i = 0; i < n; i++) {
            notFooled[i] = !fooled[i];
        }
        return selectRows(notFooled, xBest, result);
    }

    private float[] objective(NDArray ceValues) {
        float[] v = ceValues.toFloatArray();
        if (p.targeted()) {
            for (int i = 0; i < v.length; i++) {
                v[i] = -v[i];
            }
        }
        for (int i = 0; i < v.length; i++) {
            if (!Float.isFinite(v[i])) {
                v[i] = Float.NEGATIVE_INFINITY;
            }
        }
        return v;
    }

    private void markFooled(NDArray logits, long[] yv, boolean[] fooled, boolean[] newly) {
        long[] pred = logits.argMax(1).toLongArray();
        for (int i = 0; i < pred.length; i++) {
            boolean hit = criterion().isAdversarial(pred[i], yv[i]);
            if (hit && !fooled[i]) {
                fooled[i] = true;
                if (newly != null) {
                    newly[i] = true;
                }
            }
        }
    }

    /** Rows of {@code a} where {@code mask}, else rows of {@code b}. */
    private static NDArray selectRows(boolean[] mask, NDArray a, NDArray b) {
        NDArray m = Perturbations.perSample(Tensors.booleans(a.getManager(), mask), a.getShape().dimension()).broadcast(a.getShape());
        return NDArrays.where(m, a, b);
    }
}
