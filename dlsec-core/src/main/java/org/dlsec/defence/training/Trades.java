package org.dlsec.defence.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Seeds;
import org.dlsec.defence.Noise;
import org.dlsec.model.DjlClassifier;
import org.dlsec.model.LogitObjective;
import org.dlsec.train.BatchLoss;
import org.dlsec.train.BatchTransform;

/**
 * TRADES (Zhang, Yu, Jiao, Xing, El Ghaoui, Jordan, "Theoretically Principled Trade-off between
 * Robustness and Accuracy", ICML 2019). The loss is
 * <pre>  CE(f(x), y) + β · KL(softmax f(x) ‖ softmax f(x'))</pre>
 * where x' maximises the KL term in the L∞ ε-ball: starting from x + 0.001·N(0, I), {@code steps}
 * projected sign-gradient steps of size α. The inner maximisation is the {@link BatchTransform},
 * the two-pass loss the {@link BatchLoss}; train with both ({@link #transform()}, {@link #loss()}).
 */
public final class Trades {
    private final double eps;
    private final int steps;
    private final double alpha;
    private final double beta;
    private final long seed;
    private final EpsilonWarmup warmup;
    private final AtomicLong batches = new AtomicLong();
    private volatile int batchesPerEpoch;

    /**
     * @param eps the L∞ budget ε, positive, in the data's units
     * @param steps inner maximisation steps, at least 1 (Zhang et al.: 10)
     * @param alpha step size; null for 2.5·ε/steps
     * @param beta the trade-off β between accuracy and robustness, at least 0 (Zhang et al.: 6)
     * @param seed seed of the random starts
     * @param warmup ramp of ε (and α) over the first epochs
     * @throws org.dlsec.core.DlsecException when a value is out of range
     */
    public Trades(double eps, int steps, Double alpha, double beta, long seed, EpsilonWarmup warmup) {
        DlsecException.require(Double.isFinite(eps) && eps > 0, "eps", "must be > 0, got " + eps);
        DlsecException.require(steps >= 1 && steps <= 1000, "attack steps", "must be in 1..1000, got " + steps);
        DlsecException.require(alpha == null || (alpha > 0 && Double.isFinite(alpha)), "step size", "must be > 0, got " + alpha);
        DlsecException.require(Double.isFinite(beta) && beta >= 0, "beta", "must be finite and >= 0, got " + beta);
        this.eps = eps;
        this.steps = steps;
        this.alpha = alpha == null ? 2.5 * eps / steps : alpha;
        this.beta = beta;
        this.seed = seed;
        this.warmup = warmup == null ? EpsilonWarmup.NONE : warmup;
    }

    /**
     * The inner maximisation of KL(f(x) ‖ f(x')) over the ε-ball.
     *
     * @return the transform; its state counts batches, so use one per training run
     */
    public BatchTransform transform() {
        return new BatchTransform() {
            @Override
            public NDArray apply(DjlClassifier model, NDArray x, NDArray y) {
                return maximiseKl(model, x, y);
            }

            @Override
            public void begin(int perEpoch) {
                batchesPerEpoch = perEpoch;
            }
        };
    }

    private NDArray maximiseKl(DjlClassifier model, NDArray x, NDArray y) {
        long batch = batches.getAndIncrement();
        int n = (int) x.getShape().get(0);
        double f = warmup.factor(batch, batchesPerEpoch);
        try (NDScope s = new NDScope()) {
            s.suppressNotUsedWarning();
            NDArray p = model.predictLogits(x).softmax(1);
            NDArray jitter = Noise.gaussian(x.getManager(), x.getShape(), 0.001, Noise.seeds(Seeds.mix(seed, batch), 0, n));
            NDArray start = model.bounds().clip(x.add(jitter));
            // KL(p ‖ q') = Σ p log p − Σ p log q'; the first term is constant in x', so ascend the second
            LogitObjective kl = logits -> logits.logSoftmax(1).mul(p).sum(new int[] {1}).neg();
            NDArray adv = InnerMaximisation.ascend(model, x, start, kl, eps * f, alpha * f, steps);
            NDScope.unregister(adv);
            return adv;
        }
    }

    /**
     * CE on the clean batch plus β times the mean KL between the clean and the adversarial predictions.
     *
     * @return the loss
     */
    public BatchLoss loss() {
        return (UnaryOperator<NDArray> forward, NDArray clean, NDArray input, NDArray y) -> {
            NDArray zc = forward.apply(clean);
            NDArray za = forward.apply(input);
            NDArray logPc = zc.logSoftmax(1);
            NDArray ce = logPc.mul(y.oneHot((int) zc.getShape().get(1))).sum(new int[] {1}).neg().mean();
            NDArray kl = logPc.exp().mul(logPc.sub(za.logSoftmax(1))).sum(new int[] {1}).mean();
            return new BatchLoss.Output(ce.add(kl.mul((float) beta)), zc);
        };
    }

    /**
     * What the model card records under {@code training.extra}.
     *
     * @return a new mutable map
     */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("adversarial", "trades");
        m.put("paper", "Zhang et al., ICML 2019");
        m.put("eps", eps);
        m.put("norm", "linf");
        m.put("attackSteps", steps);
        m.put("stepSize", alpha);
        m.put("beta", beta);
        m.put("epsWarmupEpochs", warmup.epochs());
        m.put("seed", seed);
        return m;
    }
}
