package org.dlsec.attack.evasion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import java.util.Map;
import org.dlsec.core.Tensors;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Finite;
import org.dlsec.core.StepRecovery;
import org.dlsec.model.Bounds;
import org.dlsec.model.Classifier;
import org.dlsec.model.Gradient;
import org.dlsec.model.LogitObjective;

/**
 * <b>C&amp;W L2</b> — Carlini, Wagner, "Towards Evaluating the Robustness of Neural Networks",
 * IEEE S&amp;P 2017 (Section V.A).
 *
 * <p>Change of variables x′ = lo + (hi − lo)·(tanh(w) + 1)/2, so x′ always lies in the bounds, and
 * Adam on w minimising ‖x′ − x‖₂² + c·f(x′) with the margin on logits
 * f(x′) = max(Z<sub>y</sub> − max<sub>j≠y</sub> Z<sub>j</sub>, −κ) (untargeted, y the label) or
 * f(x′) = max(max<sub>j≠t</sub> Z<sub>j</sub> − Z<sub>t</sub>, −κ) (targeted). The gradient of the margin
 * comes from one {@link Classifier#gradient} call per iteration; the distance term and the tanh
 * chain rule are applied analytically. Each of the binary-search steps restarts from w = atanh(x)
 * with a fresh Adam state; per sample, c is bisected (raised ten-fold while no success has been
 * seen), and the successful x′ of smallest L2 over all steps is kept. A sample stops a search step
 * early when its loss has not fallen by 0.01% over the last tenth of the iterations (the authors'
 * early abort, applied per sample). Samples never fooled are returned unchanged.
 *
 * <p>A sample whose margin, gradient or next iterate is not finite keeps its last finite iterate and
 * Adam state, and continues with half its learning rate; after {@link StepRecovery#MAX_RETRIES}
 * such events its search ends (it keeps the best adversarial example found so far, or is reported
 * failed if there is none). Each event is recorded in the result's numerical issues.
 */
public final class CarliniWagnerL2 extends AbstractParameterisedAttack<CarliniWagnerL2.Params> implements MinimalPerturbationAttack {
    private static final double UPPER_NONE = 1e10;

    /**
     * Validated parameters.
     *
     * @param confidence κ ≥ 0
     * @param initialConst initial c &gt; 0 (ART: 0.01; the authors' code: 0.001)
     * @param binarySteps binary-search steps ≥ 1 (authors: 9)
     * @param steps Adam iterations per binary step ≥ 1
     * @param learningRate Adam step &gt; 0 (authors: 0.01)
     * @param abortEarly stop a sample's search step when its loss stalls
     * @param targeted targeted mode (y holds targets)
     * @param seed recorded for provenance (the attack draws no random numbers)
     */
    public record Params(double confidence, double initialConst, int binarySteps, int steps, double learningRate,
            boolean abortEarly, boolean targeted, long seed) {
        /**
         * Checks every parameter.
         *
         * @param confidence κ ≥ 0
         * @param initialConst initial c &gt; 0 (ART: 0.01; the authors' code: 0.001)
         * @param binarySteps binary-search steps ≥ 1 (authors: 9)
         * @param steps Adam iterations per binary step ≥ 1
         * @param learningRate Adam step &gt; 0 (authors: 0.01)
         * @param abortEarly stop a sample's search step when its loss stalls
         * @param targeted targeted mode (y holds targets)
         * @param seed recorded for provenance (the attack draws no random numbers)
         * @throws org.dlsec.core.DlsecException when a parameter is outside the range given above; the message names it
         */
        public Params {
            DlsecException.require(Double.isFinite(confidence) && confidence >= 0, "confidence", "must be finite and >= 0, got "
                    + confidence);
            DlsecException.require(Double.isFinite(initialConst) && initialConst > 0 && initialConst < UPPER_NONE,
                    "initial const", "must be in (0, 1e10), got " + initialConst);
            DlsecException.require(binarySteps >= 1 && binarySteps <= 100, "binary steps", "must be in 1..100, got " + binarySteps);
            DlsecException.require(steps >= 1 && steps <= 100_000, "steps", "must be in 1..100000, got " + steps);
            DlsecException.require(Double.isFinite(learningRate) && learningRate > 0, "learning rate", "must be finite and > 0, got "
                    + learningRate);
        }

        /**
         * κ = 0, c₀ = 0.01, 9 binary steps, 200 Adam steps of 0.05, early abort. The authors run up to
         * 10,000 steps of 0.01; MNIST pixels sit at the bounds, where w = atanh(·) is large and Adam
         * moves it by about one learning rate per step, so few small steps leave them stuck. Measured
         * on LeNet-5/MNIST (100 test images): 200×0.05 gives the same 100% success and a mean L2
         * within 2% of 1000×0.01, in a fifth of the time.
         *
         * @param targeted whether {@code y} holds targets
         * @param seed recorded for provenance
         * @return the parameters
         */
        public static Params defaults(boolean targeted, long seed) {
            return new Params(0, 0.01, 9, 200, 0.05, true, targeted, seed);
        }
    }

