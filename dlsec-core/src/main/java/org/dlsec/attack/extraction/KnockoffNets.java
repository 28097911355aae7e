package org.dlsec.attack.extraction;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.SoftmaxCrossEntropyLoss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Tensors;
import org.dlsec.data.Dataset;
import org.dlsec.model.Architecture;
import org.dlsec.model.Classifier;
import org.dlsec.model.DjlClassifier;
import org.dlsec.model.Kernels;
import org.dlsec.model.ModelInfo;
import org.dlsec.model.Models;

/**
 * Knockoff Nets (Orekondy, Schiele, Fritz, "Knockoff Nets: Stealing Functionality of Black-Box
 * Models", CVPR 2019): query the target with natural images from another distribution (e.g.
 * Fashion-MNIST for an MNIST model) and train a knockoff on its answers (soft labels when the API
 * releases probabilities; whatever it releases otherwise).
 *
 * <ul>
 *   <li>{@code random}: the queries are a seeded random sample of the query set.</li>
 *   <li>{@code adaptive}: a gradient bandit over the query set's classes (the paper's action space, a
 *   flat hierarchy here) picks which class to draw the next batch from. The reward of a batch is the
 *   paper's sum of certainty (top-1 minus top-2 probability of the target's answer), diversity (mass
 *   of the answer above the running mean answer) and the knockoff's current cross-entropy against
 *   the answer; the knockoff is trained online, one step per batch, to compute that loss. The final
 *   knockoff is then trained from scratch on all answers, as for random.</li>
 * </ul>
 */
public final class KnockoffNets implements ExtractionAttack {
    /**
     * How query images are chosen.
     */
    public enum Strategy {
        /** Query images drawn uniformly at random. */
        RANDOM,
        /** Query images chosen by a gradient bandit over the classes, rewarded by the answers' informativeness. */
        ADAPTIVE;

        /**
         * Reads a strategy's name.
         *
         * @param s {@code random} or {@code adaptive}; case and blanks ignored
         * @return the strategy
         * @throws org.dlsec.core.DlsecException when the name is unknown
         */
        public static Strategy parse(String s) {
            return switch (s.trim().toLowerCase(Locale.ROOT)) {
                case "random" -> RANDOM;
                case "adaptive" -> ADAPTIVE;
                default -> throw new DlsecException("invalid strategy '" + org.dlsec.core.Text.echo(s) + "': expected random or adaptive");
            };
        }
    }

    /**
     * @param strategy random or adaptive
     * @param budget target queries
     * @param arch the knockoff's architecture
     * @param trainer training of the knockoff
     * @param checkpoints query counts (below the budget) at which a knockoff is also trained on the
     *     answers so far and reported, for a fidelity-versus-queries curve
     * @param stepBatch adaptive: queries per bandit step
     * @param bandit adaptive: the bandit's step size
     * @param seed seed of the sampling and the training
     */
    public record Params(Strategy strategy, int budget, Architecture arch, SubstituteTrainer trainer, int[] checkpoints,
            int stepBatch, double bandit, long seed) {
        /**
         * Checks every parameter.
         *
         * @param strategy random or adaptive
         * @param budget target queries
         * @param arch the knockoff's architecture
         * @param trainer training of the knockoff
         * @param checkpoints query counts (below the budget) at which a knockoff is also trained on the
         *        answers so far and reported, for a fidelity-versus-queries curve
         * @param stepBatch adaptive: queries per bandit step
         * @param bandit adaptive: the bandit's step size
         * @param seed seed of the sampling and the training
         * @throws org.dlsec.core.DlsecException when a parameter is out of range; the message names it
         */
        public Params {
            DlsecException.require(strategy != null, "strategy", "must be given");
            DlsecException.require(budget >= 1, "budget", "must be at least 1, got " + budget);
            DlsecException.require(stepBatch >= 1 && stepBatch <= 4096, "step batch", "must be in 1..4096, got " + stepBatch);
            DlsecException.require(Double.isFinite(bandit) && bandit > 0, "bandit step", "must be > 0, got " + bandit);
            checkpoints = checkpoints == null ? new int[0] : checkpoints.clone();
            Arrays.sort(checkpoints);
            for (int c : checkpoints) {
                DlsecException.require(c >= 1 && c < budget, "checkpoints", "must be in 1.." + (budget - 1) + ", got " + c);
            }
        }
    }

