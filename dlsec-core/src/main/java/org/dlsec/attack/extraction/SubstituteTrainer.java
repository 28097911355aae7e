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
import java.util.Random;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Tensors;
import org.dlsec.data.Dataset;
import org.dlsec.model.DjlClassifier;
import org.dlsec.model.Engines;
import org.dlsec.model.Kernels;

/**
 * Trains a substitute on what the target answered: inputs with probability vectors (soft labels,
 * cross-entropy against the distribution) or one-hot labels. Seeded mini-batch Adam; each batch in
 * its own NDManager scope.
 *
 * @param epochs passes over the transfer set per call
 * @param batchSize mini-batch size
 * @param learningRate Adam step size
 */
public record SubstituteTrainer(int epochs, int batchSize, double learningRate) {
    /**
     * Checks every parameter.
     *
     * @param epochs passes over the transfer set per call
     * @param batchSize mini-batch size
     * @param learningRate Adam step size
     * @throws org.dlsec.core.DlsecException when a parameter is out of range; the message names it
     */
    public SubstituteTrainer {
        DlsecException.require(epochs >= 1 && epochs <= 1000, "substitute epochs", "must be in 1..1000, got " + epochs);
        DlsecException.require(batchSize >= 1 && batchSize <= 4096, "substitute batch size", "must be in 1..4096, got " + batchSize);
        DlsecException.require(learningRate > 0 && learningRate <= 1, "substitute learning rate", "must be in (0, 1], got " + learningRate);
    }

    /** A growing transfer set: inputs (n·d) and target distributions (n·K). */
    public static final class TransferSet {
        private final int d;
        private final int k;
        private float[] x;
        private float[] t;
        private int n;

        /**
         * An empty transfer set.
         *
         * @param d values per input
         * @param k classes
         */
        public TransferSet(int d, int k) {
            this.d = d;
            this.k = k;
            this.x = new float[d * 64];
            this.t = new float[k * 64];
        }

        /**
         * Adds samples with soft targets.
         *
         * @param inputs {@code count} inputs of d values, one after the other
         * @param targets {@code count} distributions of K values
         * @param count the number of samples
         */
        public void add(float[] inputs, float[] targets, int count) {
            while ((long) (n + count) * d > x.length) {
                x = java.util.Arrays.copyOf(x, x.length * 2);
                t = java.util.Arrays.copyOf(t, t.length * 2);
            }
            System.arraycopy(inputs, 0, x, n * d, count * d);
            System.arraycopy(targets, 0, t, n * k, count * k);
            n += count;
        }

        /**
         * Adds samples with one-hot targets.
         *
         * @param inputs the inputs, d values each
         * @param labels one class per input
         */
        public void addLabels(float[] inputs, long[] labels) {
            float[] oneHot = new float[labels.length * k];
            for (int i = 0; i < labels.length; i++) {
                oneHot[i * k + (int) labels[i]] = 1f;
            }
            add(inputs, oneHot, labels.length);
        }

        /**
         * The number of samples.
         *
         * @return n
         */
        public int size() {
            return n;
        }

        /**
         * Values per input.
         *
         * @return d
         */
        public int dim() {
            return d;
        }

        /**
         * Input {@code i}.
         *
         * @param i the sample, 0 to n−1
         * @return a copy of its d values
         */
        public float[] input(int i) {
            return java.util.Arrays.copyOfRange(x, i * d, (i + 1) * d);
        }

        /**
         * The most probable class of sample {@code i}'s target.
         *
         * @param i the sample, 0 to n−1
         * @return the class
         */
        public int hardLabel(int i) {
            int best = 0;
            for (int j = 1; j < k; j++) {
                if (t[i * k + j] > t[i * k + best]) {
                    best = j;
                }
            }
            return best;
        }

        /**
         * The first {@code m} samples as a labelled dataset (hard labels), e.g. for evaluation.
         *
         * @param sampleShape the inputs' sample shape
         * @param name the dataset's name
         * @return a new in-memory dataset
         */
        public Dataset toDataset(Shape sampleShape, String name) {
            int[] y = new int[n];
            for (int i = 0; i < n; i++) {
                y[i] = hardLabel(i);
            }
            return new Dataset(name, "transfer", (int) sampleShape.get(0), (int) sampleShape.get(1),
                    (int) sampleShape.get(2), k, java.util.Arrays.copyOf(x, n * d), y, null, null, name);
        }

        NDArray inputs(NDManager m, int[] idx, Shape sampleShape) {
            float[] b = new float[idx.length * d];
            for (int i = 0; i < idx.length; i++) {
                System.arraycopy(x, idx[i] * d, b, i * d, d);
            }
            return Tensors.floats(m, b, new Shape(idx.length).addAll(sampleShape));
        }

        NDArray targets(NDManager m, int[] idx) {
            float[] b = new float[idx.length * k];
            for (int i = 0; i < idx.length; i++) {
                System.arraycopy(t, idx[i] * k, b, i * k, k);
            }
            return Tensors.floats(m, b, new Shape(idx.length, k));
        }
    }

    /**
     * Trains {@code model} in place on the first {@code limit} samples of {@code set} (all when limit &lt; 0).
     *
     * @param model the substitute; its weights are updated
     * @param set the transfer set
     * @param limit samples used, from the first; negative for all
     * @param seed seed of the shuffling
     */
    public void train(DjlClassifier model, TransferSet set, int limit, long seed) {
        int n = limit < 0 ? set.size() : Math.min(limit, set.size());
        if (n == 0) {
            return;
        }
        Engines.seed(seed);
        Random shuffle = new Random(seed);
        DefaultTrainingConfig cfg = new DefaultTrainingConfig(new SoftmaxCrossEntropyLoss("soft", 1, -1, false, true))
                .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed((float) learningRate)).build());
        try (Trainer trainer = model.model().newTrainer(cfg)) {
            model.setTrainable(true);
            for (int e = 0; e < epochs; e++) {
                int[] perm = Dataset.permutation(n, shuffle);
                for (int from = 0; from < n; from += batchSize) {
                    int[] idx = java.util.Arrays.copyOfRange(perm, from, Math.min(n, from + batchSize));
                    try (NDManager m = model.model().getNDManager().newSubManager()) {
                        NDArray xb = set.inputs(m, idx, model.inputShape());
                        NDArray tb = set.targets(m, idx);
                        try (Kernels.Section kernels = Kernels.reference(); GradientCollector gc = trainer.newGradientCollector()) {
                            NDArray logits = trainer.forward(new NDList(xb)).singletonOrThrow();
                            NDArray loss = trainer.getLoss().evaluate(new NDList(tb), new NDList(logits));
                            gc.backward(loss);
                        }
                        trainer.step();
                    }
                }
            }
        } finally {
            model.setTrainable(false);
        }
    }
}