    /**
     * The attack with {@code params}; immutable, so one instance may be shared between threads and runs.
     *
     * @param params the validated parameters
     */
    public CarliniWagnerL2(Params params) {
        super("cw", Knowledge.WHITE_BOX, params);
    }

    /**
     * C&amp;W L2 in one line with the registry's defaults (κ = 0, c = 0.01, 9 binary-search steps of 200 Adam steps at
     * 0.05, early abort, untargeted, seed 0), e.g. {@code CarliniWagnerL2.builder().initialConst(1).binarySteps(1)
     * .steps(100).build()}.
     *
     * @return a builder with the defaults above
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Fluent, validated configuration of {@link CarliniWagnerL2}; {@link #build()} names a bad parameter. */
    public static final class Builder extends AttackBuilder<Builder, CarliniWagnerL2> {
        private double confidence;
        private double initialConst = 0.01;
        private int binarySteps = 9;
        private int steps = 200;
        private double learningRate = 0.05;
        private boolean abortEarly = true;

        private Builder() {}

        @Override
        protected Builder self() {
            return this;
        }

        /**
         * The margin κ the adversarial logit must clear (default 0).
         *
         * @param kappa κ, finite and at least 0
         * @return this builder
         */
        public Builder confidence(double kappa) {
            this.confidence = kappa;
            return this;
        }

        /**
         * The first trade-off constant c of the binary search (default 0.01).
         *
         * @param c c₀, in (0, 1e10)
         * @return this builder
         */
        public Builder initialConst(double c) {
            this.initialConst = c;
            return this;
        }

        /**
         * Binary-search steps over c (default 9; 1 keeps c fixed).
         *
         * @param n the number of binary-search steps, 1 to 100
         * @return this builder
         */
        public Builder binarySteps(int n) {
            this.binarySteps = n;
            return this;
        }

        /**
         * Adam steps per value of c (default 200).
         *
         * @param t the number of Adam steps, 1 to 100,000
         * @return this builder
         */
        public Builder steps(int t) {
            this.steps = t;
            return this;
        }

        /**
         * Adam's learning rate (default 0.05).
         *
         * @param lr the learning rate, positive
         * @return this builder
         */
        public Builder learningRate(double lr) {
            this.learningRate = lr;
            return this;
        }

        /**
         * Run every step even when the loss stops improving (the default stops early, as the paper's code).
         *
         * @return this builder
         */
        public Builder noEarlyAbort() {
            this.abortEarly = false;
            return this;
        }



        @Override
        public CarliniWagnerL2 build() {
            return new CarliniWagnerL2(new Params(confidence, initialConst, binarySteps, steps, learningRate, abortEarly,
                    targeted, seed));
        }
    }


    @Override
    public boolean targeted() {
        return p.targeted();
    }

    @Override
    public Map<String, Object> parameters() {
        return ParameterMap.of(p).first("norm", Norm.L2.cliName()).map();
    }

    /** The per-sample margin: Z_y − max_{j≠y} Z_j (untargeted) or max_{j≠t} Z_j − Z_t (targeted). */
    private LogitObjective margin(NDArray oneHot) {
        return logits -> {
            NDArray own = logits.mul(oneHot).sum(new int[] {1});
            NDArray other = logits.sub(oneHot.mul(1e9f)).max(new int[] {1});
            return p.targeted() ? other.sub(own) : own.sub(other);
        };
    }

    private boolean hit(float margin) {
        return p.confidence() == 0 ? margin < 0 : margin <= -p.confidence();
    }