    /** The adaptive strategy's default: queries per bandit step. */
    public static final int DEFAULT_STEP_BATCH = 64;
    /** The adaptive strategy's default: the gradient bandit's step size. */
    public static final double DEFAULT_BANDIT_STEP = 0.1;

    /**
     * A builder with the command line's defaults: random sampling, a LeNet-5 knockoff trained for 10 epochs in
     * batches of 64 with Adam at 1e-3, adaptive bandit steps of 64 queries and step size 0.1, seed 0. Only the
     * query budget has no default.
     *
     * <pre>{@code
     * ExtractionAttack knockoff = KnockoffNets.builder(fashionMnist).budget(20_000).build();
     * try (DjlClassifier stolen = knockoff.extract(remote)) { ... }
     * }</pre>
     *
     * @param queryData the attacker's natural images, whose labels are never read
     * @return a builder; {@link Builder#build()} validates every value and names the one that is wrong
     */
    public static Builder builder(Dataset queryData) {
        return new Builder(queryData);
    }

    /** Builds a {@link KnockoffNets} attack one named parameter at a time; not thread-safe. */
    public static final class Builder {
        private final Dataset queryData;
        private Strategy strategy = Strategy.RANDOM;
        private int budget;
        private Architecture arch = Architecture.LENET5;
        private int epochs = 10;
        private int batchSize = 64;
        private double learningRate = 1e-3;
        private int[] checkpoints = new int[0];
        private long seed;

        private Builder(Dataset queryData) {
            DlsecException.require(queryData != null, "query data", "must be given");
            this.queryData = queryData;
        }

        /**
         * Sets target queries the attack may make.
         *
         * @param n target queries the attack may make (at least 1)
         * @return this builder
         */
        public Builder budget(int n) {
            this.budget = n;
            return this;
        }

        /**
         * Adaptive sampling (the paper's gradient bandit over the query set's classes) instead of random.
         *
         * @return this builder
         */
        public Builder adaptive() {
            this.strategy = Strategy.ADAPTIVE;
            return this;
        }

        /**
         * Sets the knockoff's architecture.
         *
         * @param a the knockoff's architecture (default LeNet-5)
         * @return this builder
         */
        public Builder architecture(Architecture a) {
            DlsecException.require(a != null, "architecture", "must be given");
            this.arch = a;
            return this;
        }

        /**
         * @param epochs passes over the transfer set (default 10)
         * @param batchSize mini-batch size (default 64)
         * @param learningRate Adam step size (default 1e-3)
         * @return this builder
         */
        public Builder training(int epochs, int batchSize, double learningRate) {
            this.epochs = epochs;
            this.batchSize = batchSize;
            this.learningRate = learningRate;
            return this;
        }

        /**
         * Sets query counts below the budget at which a knockoff is also trained and reported.
         *
         * @param queryCounts query counts below the budget at which a knockoff is also trained and reported
         * @return this builder
         */
        public Builder checkpoints(int... queryCounts) {
            this.checkpoints = queryCounts.clone();
            return this;
        }

        /**
         * Sets seed of the sampling and the training.
         *
         * @param s seed of the sampling and the training (default 0)
         * @return this builder
         */
        public Builder seed(long s) {
            this.seed = s;
            return this;
        }

