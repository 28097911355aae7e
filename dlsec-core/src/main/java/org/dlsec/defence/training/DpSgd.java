package org.dlsec.defence.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.Trainer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.dlsec.core.Tensors;
import org.dlsec.core.DlsecException;
import org.dlsec.train.BatchLoss;
import org.dlsec.train.GradientStep;

/**
 * DP-SGD (Abadi, Chu, Goodfellow, McMahan, Mironov, Talwar, Zhang, "Deep Learning with Differential
 * Privacy", CCS 2016, Algorithm 1) as a {@link GradientStep} of dlsec's training loop: every update
 * draws its batch by Poisson sampling (each training example independently with probability
 * q = batch size / n), computes each example's gradient, scales it down to L2 norm at most
 * {@code clip}, sums, adds Gaussian noise of standard deviation {@code noise × clip} to every
 * coordinate and divides by the expected batch size; the optimiser then applies that gradient.
 * {@link RdpAccountant} turns (q, noise, updates) into (ε, δ) after every epoch.
 *
 * <p>Per-example gradients are taken with one backward pass per example (micro-batches of one),
 * which is exact for any architecture, including batch-norm free nets such as LeNet-5; nets with
 * batch norm would see batches of one and should not be trained this way. The noise comes from the
 * engine's generator, which {@link org.dlsec.train.ModelTrainer} seeds.
 *
 * <p>An example whose loss or gradient is not finite is left out of its update's sum (recorded as a
 * numerical issue and counted): its contribution is then 0, within the clipping bound, so the
 * accountant's guarantee still holds. The training loop handles a whole update that goes non-finite.
 */
public final class DpSgd implements GradientStep {
    /**
     * @param noise noise multiplier σ (> 0)
     * @param clip per-example L2 clipping norm C (> 0)
     * @param delta δ of the reported (ε, δ) (in (0, 1))
     */
    public record Params(double noise, double clip, double delta) {
        /**
         * Checks the parameters.
         *
         * @param noise noise multiplier σ (> 0)
         * @param clip per-example L2 clipping norm C (> 0)
         * @param delta δ of the reported (ε, δ) (in (0, 1))
         * @throws org.dlsec.core.DlsecException when a value is outside the range given above
         */
        public Params {
            DlsecException.require(noise > 0 && Double.isFinite(noise), "noise", "must be positive, got " + noise);
            DlsecException.require(clip > 0 && Double.isFinite(clip), "clip", "must be positive, got " + clip);
            DlsecException.require(delta > 0 && delta < 1, "delta", "must be in (0, 1), got " + delta);
        }
    }

    /** The privacy spent after one epoch. */
    public record EpochBudget(int epoch, long steps, double epsilon, double delta, int order) {}

    private final Params config;
    private Boolean vectorised;
    private final int trainSize;
    private final int batchSize;
    private final double q;
    private long steps;
    private long skippedExamples;
    private final List<EpochBudget> budgets = new ArrayList<>();
    private final List<org.dlsec.core.NumericalIssue> issues = new ArrayList<>();

    /**
     * @param params the noise multiplier, clipping norm and δ
     * @param trainSize n, the number of training examples
     * @param batchSize the expected batch size (q = batchSize / n)
     * @throws org.dlsec.core.DlsecException when the training set is empty or the batch size is out of range
     */
    public DpSgd(Params params, int trainSize, int batchSize) {
        DlsecException.require(trainSize > 0, "training set", "must not be empty");
        DlsecException.require(batchSize >= 1 && batchSize <= trainSize, "batch size", "must be in 1.." + trainSize
                + ", got " + batchSize);
        this.config = params;
        this.trainSize = trainSize;
        this.batchSize = batchSize;
        this.q = (double) batchSize / trainSize;
    }

    /**
     * The sampling rate q = batchSize / n.
     *
     * @return q, in (0, 1]
     */
    public double samplingRate() {
        return q;
    }

    /**
     * The number of noisy updates made so far.
     *
     * @return the steps
     */
    public long steps() {
        return steps;
    }

    /**
     * The (ε, δ) spent so far.
     *
     * @return the guarantee of the RDP accountant for the steps made so far
     */
    public RdpAccountant.Guarantee spent() {
        return RdpAccountant.epsilon(q, config.noise(), steps, config.delta());
    }

    /**
     * The privacy spent after each finished epoch.
     *
     * @return an immutable copy, in epoch order
     */
    public List<EpochBudget> budgets() {
        return List.copyOf(budgets);
    }