    @Override
    protected Crafted craft(Classifier model, NDArray x, NDArray y, long[] cleanPred, long[] ids) {
        int n = (int) x.getShape().get(0);
        int rank = x.getShape().dimension();
        NDManager m = x.getManager();
        long[] yv = y.toLongArray();
        long[] gradients = new long[n];
        NDArray best = x.duplicate();
        boolean[] attack = new boolean[n];
        for (int i = 0; i < n; i++) {
            attack[i] = criterion().needsAttack(cleanPred[i], yv[i]);
        }
        int[] idx = Rows.where(attack);
        if (idx.length == 0) {
            return new Crafted(best, new long[n], gradients);
        }
        int na = idx.length;
        Bounds bounds = model.bounds();
        float lo = bounds.min();
        float half = bounds.range() / 2;
        // per-feature bounds: lo and half-range per value (a constant feature gets a tiny range and stays put)
        NDArray loA = null;
        NDArray halfA = null;
        if (!bounds.isUniform()) {
            Shape sample = x.getShape().slice(1);
            loA = bounds.lower(x.getManager(), sample);
            halfA = bounds.upper(x.getManager(), sample).sub(loA).div(2f).maximum(1e-12f);
        }
        NDArray xa = Rows.take(x, idx);
        NDArray oneHot = Rows.take(y, idx).oneHot(model.numClasses());
        // w₀ = atanh of x mapped to (−1, 1), shrunk slightly so that the bounds stay finite
        NDArray w0 = atanh((loA == null ? xa.sub(lo).div(half) : xa.sub(loA).div(halfA)).sub(1f).mul(0.999999f));
        double[] c = new double[na];
        double[] lower = new double[na];
        double[] upper = new double[na];
        double[] bestL2 = new double[na];
        java.util.Arrays.fill(c, p.initialConst());
        java.util.Arrays.fill(upper, UPPER_NONE);
        java.util.Arrays.fill(bestL2, Double.POSITIVE_INFINITY);
        float b1 = 0.9f;
        float b2 = 0.999f;
        int abortEvery = Math.max(1, p.steps() / 10);
        StepRecovery recovery = new StepRecovery(name(), na);
        boolean[] everSucceeded = new boolean[na];
        for (int bs = 0; bs < p.binarySteps(); bs++) {
            NDArray w = w0.duplicate();
            NDArray mom = w0.zerosLike();
            NDArray vel = w0.zerosLike();
            boolean[] active = new boolean[na];
            for (int i = 0; i < na; i++) {
                active[i] = !recovery.gaveUp(i);
            }
            boolean[] succeeded = new boolean[na];
            double[] prevLoss = new double[na];
            java.util.Arrays.fill(prevLoss, Double.POSITIVE_INFINITY);
            for (int t = 0; t < p.steps(); t++) {
                int[] act = Rows.where(active);
                if (act.length == 0) {
                    break;
                }
                try (NDScope s = new NDScope()) {
                    s.suppressNotUsedWarning();
                    NDArray wa = Rows.take(w, act);
                    NDArray th = wa.tanh();
                    NDArray adv = loA == null ? th.add(1f).mul(half).add(lo) : th.add(1f).mul(halfA).add(loA);
                    NDArray x0 = Rows.take(xa, act);
                    Gradient g = model.gradient(adv, margin(Rows.take(oneHot, act)));
                    float[] marg = g.values().toFloatArray();
                    boolean[] gradOk = Finite.rows(g.grad());
                    NDArray diff = adv.sub(x0);
                    float[] d2 = diff.reshape(act.length, -1).square().sum(new int[] {1}).toFloatArray();
                    float[] coef = new float[act.length];
                    boolean[] better = new boolean[act.length];
                    for (int j = 0; j < act.length; j++) {
                        int i = act[j];
                        gradients[idx[i]]++;
                        double f = Math.max(marg[j], -p.confidence());
                        double loss = d2[j] + c[i] * f;
                        if (Float.isFinite(marg[j]) && hit(marg[j])) {
                            succeeded[i] = true;
                            everSucceeded[i] = true;
                            if (d2[j] < bestL2[i]) {
                                bestL2[i] = d2[j];
                                better[j] = true;
                            }
                        }
                        // the clamp at −κ has zero gradient below it
                        coef[j] = marg[j] > -p.confidence() ? (float) c[i] : 0f;
                        if (p.abortEarly() && t % abortEvery == 0 && t > 0) {
                            if (loss > prevLoss[i] * 0.9999) {
                                active[i] = false;
                            }
                        }
                        if (t % abortEvery == 0 && Double.isFinite(loss)) {
                            prevLoss[i] = loss;
                        }
                    }
                    int[] imp = Rows.where(better);
                    if (imp.length > 0) {
                        int[] rows = new int[imp.length];
                        for (int j = 0; j < imp.length; j++) {
                            rows[j] = idx[act[imp[j]]];
                        }
                        Rows.put(best, rows, Rows.take(adv, imp));
                    }
                    // d loss / d x′, then the tanh chain rule d x′/d w = half·(1 − tanh²)
                    NDArray gradAdv = diff.mul(2f).add(Perturbations.finiteOrZero(g.grad())
                            .mul(Perturbations.perSample(Tensors.floats(m, coef), rank)));
                    NDArray gw = gradAdv.mul(th.square().neg().add(1f).mul(half));
                    NDArray ma = Rows.take(mom, act).mul(b1).add(gw.mul(1 - b1));
                    NDArray va = Rows.take(vel, act).mul(b2).add(gw.square().mul(1 - b2));
                    double corr1 = 1 - Math.pow(b1, t + 1);
                    double corr2 = 1 - Math.pow(b2, t + 1);
                    float[] lr = new float[act.length];
                    for (int j = 0; j < act.length; j++) {
                        lr[j] = (float) (p.learningRate() * recovery.factor(act[j]));
                    }
                    NDArray stepW = ma.div(corr1).div(va.div(corr2).sqrt().add(1e-8f))
                            .mul(Perturbations.perSample(Tensors.floats(m, lr), rank));
                    NDArray wNext = wa.sub(stepW);
                    // a sample whose margin, gradient or next iterate is not finite stays where it was
                    boolean[] nextOk = Finite.rows(wNext);
                    boolean[] ok = new boolean[act.length];
                    for (int j = 0; j < act.length; j++) {
                        int i = act[j];
                        ok[j] = Float.isFinite(marg[j]) && gradOk[j] && nextOk[j];
                        if (!ok[j]) {
                            String what = !Float.isFinite(marg[j]) ? "non-finite margin" : !gradOk[j] ? "non-finite gradient"
                                    : "non-finite iterate";
                            if (!recovery.fail(i, "sample " + ids[idx[i]], bs * p.steps() + t, what, p.learningRate(),
                                    "kept the best adversarial example found before, if any")) {
                                active[i] = false;
                            }
                        }
                    }
                    int[] good = Rows.where(ok);
                    if (good.length > 0) {
                        int[] actGood = new int[good.length];
                        for (int j = 0; j < good.length; j++) {
                            actGood[j] = act[good[j]];
                        }
                        Rows.put(mom, actGood, Rows.take(ma, good));
                        Rows.put(vel, actGood, Rows.take(va, good));
                        Rows.put(w, actGood, Rows.take(wNext, good));
                    }
                }
            }
            for (int i = 0; i < na; i++) {
                if (succeeded[i]) {
                    upper[i] = Math.min(upper[i], c[i]);
                    if (upper[i] < UPPER_NONE) {
                        c[i] = (lower[i] + upper[i]) / 2;
                    }
                } else {
                    lower[i] = Math.max(lower[i], c[i]);
                    c[i] = upper[i] < UPPER_NONE ? (lower[i] + upper[i]) / 2 : c[i] * 10;
                }
            }
            w.close();
            mom.close();
            vel.close();
        }
        boolean[] gaveUp = new boolean[n];
        for (int i = 0; i < na; i++) {
            gaveUp[idx[i]] = recovery.gaveUp(i) && !everSucceeded[i];
        }
        return new Crafted(best, new long[n], gradients, gaveUp, recovery.issues());
    }

    private static NDArray atanh(NDArray v) {
        // atanh(v) = ½·ln((1 + v)/(1 − v))
        return v.add(1f).div(v.neg().add(1f)).log().mul(0.5f);
    }

    @Override
    public Norm distanceNorm() {
        return Norm.L2;
    }
}
