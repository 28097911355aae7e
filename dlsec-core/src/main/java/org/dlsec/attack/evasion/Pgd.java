package org.dlsec.attack.evasion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.util.Map;
import org.dlsec.core.DlsecException;
import org.dlsec.model.Classifier;
import org.dlsec.model.Gradient;
import org.dlsec.model.LogitObjective;

/**
 * The iterative gradient-sign family, one algorithm with three published settings:
 * <ul>
 *   <li><b>FGSM</b> — Goodfellow, Shlens, Szegedy, "Explaining and Harnessing Adversarial
 *       Examples", ICLR 2015: one step of size ε along the sign of the loss gradient (L∞), or along
 *       the unit-L2 gradient (the "fast gradient method", L2);</li>
 *   <li><b>BIM / I-FGSM</b> — Kurakin, Goodfellow, Bengio, "Adversarial Examples in the Physical
 *       World", ICLR Workshop 2017: T steps of size α from the clean input, each followed by
 *       clipping to the ε-ball and the valid range;</li>
 *   <li><b>PGD</b> — Madry, Makelov, Schmidt, Tsipras, Vladu, "Towards Deep Learning Models
 *       Resistant to Adversarial Attacks", ICLR 2018: BIM from a uniformly random start in the
 *       ε-ball, with restarts keeping, per sample, a successful run or else the one with the highest
 *       loss; L∞ or L2.</li>
 * </ul>
 * The loss is softmax cross-entropy; a targeted attack descends the cross-entropy of the target.
 */
public final class Pgd extends AbstractEpsilonAttack<Pgd.Params> {
    /** Which published setting. */
    public enum Variant {
        /** One step of ε (Goodfellow et al.). */
        FGSM("fgsm"),
        /** T steps from the clean input (Kurakin et al.). */
        BIM("bim"),
        /** T steps from a random start in the ε-ball, with restarts (Madry et al.). */
        PGD("pgd");

        final String cliName;

        Variant(String cliName) {
            this.cliName = cliName;
        }
    }

    /**
     * Validated parameters.
     *
     * @param variant fgsm, bim or pgd
     * @param norm linf or l2
     * @param epsilon the budget ε ≥ 0
     * @param stepSize α; if {@code relativeStep}, a multiple of ε (α = stepSize·ε)
     * @param relativeStep whether stepSize scales with ε (so a robustness curve keeps the schedule)
     * @param steps iterations T ≥ 1
     * @param randomStart start from a uniform point in the ε-ball
     * @param restarts independent runs ≥ 1 (only meaningful with a random start)
     * @param targeted targeted mode (y holds targets)
     * @param seed seed of the random starts
     */
    public record Params(Variant variant, Norm norm, double epsilon, double stepSize, boolean relativeStep, int steps,
            boolean randomStart, int restarts, boolean targeted, long seed) implements AbstractEpsilonAttack.Budget {
        /**
         * Checks every parameter.
         *
         * @param variant fgsm, bim or pgd
         * @param norm linf or l2
         * @param epsilon the budget ε ≥ 0
         * @param stepSize α; if {@code relativeStep}, a multiple of ε (α = stepSize·ε)
         * @param relativeStep whether stepSize scales with ε (so a robustness curve keeps the schedule)
         * @param steps iterations T ≥ 1
         * @param randomStart start from a uniform point in the ε-ball
         * @param restarts independent runs ≥ 1 (only meaningful with a random start)
         * @param targeted targeted mode (y holds targets)
         * @param seed seed of the random starts
         * @throws org.dlsec.core.DlsecException when a parameter is outside the range given above; the message names it
         */
        public Params {
            DlsecException.require(norm == Norm.LINF || norm == Norm.L2, "norm", variant.cliName + " supports linf and l2, got " + norm);
            DlsecException.require(Double.isFinite(epsilon) && epsilon >= 0, "eps", "must be finite and >= 0, got " + epsilon);
            // steps first: a default step of 2.5/T is infinite for T = 0, and the error should name the steps
            DlsecException.require(steps >= 1 && steps <= 100_000, "steps", "must be in 1..100000, got " + steps);
            DlsecException.require(Double.isFinite(stepSize) && stepSize > 0, "step size", "must be finite and > 0, got " + stepSize);
            DlsecException.require(restarts >= 1 && restarts <= 1000, "restarts", "must be in 1..1000, got " + restarts);
        }
    }