        /**
         * @return the attack
         * @throws DlsecException naming the parameter when a value is out of range (a budget of 0 among them)
         */
        public KnockoffNets build() {
            return new KnockoffNets(new Params(strategy, budget, arch, new SubstituteTrainer(epochs, batchSize, learningRate),
                    checkpoints, DEFAULT_STEP_BATCH, DEFAULT_BANDIT_STEP, seed), queryData);
        }
    }

    private final Params p;
    private final Dataset queryData;
    private final boolean labelsOnly;
    private final String name;
    private Checkpoints listener = Checkpoints.NONE;

    /**
     * The attack with {@code params} on the attacker's images.
     *
     * @param params the strategy, budget and substitute
     * @param queryData the attacker's unlabelled natural images
     * @throws org.dlsec.core.DlsecException when {@code queryData} is empty
     */
    public KnockoffNets(Params params, Dataset queryData) {
        this(params, queryData, false, "knockoff-" + params.strategy().name().toLowerCase(Locale.ROOT));
    }

    KnockoffNets(Params params, Dataset queryData, boolean labelsOnly, String name) {
        this.p = params;
        this.queryData = queryData;
        this.labelsOnly = labelsOnly;
        this.name = name;
        DlsecException.require(queryData.size() > 0, "query data", "must not be empty");
    }

    /**
     * Reports a substitute at every checkpoint (and at the end).
     *
     * @param l the listener
     * @return this attack, for chaining
     */
    public KnockoffNets onCheckpoint(Checkpoints l) {
        this.listener = l == null ? Checkpoints.NONE : l;
        return this;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Map<String, Object> parameters() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("strategy", p.strategy().name().toLowerCase(Locale.ROOT));
        m.put("budget", p.budget());
        m.put("arch", p.arch().cliName());
        m.put("epochs", p.trainer().epochs());
        m.put("batchSize", p.trainer().batchSize());
        m.put("learningRate", p.trainer().learningRate());
        m.put("labelsOnly", labelsOnly);
        m.put("queryData", queryData.name() + "/" + queryData.split() + " (" + queryData.size() + ")");
        m.put("seed", p.seed());
        return m;
    }

    @Override
    public DjlClassifier extract(Classifier target) {
        DlsecException.require(queryData.sampleShape().equals(target.inputShape()), "query data",
                "its images have shape " + queryData.sampleShape() + " but the target takes " + target.inputShape());
        SubstituteTrainer.TransferSet set = new SubstituteTrainer.TransferSet(queryData.sampleSize(), target.numClasses());
        if (p.strategy() == Strategy.RANDOM) {
            int[] order = sampleOrder(p.budget());
            Oracle.ask(target, Oracle.pixels(queryData, order), order.length, labelsOnly, set);
        } else {
            adaptive(target, set);
        }
        for (int c : p.checkpoints()) {
            try (DjlClassifier sub = train(target, set, c)) {
                listener.reached(c, sub);
            }
        }
        DjlClassifier sub = train(target, set, set.size());
        listener.reached(set.size(), sub);
        return sub;
    }

