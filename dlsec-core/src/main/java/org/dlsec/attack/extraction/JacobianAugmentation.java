package org.dlsec.attack.extraction;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Tensors;
import org.dlsec.data.Dataset;
import org.dlsec.model.Architecture;
import org.dlsec.model.Classifier;
import org.dlsec.model.DjlClassifier;
import org.dlsec.model.Engines;
import org.dlsec.model.Gradient;
import org.dlsec.model.ModelInfo;
import org.dlsec.model.Models;

/**
 * Substitute training with Jacobian-based dataset augmentation (Papernot, McDaniel, Goodfellow, Jha,
 * Celik, Swami, "Practical Black-Box Attacks against Machine Learning", AsiaCCS 2017, Algorithm 1
 * and §5 "reservoir sampling").
 *
 * <p>Starting from a small seed set S_0 from the problem domain, each substitute epoch ρ labels the
 * new inputs with the target's top-1 answers, trains the substitute F on all labelled inputs, and
 * augments: S_{ρ+1} = S_ρ ∪ {x + λ_ρ · sign(∂F_{O(x)}(x)/∂x)}, where O(x) is the target's label of x
 * and λ_ρ = λ·(−1)^⌊ρ/τ⌋ (periodic step size). From round σ on, only κ inputs of S_ρ, drawn by
 * reservoir sampling, are augmented, so the query count grows linearly instead of doubling.
 */
public final class JacobianAugmentation implements ExtractionAttack {
    /**
     * @param rounds substitute epochs ρ (labelling + training rounds)
     * @param lambda step λ of the augmentation
     * @param tau period of the step-size sign flip (0 = never flip)
     * @param sigma first round that uses reservoir sampling
     * @param kappa inputs augmented per round from round σ on
     * @param arch the substitute's architecture
     * @param trainer training per round
     * @param seed seed of the reservoir and the training
     */
    public record Params(int rounds, double lambda, int tau, int sigma, int kappa, Architecture arch,
            SubstituteTrainer trainer, long seed) {
        /**
         * Checks every parameter.
         *
         * @param rounds substitute epochs ρ (labelling + training rounds)
         * @param lambda step λ of the augmentation
         * @param tau period of the step-size sign flip (0 = never flip)
         * @param sigma first round that uses reservoir sampling
         * @param kappa inputs augmented per round from round σ on
         * @param arch the substitute's architecture
         * @param trainer training per round
         * @param seed seed of the reservoir and the training
         * @throws org.dlsec.core.DlsecException when a parameter is out of range; the message names it
         */
        public Params {
            DlsecException.require(rounds >= 1 && rounds <= 50, "rounds", "must be in 1..50, got " + rounds);
            DlsecException.require(Double.isFinite(lambda) && lambda > 0 && lambda <= 1, "lambda", "must be in (0, 1], got " + lambda);
            DlsecException.require(tau >= 0, "tau", "must be >= 0, got " + tau);
            DlsecException.require(sigma >= 0, "sigma", "must be >= 0, got " + sigma);
            DlsecException.require(kappa >= 1, "kappa", "must be >= 1, got " + kappa);
        }

        /**
         * The paper's MNIST settings: 6 rounds, λ = 0.1, τ = 3, reservoir from round 3 with κ = 400, 10 epochs.
         *
         * @param arch the substitute's architecture
         * @param seed seed of the reservoir and the training
         * @return the parameters
         */
        public static Params paper(Architecture arch, long seed) {
            return new Params(6, 0.1, 3, 3, 400, arch, new SubstituteTrainer(10, 32, 1e-3), seed);
        }
    }

    private final Params p;
    private final Dataset seedSet;
    private final int budget;
    private Checkpoints listener = Checkpoints.NONE;

    /**
     * @param params the rounds, step and reservoir
     * @param seedSet the attacker's initial inputs (their labels are not used: the target labels them)
     * @param budget stop augmenting before the queries would exceed this (0 = no limit)
     */
    public JacobianAugmentation(Params params, Dataset seedSet, int budget) {
        DlsecException.require(seedSet.size() >= 1, "seed set", "must not be empty");
        DlsecException.require(budget == 0 || budget >= seedSet.size(), "budget",
                "must cover the " + seedSet.size() + " seed inputs, got " + budget);
        this.p = params;
        this.seedSet = seedSet;
        this.budget = budget;
    }

    /**
     * Reports a substitute after every round.
     *
     * @param l the listener
     * @return this attack, for chaining
     */
    public JacobianAugmentation onCheckpoint(Checkpoints l) {
        this.listener = l == null ? Checkpoints.NONE : l;
        return this;
    }

    @Override
    public String name() {
        return "jacobian";
    }