    /** Poisson sampling: round(1/q) updates per epoch, each example in each batch with probability q. */
    @Override
    public int[][] batches(int n, int ignoredBatchSize, Random rnd) {
        DlsecException.require(n == trainSize, "training set", "DP-SGD was set up for " + trainSize + " examples, got " + n);
        int updates = (int) Math.max(1, Math.round(1 / q));
        int[][] out = new int[updates][];
        int[] buf = new int[n];
        for (int u = 0; u < updates; u++) {
            int k = 0;
            for (int i = 0; i < n; i++) {
                if (rnd.nextDouble() < q) {
                    buf[k++] = i;
                }
            }
            out[u] = java.util.Arrays.copyOf(buf, k);
        }
        return out;
    }

    @Override
    public BatchLoss.Output compute(Trainer trainer, NDArray x, NDArray y) {
        NDManager m = x.getManager();
        List<Parameter> params = PerExampleGradients.trainable(trainer.getModel().getBlock());
        int b = (int) x.getShape().get(0);
        PerExampleGradients.Clipped c;
        if (b == 0) {
            List<NDArray> zeros = new ArrayList<>();
            for (Parameter p : params) {
                zeros.add(m.zeros(p.getArray().getShape()));
            }
            c = new PerExampleGradients.Clipped(zeros, 0, null, new float[0]);
        } else if (vectorised == null ? (vectorised = PerExampleGradients.supports(trainer.getModel().getBlock())) : vectorised) {
            c = PerExampleGradients.vectorised(trainer, x, y, config.clip());
        } else {
            c = PerExampleGradients.loop(trainer, x, y, config.clip());
        }
        if (c.skipped().length > 0) {
            skippedExamples += c.skipped().length;
            issues.add(new org.dlsec.core.NumericalIssue("dp-sgd", "update " + (steps + 1), (int) steps,
                    "non-finite loss or gradient for " + c.skipped().length + " of " + b + " examples",
                    "left them out of the clipped sum (their contribution 0 is within the clip norm)"));
        }
        float denom = batchSize; // the expected batch size: the denominator must not depend on the data
        PerExampleGradients.touch(trainer, params);
        List<NDArray> grads = PerExampleGradients.gradients(params);
        for (int k = 0; k < params.size(); k++) {
            NDArray g = grads.get(k);
            NDArray noisy = c.sums().get(k).add(m.randomNormal(0f, (float) (config.noise() * config.clip()), g.getShape(),
                    g.getDataType())).div(denom);
            g.subi(g).addi(noisy);
            g.close();
        }
        steps++;
        return new BatchLoss.Output(Tensors.scalar(m, (float) c.meanLoss()), c.logits());
    }

    /**
     * Examples left out of their update because their loss or gradient was not finite.
     *
     * @return the count
     */
    public long skippedExamples() {
        return skippedExamples;
    }

    /**
     * The non-finite examples met so far, one record per update that had some.
     *
     * @return an immutable copy
     */
    public List<org.dlsec.core.NumericalIssue> numericalIssues() {
        return List.copyOf(issues);
    }

    /**
     * Whether the per-example gradients are taken in one batched pass (true) or one pass per example.
     *
     * @return true for one batched pass
     */
    public boolean isVectorised() {
        return Boolean.TRUE.equals(vectorised);
    }

    @Override
    public void epochDone(int epoch) {
        RdpAccountant.Guarantee g = spent();
        budgets.add(new EpochBudget(epoch, steps, g.epsilon(), g.delta(), g.order()));
    }

    @Override
    public String epochNote() {
        RdpAccountant.Guarantee g = spent();
        return String.format("  eps %.3f (delta %s)", g.epsilon(), g.delta());
    }

    /** What a model card records about the run. */
    @Override
    public Map<String, Object> record() {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("method", "DP-SGD (Abadi et al. 2016), Poisson sampling, per-example clipping");
        r.put("noiseMultiplier", config.noise());
        r.put("clip", config.clip());
        r.put("delta", config.delta());
        r.put("samplingRate", q);
        r.put("expectedBatchSize", batchSize);
        r.put("steps", steps);
        r.put("epsilon", spent().epsilon());
        r.put("perExampleGradients", isVectorised() ? "vectorised (replicated weights)" : "one pass per example");
        r.put("accountant", "RDP of the sampled Gaussian mechanism, integer orders 2..256");
        r.put("perEpoch", budgets());
        if (!issues.isEmpty()) {
            r.put("skippedExamples", skippedExamples);
            r.put("numericalIssues", numericalIssues());
        }
        return r;
    }
}