    private int[] sampleOrder(int n) {
        int[] perm = queryData.permutation(p.seed());
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = perm[i % perm.length];
        }
        return out;
    }

    private DjlClassifier train(Classifier target, SubstituteTrainer.TransferSet set, int n) {
        DjlClassifier sub = Models.create(p.arch(), target.inputShape(), target.numClasses(), p.seed());
        p.trainer().train(sub, set, n, p.seed());
        DjlClassifier out = new DjlClassifier(sub.model(), target.inputShape(), target.numClasses(), target.bounds(),
                new ModelInfo("dlsec", name + " knockoff of " + target.info().describe() + " (" + n + " queries)",
                        "untrained", p.arch().cliName()), false);
        out.setTrainable(false);
        return out;
    }

    private void adaptive(Classifier target, SubstituteTrainer.TransferSet set) {
        int arms = queryData.numClasses();
        List<List<Integer>> byClass = new ArrayList<>();
        for (int a = 0; a < arms; a++) {
            byClass.add(new ArrayList<>());
        }
        for (int i : queryData.permutation(p.seed())) {
            byClass.get(queryData.label(i)).add(i);
        }
        int[] next = new int[arms];
        double[] h = new double[arms];
        double baseline = 0;
        int k = target.numClasses();
        double[] meanAnswer = new double[k];
        Random rnd = new Random(p.seed() ^ 0x5DEECE66DL);
        int steps = 0;
        DjlClassifier online = Models.create(p.arch(), target.inputShape(), k, p.seed());
        DefaultTrainingConfig cfg = new DefaultTrainingConfig(new SoftmaxCrossEntropyLoss("soft", 1, -1, false, true))
                .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed((float) p.trainer().learningRate())).build());
        try (online; Trainer trainer = online.model().newTrainer(cfg)) {
            while (set.size() < p.budget()) {
                double[] pi = softmax(h);
                int arm = sample(pi, rnd);
                List<Integer> pool = byClass.get(arm);
                if (pool.isEmpty()) {
                    h[arm] = -1e9;
                    continue;
                }
                int n = Math.min(p.stepBatch(), p.budget() - set.size());
                int[] idx = new int[n];
                for (int i = 0; i < n; i++) {
                    idx[i] = pool.get(next[arm]++ % pool.size());
                }
                float[] x = Oracle.pixels(queryData, idx);
                float[] y = Oracle.ask(target, x, n, labelsOnly, set);
                steps++;
                double certainty = 0;
                double diversity = 0;
                for (int i = 0; i < n; i++) {
                    float a1 = 0;
                    float a2 = 0;
                    for (int c = 0; c < k; c++) {
                        float v = y[i * k + c];
                        if (v > a1) {
                            a2 = a1;
                            a1 = v;
                        } else if (v > a2) {
                            a2 = v;
                        }
                        diversity += Math.max(0, v - meanAnswer[c]);
                    }
                    certainty += a1 - a2;
                }
                for (int i = 0; i < n; i++) {
                    for (int c = 0; c < k; c++) {
                        meanAnswer[c] += (y[i * k + c] - meanAnswer[c]) / (set.size() - n + i + 1);
                    }
                }
                double loss;
                online.setTrainable(true);
                try (NDManager m = online.model().getNDManager().newSubManager()) {
                    NDArray xb = Tensors.floats(m, x, new Shape(n).addAll(target.inputShape()));
                    NDArray tb = Tensors.floats(m, y, new Shape(n, k));
                    try (Kernels.Section kernels = Kernels.reference(); GradientCollector gc = trainer.newGradientCollector()) {
                        NDArray logits = trainer.forward(new NDList(xb)).singletonOrThrow();
                        NDArray l = trainer.getLoss().evaluate(new NDList(tb), new NDList(logits));
                        loss = l.getFloat();
                        gc.backward(l);
                    }
                    trainer.step();
                } finally {
                    online.setTrainable(false);
                }
                double reward = (certainty + diversity) / n + loss;
                baseline += (reward - baseline) / steps;
                double adv = reward - baseline;
                for (int a = 0; a < arms; a++) {
                    h[a] += a == arm ? p.bandit() * adv * (1 - pi[a]) : -p.bandit() * adv * pi[a];
                }
            }
        }
    }

    private static double[] softmax(double[] h) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : h) {
            max = Math.max(max, v);
        }
        double[] e = new double[h.length];
        double s = 0;
        for (int i = 0; i < h.length; i++) {
            e[i] = Math.exp(h[i] - max);
            s += e[i];
        }
        for (int i = 0; i < h.length; i++) {
            e[i] /= s;
        }
        return e;
    }

    private static int sample(double[] pi, Random rnd) {
        double u = rnd.nextDouble();
        double c = 0;
        for (int i = 0; i < pi.length; i++) {
            c += pi[i];
            if (u < c) {
                return i;
            }
        }
        return pi.length - 1;
    }
}
