package org.dlsec.defence.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.dlsec.attack.evasion.Norm;
import org.dlsec.attack.evasion.Perturbations;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Seeds;
import org.dlsec.model.DjlClassifier;
import org.dlsec.model.Gradient;
import org.dlsec.model.LogitObjective;
import org.dlsec.train.BatchTransform;

/**
 * "Fast" adversarial training (Wong, Rice, Kolter, "Fast is better than free: Revisiting
 * adversarial training", ICLR 2020): FGSM from a uniform random start — δ ~ U(−ε, ε), one step
 * δ ← clip(δ + α·sign(∇ₓℓ(x+δ)), −ε, ε) with α = 1.25·ε — costing one gradient per batch instead of
 * PGD's k. The random start is what keeps it from catastrophic overfitting to FGSM.
 */
public final class FastAdversarialTraining implements BatchTransform {
    private final double eps;
    private final double alpha;
    private final long seed;
    private final EpsilonWarmup warmup;
    private final AtomicLong batches = new AtomicLong();
    private volatile int batchesPerEpoch;

    /**
     * @param eps the L∞ budget ε, positive, in the data's units
     * @param alpha step size; null for 1.25·ε as in the paper
     * @param seed seed of the random starts
     * @param warmup ramp of ε (and α) over the first epochs
     * @throws org.dlsec.core.DlsecException when a value is out of range
     */
    public FastAdversarialTraining(double eps, Double alpha, long seed, EpsilonWarmup warmup) {
        DlsecException.require(Double.isFinite(eps) && eps > 0, "eps", "must be > 0, got " + eps);
        DlsecException.require(alpha == null || (alpha > 0 && Double.isFinite(alpha)), "step size", "must be > 0, got " + alpha);
        this.eps = eps;
        this.alpha = alpha == null ? 1.25 * eps : alpha;
        this.seed = seed;
        this.warmup = warmup == null ? EpsilonWarmup.NONE : warmup;
    }

    @Override
    public void begin(int batchesPerEpoch) {
        this.batchesPerEpoch = batchesPerEpoch;
    }

    @Override
    public NDArray apply(DjlClassifier model, NDArray x, NDArray y) {
        long batch = batches.getAndIncrement();
        int n = (int) x.getShape().get(0);
        double f = warmup.factor(batch, batchesPerEpoch);
        try (NDScope s = new NDScope()) {
            s.suppressNotUsedWarning();
            NDArray delta = Perturbations.randomInBall(x.getManager(), x.getShape(), eps * f, Norm.LINF,
                    Seeds.mix(seed, batch), PgdAdversarialTraining.ids(n), 0);
            NDArray start = model.bounds().clip(x.add(delta));
            Gradient g = model.gradient(start, LogitObjective.crossEntropy(y));
            NDArray step = Perturbations.finiteOrZero(g.grad()).sign().mul((float) (alpha * f));
            NDArray adv = Perturbations.project(start.add(step), x, eps * f, Norm.LINF, model.bounds());
            NDScope.unregister(adv);
            return adv;
        }
    }

    /**
     * What the model card records under {@code training.extra}.
     *
     * @return a new mutable map
     */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("adversarial", "fast");
        m.put("paper", "Wong, Rice, Kolter, ICLR 2020");
        m.put("eps", eps);
        m.put("norm", "linf");
        m.put("stepSize", alpha);
        m.put("randomStart", true);
        m.put("epsWarmupEpochs", warmup.epochs());
        m.put("seed", seed);
        return m;
    }
}
