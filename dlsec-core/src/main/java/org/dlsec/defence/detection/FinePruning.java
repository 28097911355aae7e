package org.dlsec.defence.detection;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.stream.IntStream;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Tensors;
import org.dlsec.data.Dataset;
import org.dlsec.metric.Evaluation;
import org.dlsec.model.Classifier;
import org.dlsec.model.DjlClassifier;
import org.dlsec.model.FeatureExtractor;
import org.dlsec.train.ModelTrainer;
import org.dlsec.train.TrainConfig;

/**
 * <b>Fine-pruning</b> — Liu, Dolan-Gavitt, Garg, "Fine-Pruning: Defending Against Backdooring
 * Attacks on Deep Neural Networks", RAID 2018. Removes a backdoor from a trained network with clean
 * data only: the channels of the last convolutional layer that stay dormant on clean inputs are
 * where a backdoor tends to hide, so they are pruned, in increasing order of their mean activation
 * on clean data; then the pruned network is fine-tuned on clean data, which also erases backdoor
 * behaviour carried by the channels that remain.
 *
 * <p>The prune ratio is either given, or found as in the paper by pruning one more channel at a
 * time while the accuracy on the defender's clean data stays within {@code maxAccuracyDrop} of the
 * unpruned model's (the largest such ratio below 1 is kept).
 *
 * <p>A channel is pruned by zeroing its convolution filter and bias (and, when a batch norm follows,
 * its scale and shift), so it outputs exactly 0 before the ReLU. The ReLU's gradient at 0 is 0, so
 * fine-tuning sends no gradient to the pruned weights; the mask is still re-applied after every
 * fine-tuning epoch, and the result records whether the pruned weights were still exactly zero
 * before that. Works on the sequential dlsec architectures (LeNet-5, VGG, Madry); the model is
 * changed in place.
 *
 * @param pruneRatio share of the last conv layer's channels to prune, in [0, 1), or NaN to search for
 *        the largest ratio within {@code maxAccuracyDrop}
 * @param maxAccuracyDrop largest drop of clean accuracy the search accepts, in (0, 1)
 * @param fineTuneEpochs epochs of fine-tuning on the clean data, 0..1000 (0: prune only)
 * @param batchSize fine-tuning batch size
 * @param learningRate fine-tuning learning rate (Adam, cosine decay)
 * @param seed seed of the fine-tuning shuffles
 */
