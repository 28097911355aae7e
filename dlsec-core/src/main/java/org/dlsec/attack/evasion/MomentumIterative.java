package org.dlsec.attack.evasion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import java.util.Map;
import org.dlsec.core.DlsecException;
import org.dlsec.model.Classifier;
import org.dlsec.model.Gradient;
import org.dlsec.model.LogitObjective;

/**
 * <b>MI-FGSM</b> — Dong, Liao, Pang, Su, Zhu, Hu, Li, "Boosting Adversarial Attacks with Momentum",
 * CVPR 2018 (Algorithm 1).
 *
 * <p>From the clean input, T steps of size α = ε/T; the update direction is an accumulated
 * gradient g<sub>t+1</sub> = μ·g<sub>t</sub> + ∇J(x<sub>t</sub>)/‖∇J(x<sub>t</sub>)‖<sub>1</sub>
 * (per sample), and the step is α·sign(g) for L∞ or α·g/‖g‖<sub>2</sub> for L2 (the paper's
 * Eq. 8 variant); after each step the example is projected onto the ε-ball and the valid range.
 * The loss J is softmax cross-entropy; a targeted attack descends the cross-entropy of the target.
 */
public final class MomentumIterative extends AbstractEpsilonAttack<MomentumIterative.Params> {
    /**
     * Validated parameters.
     *
     * @param norm linf or l2
     * @param epsilon the budget ε ≥ 0
     * @param steps iterations T ≥ 1 (the paper uses 10)
     * @param stepSize α; null for the paper's α = ε/T
     * @param decay the momentum decay μ ≥ 0 (the paper's 1.0; μ = 0 is BIM with L1-normalised gradients)
     * @param targeted targeted mode (y holds targets)
     * @param seed recorded for provenance (the attack draws no random numbers)
     */
    public record Params(Norm norm, double epsilon, int steps, Double stepSize, double decay, boolean targeted, long seed) implements AbstractEpsilonAttack.Budget {
        /**
         * Checks every parameter.
         *
         * @param norm linf or l2
         * @param epsilon the budget ε ≥ 0
         * @param steps iterations T ≥ 1 (the paper uses 10)
         * @param stepSize α; null for the paper's α = ε/T
         * @param decay the momentum decay μ ≥ 0 (the paper's 1.0; μ = 0 is BIM with L1-normalised gradients)
         * @param targeted targeted mode (y holds targets)
         * @param seed recorded for provenance (the attack draws no random numbers)
         * @throws org.dlsec.core.DlsecException when a parameter is outside the range given above; the message names it
         */
        public Params {
            DlsecException.require(norm == Norm.LINF || norm == Norm.L2, "norm", "mim supports linf and l2, got " + norm);
            DlsecException.require(Double.isFinite(epsilon) && epsilon >= 0, "eps", "must be finite and >= 0, got " + epsilon);
            DlsecException.require(steps >= 1 && steps <= 100_000, "steps", "must be in 1..100000, got " + steps);
            DlsecException.require(stepSize == null || (Double.isFinite(stepSize) && stepSize > 0), "step size",
                    "must be finite and > 0, got " + stepSize);
            DlsecException.require(Double.isFinite(decay) && decay >= 0, "decay", "momentum μ must be finite and >= 0, got "
                    + decay);
        }
    }


    /**
     * The attack with {@code params}; immutable, so one instance may be shared between threads and runs.
     *
     * @param params the validated parameters
     */
    public MomentumIterative(Params params) {
        super("mim", Knowledge.WHITE_BOX, params);
    }

    /**
     * The paper's setting: μ = 1, α = ε/T.
     *
     * @param norm linf or l2
     * @param eps the budget ε, at least 0
     * @param steps iterations T, at least 1
     * @param targeted whether {@code y} holds targets
     * @param seed recorded for provenance
     * @return the attack
     * @throws org.dlsec.core.DlsecException when a parameter is out of range
     */
    static MomentumIterative of(Norm norm, double eps, int steps, boolean targeted, long seed) {
        return new MomentumIterative(new Params(norm, eps, steps, null, 1.0, targeted, seed));
    }

    /**
     * An L∞ MI-FGSM of budget {@code eps} in one line, e.g. {@code MomentumIterative.linf(0.3).steps(10).decay(1.0)
     * .build()}; defaults as the registry's: 10 steps of ε/T, decay μ = 1.0 (Dong et al.), untargeted, seed 0.
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

    /** Fluent, validated configuration of {@link MomentumIterative}. */
    public static final class Builder extends IterativeAttackBuilder<Builder, MomentumIterative> {
        private double decay = 1.0;

        private Builder(Norm norm, double eps) {
            super(norm, eps);
        }

        @Override
        protected Builder self() {
            return this;
        }



        /**
         * The momentum's decay μ (default 1.0).
         *
         * @param mu μ, at least 0
         * @return this builder
         */
        public Builder decay(double mu) {
            this.decay = mu;
            return this;
        }

        @Override
        public MomentumIterative build() {
            refuseRestarts("MI-FGSM starts from the clean input: there is nothing to restart");
            return new MomentumIterative(new Params(norm, eps, stepsOr(10), stepSize, decay, targeted, seed));
        }
    }

    @Override
    public MomentumIterative withEpsilon(double epsilon) {
        return new MomentumIterative(new Params(p.norm(), epsilon, p.steps(), p.stepSize(), p.decay(), p.targeted(), p.seed()));
    }

    private double alpha() {
        return p.stepSize() == null ? p.epsilon() / p.steps() : p.stepSize();
    }

    @Override
    public Map<String, Object> parameters() {
        return ParameterMap.of(p).replace("stepSize", alpha()).map();
    }

    @Override
    protected Crafted craft(Classifier model, NDArray x, NDArray y, long[] cleanPred, long[] ids) {
        int n = (int) x.getShape().get(0);
        if (p.epsilon() == 0) {
            return new Crafted(x.duplicate(), new long[n], new long[n]);
        }
        int rank = x.getShape().dimension();
        float alpha = (float) alpha();
        NDArray adv = x;
        NDArray g = x.zerosLike();
        for (int t = 0; t < p.steps(); t++) {
            NDArray nextAdv;
            NDArray nextG;
            try (NDScope step = new NDScope()) {
                step.suppressNotUsedWarning();
                Gradient gr = model.gradient(adv, LogitObjective.crossEntropy(y));
                NDArray grad = Perturbations.finiteOrZero(gr.grad());
                if (p.targeted()) {
                    grad = grad.neg();
                }
                NDArray l1 = grad.abs().reshape(n, -1).sum(new int[] {1}).maximum(1e-12f);
                nextG = g.mul((float) p.decay()).add(grad.div(Perturbations.perSample(l1, rank)));
                NDArray dir = Perturbations.direction(nextG, p.norm()).mul(alpha);
                nextAdv = Perturbations.project(adv.add(dir), x, p.epsilon(), p.norm(), model.bounds());
                NDScope.unregister(nextAdv, nextG);
            }
            if (adv != x) {
                adv.close();
            }
            g.close();
            adv = nextAdv;
            g = nextG;
        }
        return new Crafted(adv, new long[n], filled(n, p.steps()));
    }
}
