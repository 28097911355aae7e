package org.dlsec.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;
import org.dlsec.core.DlsecException;

/**
 * Intermediate activations of a sequential dlsec network: the output of its first {@code depth}
 * layers (children of the sequential block), in inference mode, flattened per sample. The default
 * depth is {@linkplain #penultimate all but the last layer}: for LeNet-5 the 84 ReLU units before
 * the logits, for the VGG-style net the 256 units before the classifier. These are the
 * "learned representations" that the spectral-signature and activation-clustering detectors of
 * poisoned training data inspect.
 *
 * <p>Uses the model's current weights; holds no native memory of its own.
 */
public final class FeatureExtractor {
    /**
     * Samples {@code from} (inclusive) to {@code to} (exclusive) of a data set as an (n, C, H, W) array
     * attached to {@code manager}: {@code Dataset::images}, without this package depending on the data
     * package.
     */
    @FunctionalInterface
    public interface Inputs {
        /**
         * @param manager the manager the returned array is attached to
         * @param from the first sample, inclusive
         * @param to the last sample, exclusive
         * @return the samples as a new (to − from, sample...) array on {@code manager}
         */
        NDArray images(NDManager manager, int from, int to);
    }

    private final DjlClassifier model;
    private final List<Block> layers;
    private final int depth;

    /**
     * The first {@code depth} layers of {@code model}.
     *
     * @param model a dlsec network (a sequential block); its weights are used as they are at each call
     * @param depth number of leading layers to run (1 .. layer count − 1)
     * @throws DlsecException when the model is not sequential or {@code depth} is out of range
     */
    public FeatureExtractor(DjlClassifier model, int depth) {
        if (!(model.model().getBlock() instanceof SequentialBlock seq)) {
            throw new DlsecException("feature extraction needs a sequential network (a dlsec architecture), not "
                    + model.info().describe());
        }
        List<Block> all = new ArrayList<>();
        for (Pair<String, Block> child : seq.getChildren()) {
            all.add(child.getValue());
        }
        DlsecException.require(depth >= 1 && depth < all.size(), "depth",
                "must be in 1.." + (all.size() - 1) + ", got " + depth);
        this.model = model;
        this.layers = List.copyOf(all.subList(0, depth));
        this.depth = depth;
    }

    /**
     * The activations feeding the last layer (the logits): the penultimate-layer representation.
     *
     * @param model a dlsec network (a sequential block)
     * @return an extractor running all layers but the last
     * @throws DlsecException when the model is not sequential
     */
    public static FeatureExtractor penultimate(DjlClassifier model) {
        if (!(model.model().getBlock() instanceof SequentialBlock seq)) {
            throw new DlsecException("feature extraction needs a sequential network (a dlsec architecture), not "
                    + model.info().describe());
        }
        return new FeatureExtractor(model, seq.getChildren().size() - 1);
    }

    /**
     * The number of leading layers run.
     *
     * @return the depth, at least 1
     */
    public int depth() {
        return depth;
    }

    /**
     * Activations of a batch (n, C, H, W), as an (n, d) array attached to {@code x}'s manager.
     *
     * @param x a batch (n, sample...); not closed
     * @return new activations (n, d) attached to {@code x}'s manager; intermediate arrays are freed
     */
    public NDArray features(NDArray x) {
        NDManager owner = x.getManager();
        try (Kernels.Section kernels = Kernels.reference(); NDManager scope = owner.newSubManager()) {
            ParameterStore ps = new ParameterStore(scope, false);
            NDArray cur = x;
            for (Block b : layers) {
                cur = b.forward(ps, new NDList(cur), false).singletonOrThrow();
                cur.attach(scope);
            }
            NDArray out = cur.reshape(cur.getShape().get(0), -1);
            out.attach(owner);
            return out;
        }
    }

    /**
     * Activations of {@code size} samples, row i for sample i, computed in batches of {@code batchSize}:
     * {@code features(data::images, data.size(), batchSize)} for a whole data set.
     *
     * @param data where the samples come from, e.g. {@code dataset::images}
     * @param size the number of samples, taken from index 0
     * @param batchSize samples per forward pass, at least 1
     * @return one row of d activations per sample, on the Java heap (no native memory is kept)
     * @throws DlsecException when {@code batchSize} is below 1
     */
    public float[][] features(Inputs data, int size, int batchSize) {
        DlsecException.require(batchSize >= 1, "batch size", "must be at least 1, got " + batchSize);
        float[][] out = new float[size][];
        try (NDManager base = model.model().getNDManager().newSubManager()) {
            for (int from = 0; from < size; from += batchSize) {
                int to = Math.min(size, from + batchSize);
                try (NDManager m = base.newSubManager()) {
                    NDArray f = features(data.images(m, from, to));
                    int d = (int) f.getShape().get(1);
                    float[] flat = f.toFloatArray();
                    for (int i = from; i < to; i++) {
                        out[i] = java.util.Arrays.copyOfRange(flat, (i - from) * d, (i - from + 1) * d);
                    }
                }
            }
        }
        return out;
    }
}