    @Override
    public Map<String, Object> parameters() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("seedSet", seedSet.size());
        m.put("rounds", p.rounds());
        m.put("lambda", p.lambda());
        m.put("tau", p.tau());
        m.put("sigma", p.sigma());
        m.put("kappa", p.kappa());
        m.put("budget", budget);
        m.put("arch", p.arch().cliName());
        m.put("epochs", p.trainer().epochs());
        m.put("seed", p.seed());
        return m;
    }

    @Override
    public DjlClassifier extract(Classifier target) {
        DlsecException.require(seedSet.sampleShape().equals(target.inputShape()), "seed set",
                "its images have shape " + seedSet.sampleShape() + " but the target takes " + target.inputShape());
        Shape shape = target.inputShape();
        int d = (int) shape.size();
        int k = target.numClasses();
        org.dlsec.model.Bounds bounds = target.bounds();
        SubstituteTrainer.TransferSet set = new SubstituteTrainer.TransferSet(d, k);
        DjlClassifier sub = Models.create(p.arch(), shape, k, p.seed());
        DjlClassifier out = new DjlClassifier(sub.model(), shape, k, target.bounds(), new ModelInfo("dlsec",
                "Jacobian-augmentation substitute of " + target.info().describe(), "untrained", p.arch().cliName()), false);
        Random reservoir = new Random(p.seed());
        int[] all = new int[seedSet.size()];
        java.util.Arrays.setAll(all, i -> i);
        float[] fresh = Oracle.pixels(seedSet, all);
        int freshCount = seedSet.size();
        for (int rho = 0; rho < p.rounds(); rho++) {
            Oracle.ask(target, fresh, freshCount, true, set);
            p.trainer().train(out, set, -1, p.seed() + rho);
            listener.reached(set.size(), out);
            if (rho == p.rounds() - 1) {
                break;
            }
            int[] chosen = rho < p.sigma() ? range(set.size()) : reservoir(set.size(), p.kappa(), reservoir);
            if (budget > 0) {
                int room = budget - set.size();
                if (room <= 0) {
                    break;
                }
                if (chosen.length > room) {
                    chosen = java.util.Arrays.copyOf(chosen, room);
                }
            }
            double step = p.tau() > 0 && (rho / p.tau()) % 2 == 1 ? -p.lambda() : p.lambda();
            fresh = augment(out, set, chosen, shape, step, bounds);
            freshCount = chosen.length;
        }
        return out;
    }

    private static int[] range(int n) {
        int[] r = new int[n];
        java.util.Arrays.setAll(r, i -> i);
        return r;
    }

    /** Algorithm R: a uniform sample of {@code kappa} of 0..n-1 in one pass. */
    static int[] reservoir(int n, int kappa, Random rnd) {
        if (n <= kappa) {
            return range(n);
        }
        int[] r = range(kappa);
        for (int i = kappa; i < n; i++) {
            int j = rnd.nextInt(i + 1);
            if (j < kappa) {
                r[j] = i;
            }
        }
        java.util.Arrays.sort(r);
        return r;
    }

    /** x + step·sign(∂F_{O(x)}/∂x) for the chosen inputs, clipped to the bounds. */
    private static float[] augment(DjlClassifier sub, SubstituteTrainer.TransferSet set, int[] chosen, Shape shape,
            double step, org.dlsec.model.Bounds bounds) {
        int d = (int) shape.size();
        float[] out = new float[chosen.length * d];
        List<Integer> order = new ArrayList<>();
        for (int c : chosen) {
            order.add(c);
        }
        try (NDManager root = Engines.newManager()) {
            for (int from = 0; from < chosen.length; from += Oracle.BATCH) {
                int to = Math.min(chosen.length, from + Oracle.BATCH);
                float[] x = new float[(to - from) * d];
                long[] y = new long[to - from];
                for (int i = from; i < to; i++) {
                    System.arraycopy(set.input(order.get(i)), 0, x, (i - from) * d, d);
                    y[i - from] = set.hardLabel(order.get(i));
                }
                try (NDManager m = root.newSubManager()) {
                    NDArray xb = Tensors.floats(m, x, new Shape(to - from).addAll(shape));
                    NDArray yb = Tensors.longs(m, y);
                    Gradient g = sub.gradient(xb, logits -> logits.mul(yb.oneHot((int) logits.getShape().get(1))).sum(new int[] {1}));
                    float[] sign = g.grad().sign().toFloatArray();
                    for (int i = 0; i < x.length; i++) {
                        out[from * d + i] = bounds.clamp(i % d, x[i] + step * sign[i]);
                    }
                }
            }
        }
        return out;
    }
}