public record FinePruning(double pruneRatio, double maxAccuracyDrop, int fineTuneEpochs, int batchSize, double learningRate,
        long seed) {
    /**
     * The parameters a run records in its JSON (the ratio, or "search" for the largest within the drop).
     *
     * @return a new mutable map, ready for the JSON mapper
     */
    public java.util.Map<String, Object> describe() {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("pruneRatio", Double.isNaN(pruneRatio) ? "search" : pruneRatio);
        m.put("maxAccuracyDrop", maxAccuracyDrop);
        m.put("finetuneEpochs", fineTuneEpochs);
        m.put("finetuneLr", learningRate);
        return m;
    }

    /**
     * The paper the defence implements, as results cite it.
     */
    public static final String PAPER = "Liu, Dolan-Gavitt, Garg, Fine-Pruning: Defending Against Backdooring Attacks on"
            + " Deep Neural Networks, RAID 2018";
    /** Activations and accuracies are computed in batches of this size. */
    public static final int BATCH = 256;

    /**
     * Checks every parameter.
     *
     * @param pruneRatio share of the last conv layer's channels to prune, in [0, 1), or NaN to search for
     *        the largest ratio within {@code maxAccuracyDrop}
     * @param maxAccuracyDrop largest drop of clean accuracy the search accepts, in (0, 1)
     * @param fineTuneEpochs epochs of fine-tuning on the clean data, 0..1000 (0: prune only)
     * @param batchSize fine-tuning batch size
     * @param learningRate fine-tuning learning rate (Adam, cosine decay)
     * @param seed seed of the fine-tuning shuffles
     * @throws org.dlsec.core.DlsecException when a parameter is outside its range; the message names it
     */
    public FinePruning {
        DlsecException.require(Double.isNaN(pruneRatio) || (pruneRatio >= 0 && pruneRatio < 1), "prune ratio",
                "must be in [0, 1), got " + pruneRatio);
        DlsecException.require(Double.isFinite(maxAccuracyDrop) && maxAccuracyDrop > 0 && maxAccuracyDrop < 1,
                "max accuracy drop", "must be in (0, 1), got " + maxAccuracyDrop);
        DlsecException.require(fineTuneEpochs >= 0 && fineTuneEpochs <= 1000, "fine-tune epochs",
                "must be in 0..1000, got " + fineTuneEpochs);
        if (fineTuneEpochs > 0) {
            new TrainConfig(fineTuneEpochs, batchSize, "adam", learningRate, seed, "cosine"); // validates them
        }
    }

    /**
     * Search the ratio within a 4-point drop of clean accuracy, then 3 epochs of Adam 5e-3 (cosine
     * decay), batch 64. (On a small BadNets LeNet, 1e-3 left two thirds of the backdoor in place.)
     *
     * @param seed seed of the fine-tuning
     * @return the defence
     */
    public static FinePruning defaults(long seed) {
        return new FinePruning(Double.NaN, 0.04, 3, 64, 5e-3, seed);
    }

    /** Clean accuracy and attack success of the model at one stage. */
    public record Stage(double cleanAccuracy, double attackSuccessRate) {
        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("cleanAccuracy", cleanAccuracy);
            m.put("attackSuccessRate", Double.isNaN(attackSuccessRate) ? null : attackSuccessRate);
            return m;
        }
    }

    /**
     * @param layer which layer was pruned (index among the network's layers and channel count)
     * @param channels channels of that layer
     * @param pruned the pruned channels, in pruning order
     * @param meanActivation per channel, its mean activation on the clean data
     * @param cleanDataAccuracy accuracy on the defender's clean data: unpruned, then pruned
     * @param prunedStayedZero whether the pruned weights were still exactly zero after fine-tuning
     */
    public record Result(FinePruning params, String layer, int channels, int[] pruned, double[] meanActivation,
            double[] cleanDataAccuracy, Stage before, Stage afterPruning, Stage afterFineTuning, boolean prunedStayedZero,
            int cleanSamples, int testSamples, double seconds) {
        /**
         * The share of the layer's channels pruned.
         *
         * @return pruned / channels
         */
        public double prunedRatio() {
            return (double) pruned.length / channels;
        }

        /**
         * The figures as results record them.
         *
         * @return a new mutable map, ready for the JSON mapper
         */
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("detector", "fineprune");
            m.put("paper", PAPER);
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("pruneRatio", Double.isNaN(params.pruneRatio()) ? "search" : params.pruneRatio());
            p.put("maxAccuracyDrop", params.maxAccuracyDrop());
            p.put("fineTuneEpochs", params.fineTuneEpochs());
            p.put("batchSize", params.batchSize());
            p.put("learningRate", params.learningRate());
            p.put("seed", params.seed());
            m.put("parameters", p);
            m.put("layer", layer);
            m.put("channels", channels);
            m.put("prunedChannels", pruned);
            m.put("pruneRatio", prunedRatio());
            m.put("meanActivation", meanActivation);
            m.put("cleanDataAccuracy", Map.of("unpruned", cleanDataAccuracy[0], "pruned", cleanDataAccuracy[1]));
            m.put("cleanSamples", cleanSamples);
            m.put("testSamples", testSamples);
            m.put("beforePruning", before.toMap());
            m.put("afterPruning", afterPruning.toMap());
            m.put("afterFineTuning", afterFineTuning.toMap());
            m.put("cleanAccuracy", afterFineTuning.cleanAccuracy());
            m.put("attackSuccessRate", Double.isNaN(afterFineTuning.attackSuccessRate()) ? null
                    : afterFineTuning.attackSuccessRate());
            m.put("prunedStayedZero", prunedStayedZero);
            m.put("seconds", seconds);
            return m;
        }
    }

    /**
     * Fine-prunes {@code model} in place.
     *
     * @param model the victim; its weights are changed in place (pruned channels zeroed, then fine-tuned)
     * @param clean the defender's clean data: activations, the accuracy the search watches, and fine-tuning
     * @param test clean data the stages are scored on (disjoint from {@code clean})
     * @param attackSuccess the backdoor's success on a model, or null when unknown (then NaN is reported)
     * @param progress whether to show progress bars on stderr
     * @return the pruned layer and the accuracy and attack success at each stage
     * @throws org.dlsec.core.DlsecException when the model is not a sequential dlsec network
     */
    public Result apply(DjlClassifier model, Dataset clean, Dataset test, ToDoubleFunction<Classifier> attackSuccess,
            boolean progress) {
        DlsecException.require(clean.size() > 0, "clean data", "fine-pruning needs clean images");
        DlsecException.require(clean.sampleShape().equals(model.inputShape()), "clean data", "shape " + clean.sampleShape()
                + " does not match the model's input " + model.inputShape());
        long t0 = System.nanoTime();
        ConvLayer conv = ConvLayer.last(model);
        double[] act = meanActivation(model, conv, clean);
        int f = act.length;
        Integer[] order = IntStream.range(0, f).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.<Integer>comparingDouble(c -> act[c]).thenComparingInt(c -> c));
        Stage before = stage(model, test, attackSuccess);
        double base = Evaluation.accuracy(model, clean);
        int k;
        double acc;
        if (Double.isNaN(pruneRatio)) {
            k = 0;
            acc = base;
            for (int j = 1; j < f; j++) {
                conv.mask(prefix(order, j));
                double a = Evaluation.accuracy(model, clean);
                if (a < base - maxAccuracyDrop) {
                    break;
                }
                k = j;
                acc = a;
            }
            conv.mask(prefix(order, k));
        } else {
            k = (int) Math.floor(pruneRatio * f);
            conv.mask(prefix(order, k));
            acc = Evaluation.accuracy(model, clean);
        }
        int[] pruned = prefix(order, k);
        Stage afterPruning = stage(model, test, attackSuccess);
        boolean stayedZero = true;
        if (fineTuneEpochs > 0) {
            TrainConfig cfg = new TrainConfig(fineTuneEpochs, batchSize, "adam", learningRate, seed, "cosine");
            boolean[] zero = {true};
            new ModelTrainer(cfg, null, rec -> {
                zero[0] &= conv.isZero(pruned);
                conv.zero(pruned);
            }, progress).train(model, clean, null, null, Map.of());
            stayedZero = zero[0];
        }
        conv.zero(pruned);
        Stage afterFineTuning = fineTuneEpochs > 0 ? stage(model, test, attackSuccess) : afterPruning;
        return new Result(this, conv.describe(), f, pruned, act, new double[] {base, acc}, before, afterPruning, afterFineTuning,
                stayedZero, clean.size(), test.size(), (System.nanoTime() - t0) / 1e9);
    }

    private static int[] prefix(Integer[] order, int k) {
        int[] out = new int[k];
        for (int i = 0; i < k; i++) {
            out[i] = order[i];
        }
        return out;
    }

    private static Stage stage(DjlClassifier model, Dataset test, ToDoubleFunction<Classifier> attackSuccess) {
        return new Stage(Evaluation.accuracy(model, test), attackSuccess == null ? Double.NaN : attackSuccess.applyAsDouble(model));
    }

    /** Mean over clean images and positions of each channel's activation after the last conv layer's ReLU. */
    static double[] meanActivation(DjlClassifier model, ConvLayer conv, Dataset clean) {
        FeatureExtractor fx = new FeatureExtractor(model, conv.activationDepth());
        double[] sum = new double[conv.channels()];
        long positions = 0;
        try (NDManager base = model.model().getNDManager().newSubManager()) {
            for (int from = 0; from < clean.size(); from += BATCH) {
                int to = Math.min(clean.size(), from + BATCH);
                try (NDManager m = base.newSubManager()) {
                    NDArray a = fx.features(clean.images(m, from, to));
                    NDArray perChannel = a.reshape(to - from, conv.channels(), -1);
                    positions += (to - from) * perChannel.getShape().get(2);
                    float[] s = perChannel.sum(new int[] {0, 2}).toFloatArray();
                    for (int c = 0; c < s.length; c++) {
                        sum[c] += s[c];
                    }
                }
            }
        }
        for (int c = 0; c < sum.length; c++) {
            sum[c] /= positions;
        }
        return sum;
    }

    /** The last convolution of a sequential dlsec network, its batch norm if one follows, and their original weights. */
    static final class ConvLayer {
        private final int index;
        private final int activationDepth;
        private final int channels;
        private final List<Parameter> params = new ArrayList<>();
        private final List<float[]> originals = new ArrayList<>();

        private ConvLayer(int index, int activationDepth, int channels, List<Parameter> ps) {
            this.index = index;
            this.activationDepth = activationDepth;
            this.channels = channels;
            for (Parameter p : ps) {
                params.add(p);
                originals.add(p.getArray().toFloatArray());
            }
        }

        static ConvLayer last(DjlClassifier model) {
            if (!(model.model().getBlock() instanceof SequentialBlock seq)) {
                throw new DlsecException("fine-pruning needs a sequential dlsec network, not " + model.info().describe());
            }
            List<Block> layers = new ArrayList<>();
            for (Pair<String, Block> child : seq.getChildren()) {
                layers.add(child.getValue());
            }
            int conv = -1;
            for (int i = 0; i < layers.size(); i++) {
                if (layers.get(i) instanceof Conv2d) {
                    conv = i;
                }
            }
            if (conv < 0) {
                throw new DlsecException("fine-pruning needs a convolutional network: " + model.info().describe()
                        + " has no convolution layer");
            }
            List<Parameter> ps = new ArrayList<>();
            for (Pair<String, Parameter> p : layers.get(conv).getDirectParameters()) {
                ps.add(p.getValue());
            }
            int next = conv + 1;
            if (next < layers.size() && layers.get(next) instanceof BatchNorm) {
                for (Pair<String, Parameter> p : layers.get(next).getDirectParameters()) {
                    Parameter.Type t = p.getValue().getType();
                    if (t == Parameter.Type.GAMMA || t == Parameter.Type.BETA) {
                        ps.add(p.getValue());
                    }
                }
                next++;
            }
            if (next >= layers.size() || !(layers.get(next) instanceof LambdaBlock)) {
                throw new DlsecException("fine-pruning expects an activation after the last convolution of "
                        + model.info().describe());
            }
            int ch = (int) ps.get(0).getArray().getShape().get(0);
            for (Parameter p : ps) {
                if (p.getArray().getShape().get(0) != ch) {
                    throw new DlsecException("unexpected parameter shape " + p.getArray().getShape() + " in the last convolution");
                }
            }
            return new ConvLayer(conv, next + 1, ch, ps);
        }

        int channels() {
            return channels;
        }

        int activationDepth() {
            return activationDepth;
        }

        String describe() {
            return "layer " + (index + 1) + " (last convolution, " + channels + " channels)";
        }

        /** Restores the original weights, with the channels in {@code pruned} zeroed. */
        void mask(int[] pruned) {
            for (int k = 0; k < params.size(); k++) {
                float[] w = originals.get(k).clone();
                int per = w.length / channels;
                for (int c : pruned) {
                    Arrays.fill(w, c * per, (c + 1) * per, 0f);
                }
                Tensors.overwrite(params.get(k).getArray(), w);
            }
        }

        /** Zeroes the channels in {@code pruned} of the current weights, leaving the others as they are. */
        void zero(int[] pruned) {
            for (Parameter p : params) {
                float[] w = p.getArray().toFloatArray();
                int per = w.length / channels;
                for (int c : pruned) {
                    Arrays.fill(w, c * per, (c + 1) * per, 0f);
                }
                Tensors.overwrite(p.getArray(), w);
            }
        }

        /** Whether every weight of the channels in {@code pruned} is exactly zero. */
        boolean isZero(int[] pruned) {
            for (Parameter p : params) {
                float[] w = p.getArray().toFloatArray();
                int per = w.length / channels;
                for (int c : pruned) {
                    for (int i = c * per; i < (c + 1) * per; i++) {
                        if (w[i] != 0f) {
                            return false;
                        }
                    }
                }
            }
            return true;
        }
    }
}