    /**
     * The attack with {@code params}; immutable, so one instance may be shared between threads and runs.
     *
     * @param params the validated parameters
     */
    public Pgd(Params params) {
        super(params.variant().cliName, Knowledge.WHITE_BOX, params);
    }

    /**
     * FGSM: one step of ε.
     *
     * @param norm linf or l2
     * @param eps the budget ε, finite and at least 0, in the data's units
     * @param targeted whether {@code y} holds targets
     * @param seed recorded for provenance (FGSM draws no random numbers)
     * @return the attack
     * @throws org.dlsec.core.DlsecException when a parameter is out of range
     */
    static Pgd fgsm(Norm norm, double eps, boolean targeted, long seed) {
        return new Pgd(new Params(Variant.FGSM, norm, eps, 1.0, true, 1, false, 1, targeted, seed));
    }

    /**
     * BIM: {@code steps} steps of α from the clean input (α = 2.5ε/T when {@code step} is null).
     *
     * @param norm linf or l2
     * @param eps the budget ε, finite and at least 0
     * @param steps iterations T, 1 to 100,000
     * @param step the absolute step α, or null for 2.5·ε/T (then it scales with ε along a robustness curve)
     * @param targeted whether {@code y} holds targets
     * @param seed recorded for provenance
     * @return the attack
     * @throws org.dlsec.core.DlsecException when a parameter is out of range
     */
    static Pgd bim(Norm norm, double eps, int steps, Double step, boolean targeted, long seed) {
        return new Pgd(new Params(Variant.BIM, norm, eps, step == null ? 2.5 / steps : step, step == null, steps, false, 1,
                targeted, seed));
    }

    /**
     * PGD: random start, {@code steps} steps of α (α = 2.5ε/T when {@code step} is null), restarts.
     *
     * @param norm linf or l2
     * @param eps the budget ε, finite and at least 0
     * @param steps iterations T, 1 to 100,000
     * @param step the absolute step α, or null for 2.5·ε/T
     * @param restarts random starts, 1 to 1000
     * @param targeted whether {@code y} holds targets
     * @param seed seed of the random starts
     * @return the attack
     * @throws org.dlsec.core.DlsecException when a parameter is out of range
     */
    static Pgd pgd(Norm norm, double eps, int steps, Double step, int restarts, boolean targeted, long seed) {
        return new Pgd(new Params(Variant.PGD, norm, eps, step == null ? 2.5 / steps : step, step == null, steps, true,
                restarts, targeted, seed));
    }

    /**
     * An L∞ attack of budget {@code eps}, to configure in one line, e.g. {@code Pgd.linf(0.3).steps(40).stepSize(0.01)
     * .build()}. The defaults are the registry's (the command line's): PGD (Madry et al.) with a uniform random start,
     * 40 steps of α = 2.5·ε/T, one restart, untargeted, seed 0; {@link Builder#bim()} drops the random start (10
     * steps unless set) and {@link Builder#fgsm()} is one step of ε.
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

    /**
     * Fluent, validated configuration of {@link Pgd}: every setter returns this builder, and {@link #build()} checks
     * the values, naming the parameter in the error ({@code invalid steps: must be in 1..100000, got 0}).
     */
    public static final class Builder extends IterativeAttackBuilder<Builder, Pgd> {
        private Variant variant = Variant.PGD;

        private Builder(Norm norm, double eps) {
            super(norm, eps);
        }

        @Override
        protected Builder self() {
            return this;
        }






        /**
         * BIM (Kurakin et al.): no random start, one run.
         *
         * @return this builder
         */
        public Builder bim() {
            this.variant = Variant.BIM;
            return this;
        }

        /**
         * FGSM (Goodfellow et al.): one step of ε.
         *
         * @return this builder
         */
        public Builder fgsm() {
            this.variant = Variant.FGSM;
            return this;
        }

