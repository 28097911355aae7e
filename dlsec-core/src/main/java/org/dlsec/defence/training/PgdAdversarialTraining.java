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
import org.dlsec.model.LogitObjective;
import org.dlsec.train.BatchTransform;

/**
 * PGD adversarial training (Madry, Makelov, Schmidt, Tsipras, Vladu, "Towards Deep Learning Models
 * Resistant to Adversarial Attacks", ICLR 2018): every training batch is replaced by L∞ PGD
 * examples — a uniform random start in the ε-ball, then {@code steps} sign-gradient steps of size
 * α on the cross-entropy, projected — so the model minimises the worst-case loss in the ball.
 * Random starts are seeded by (seed, batch number, position in the batch).
 */
public final class PgdAdversarialTraining implements BatchTransform {
    private final double eps;
    private final int steps;
    private final double alpha;
    private final long seed;
    private final EpsilonWarmup warmup;
    private final AtomicLong batches = new AtomicLong();
    private volatile int batchesPerEpoch;

    /**
     * @param eps the L∞ budget ε, positive, in the data's units
     * @param steps PGD iterations per batch, at least 1 (Madry et al.: 40 on MNIST)
     * @param alpha step size; null for 2.5·ε/steps (Madry et al.'s rule of thumb)
     * @param seed seed of the random starts
     * @param warmup ramp of ε (and α) over the first epochs
     * @throws org.dlsec.core.DlsecException when a value is out of range
     */
    public PgdAdversarialTraining(double eps, int steps, Double alpha, long seed, EpsilonWarmup warmup) {
        DlsecException.require(Double.isFinite(eps) && eps > 0, "eps", "must be > 0, got " + eps);
        DlsecException.require(steps >= 1 && steps <= 1000, "attack steps", "must be in 1..1000, got " + steps);
        DlsecException.require(alpha == null || (alpha > 0 && Double.isFinite(alpha)), "step size", "must be > 0, got " + alpha);
        this.eps = eps;
        this.steps = steps;
        this.alpha = alpha == null ? 2.5 * eps / steps : alpha;
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
            NDArray noise = Perturbations.randomInBall(x.getManager(), x.getShape(), eps * f, Norm.LINF,
                    Seeds.mix(seed, batch), ids(n), 0);
            NDArray start = model.bounds().clip(x.add(noise));
            NDArray adv = InnerMaximisation.ascend(model, x, start, LogitObjective.crossEntropy(y), eps * f, alpha * f, steps);
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
        m.put("adversarial", "pgd");
        m.put("paper", "Madry et al., ICLR 2018");
        m.put("eps", eps);
        m.put("norm", "linf");
        m.put("attackSteps", steps);
        m.put("stepSize", alpha);
        m.put("randomStart", true);
        m.put("epsWarmupEpochs", warmup.epochs());
        m.put("seed", seed);
        return m;
    }

    static long[] ids(int n) {
        long[] ids = new long[n];
        for (int i = 0; i < n; i++) {
            ids[i] = i;
        }
        return ids;
    }
}