        @Override
        public Pgd build() {
            return switch (variant) {
                case FGSM -> {
                    DlsecException.require(steps == null && stepSize == null && restarts == 1, "fgsm",
                            "takes one step of eps: no steps, step size or restarts");
                    yield Pgd.fgsm(norm, eps, targeted, seed);
                }
                case BIM -> {
                    refuseRestarts("BIM has no random start to restart from");
                    yield Pgd.bim(norm, eps, stepsOr(10), stepSize, targeted, seed);
                }
                case PGD -> Pgd.pgd(norm, eps, stepsOr(40), stepSize, restarts, targeted, seed);
            };
        }
    }

    @Override
    public Pgd withEpsilon(double epsilon) {
        return new Pgd(new Params(p.variant(), p.norm(), epsilon, p.stepSize(), p.relativeStep(), p.steps(), p.randomStart(),
                p.restarts(), p.targeted(), p.seed()));
    }

    private double alpha() {
        return p.relativeStep() ? p.stepSize() * p.epsilon() : p.stepSize();
    }

    @Override
    public Map<String, Object> parameters() {
        return ParameterMap.of(p).drop("variant", "relativeStep").replace("stepSize", alpha()).map();
    }

    @Override
    protected Crafted craft(Classifier model, NDArray x, NDArray y, long[] cleanPred, long[] ids) {
        int n = (int) x.getShape().get(0);
        long[] queries = new long[n];
        long[] gradients = new long[n];
        if (p.epsilon() == 0) {
            return new Crafted(x.duplicate(), queries, gradients);
        }
        NDManager m = x.getManager();
        NDArray best = null;
        NDArray bestScore = null;
        int runs = p.randomStart() ? p.restarts() : 1;
        for (int r = 0; r < runs; r++) {
            NDArray adv = run(model, x, y, ids, r, m);
            for (int i = 0; i < n; i++) {
                gradients[i] += p.steps();
            }
            if (runs == 1) {
                return new Crafted(adv, queries, gradients);
            }
            // score per sample: success first, then the attack's loss
            NDArray logits = model.predictLogits(adv);
            for (int i = 0; i < n; i++) {
                queries[i]++;
            }
            NDArray loss = LogitObjective.crossEntropy(y).apply(logits);
            NDArray hit = criterion().isAdversarial(logits.argMax(1), y);
            NDArray score = NDArrays.where(hit, loss.zerosLike().add(Float.MAX_VALUE), p.targeted() ? loss.neg() : loss);
            if (best == null) {
                best = adv;
                bestScore = score;
            } else {
                NDArray better = score.gt(bestScore);
                best = NDArrays.where(Perturbations.perSample(better, x.getShape().dimension()).broadcast(x.getShape()), adv, best);
                bestScore = NDArrays.where(better, score, bestScore);
            }
        }
        return new Crafted(best, queries, gradients);
    }

    private NDArray run(Classifier model, NDArray x, NDArray y, long[] ids, int restart, NDManager m) {
        // arrays made here belong to the caller's NDScope (the attack template's)
        double eps = p.epsilon();
        double alpha = p.variant() == Variant.FGSM ? eps : alpha();
        NDArray adv = x;
        if (p.randomStart()) {
            NDArray noise = Perturbations.randomInBall(m, x.getShape(), eps, p.norm(), p.seed(), ids, restart);
            adv = model.bounds().clip(x.add(noise));
        }
        for (int t = 0; t < p.steps(); t++) {
            NDArray projected;
            try (NDScope step = new NDScope()) {
                step.suppressNotUsedWarning();
                Gradient g = model.gradient(adv, LogitObjective.crossEntropy(y));
                NDArray dir = Perturbations.direction(Perturbations.finiteOrZero(g.grad()), p.norm()).mul((float) alpha);
                NDArray next = p.targeted() ? adv.sub(dir) : adv.add(dir);
                projected = Perturbations.project(next, x, eps, p.norm(), model.bounds());
                NDScope.unregister(projected);
            }
            if (adv != x) {
                adv.close();
            }
            adv = projected;
        }
        return adv;
    }
}
