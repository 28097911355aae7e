package org.dlsec.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * The port every attack, defence and metric uses: a classifier over float32 samples of any shape —
 * images in (C, H, W) layout, flat feature vectors (d) of a tabular model, or any other rank ≥ 1.
 *
 * <p>Inputs are batches of shape (n, sample...) matching {@link #inputShape()}, with values in
 * {@link #bounds()} (one interval for every value, or one per feature). Results are attached to the input's {@code NDManager}: callers scope them by
 * opening a sub-manager around each batch. Every call is counted ({@link #stats()}), because an
 * attack's cost in queries and gradient calls is a headline metric.
 *
 * <p>Black-box implementations answer {@link #hasGradients()} with false and throw
 * {@link NoGradientException} from the gradient methods.
 *
 * <p>Ownership and threads: a classifier owns the native memory of its model (weights, sessions) until
 * {@link #close()}; wrappers such as {@link NormalizedClassifier} say whether they own the model they wrap.
 * The query counters are atomic, but dlsec itself calls a classifier from one thread at a time (parallel
 * runners load one per task); share one between threads only where its implementation says it may.
 */
public interface Classifier extends AutoCloseable {
    /**
     * The shape of one input sample: (C, H, W) for images, (d) for feature vectors, any rank ≥ 1.
     *
     * @return the sample shape, without the batch dimension
     */
    Shape inputShape();

    /**
     * The number of classes K: the width of the logits.
     *
     * @return K, at least 2
     */
    int numClasses();

    /**
     * The valid range of the inputs; attacks clip their outputs to it.
     *
     * @return the bounds, uniform ([0, 1] for pixels) or per feature
     */
    Bounds bounds();

    /**
     * Logits (n, K) for a batch; for models that only expose probabilities, their logarithm.
     *
     * @param x a float32 batch (n, sample...) with finite values; not closed; a batch larger than
     *        {@link AbstractClassifier#MAX_BATCH} is split internally
     * @return new logits (n, K) attached to {@code x}'s manager; the caller closes them (or the manager)
     * @throws org.dlsec.core.DlsecException when the batch's type, shape or values are invalid
     */
    NDArray predictLogits(NDArray x);

    /**
     * Class probabilities (n, K).
     *
     * @param x a float32 batch (n, sample...); not closed
     * @return new probabilities (n, K) attached to {@code x}'s manager, rows summing to 1
     * @throws org.dlsec.core.DlsecException when the batch's type, shape or values are invalid
     */
    default NDArray predictProba(NDArray x) {
        try (NDArray logits = predictLogits(x)) {
            return logits.softmax(1);
        }
    }

    /**
     * Predicted labels (n) as int64.
     *
     * @param x a float32 batch (n, sample...); not closed
     * @return new labels (n) attached to {@code x}'s manager: the index of each row's largest logit
     * @throws org.dlsec.core.DlsecException when the batch's type, shape or values are invalid
     */
    default NDArray predictLabels(NDArray x) {
        try (NDArray logits = predictLogits(x)) {
            return logits.argMax(1);
        }
    }

    /**
     * Whether {@link #gradient} is available: true for white-box models (dlsec networks, TorchScript),
     * false for black boxes (ONNX, remote endpoints, Java functions).
     *
     * @return true when gradients can be taken
     */
    boolean hasGradients();

    /**
     * Logits, objective values and the input gradient of the objective's sum (one gradient call).
     *
     * @param x a float32 batch (n, sample...); not closed; need not record gradients
     * @param objective the per-sample function of the logits to differentiate
     * @return the logits, values and gradient (same shape as {@code x}), all new, attached to {@code x}'s
     *         manager and detached from autograd; the caller closes them
     * @throws NoGradientException when the model is a black box ({@link #hasGradients()} is false)
     * @throws org.dlsec.core.DlsecException when the batch's type, shape or values are invalid
     */
    Gradient gradient(NDArray x, LogitObjective objective);

    /**
     * Gradient of the per-sample softmax cross-entropy against int64 labels {@code y}.
     *
     * @param x a float32 batch (n, sample...); not closed
     * @param y the true labels (n), int64; not closed
     * @return the gradient, a new array of {@code x}'s shape on {@code x}'s manager
     * @throws NoGradientException when the model is a black box
     */
    default NDArray lossGradient(NDArray x, NDArray y) {
        Gradient g = gradient(x, LogitObjective.crossEntropy(y));
        g.logits().close();
        g.values().close();
        return g.grad();
    }

    /**
     * Gradient of the logit of class {@code k}.
     *
     * @param x a float32 batch (n, sample...); not closed
     * @param k the class, 0 to K−1
     * @return the gradient, a new array of {@code x}'s shape on {@code x}'s manager
     * @throws NoGradientException when the model is a black box
     */
    default NDArray classGradient(NDArray x, int k) {
        Gradient g = gradient(x, LogitObjective.classLogit(k));
        g.logits().close();
        g.values().close();
        return g.grad();
    }

    /**
     * Counts since construction or the last {@link #resetStats()}.
     *
     * @return a snapshot of the counters; counters are thread-safe, so concurrent calls are all counted
     */
    QueryStats stats();

    /**
     * Sets every counter of {@link #stats()} to 0. Counts accumulate across attacks until this is
     * called, so reset (or subtract with {@link QueryStats#minus}) to measure one run.
     */
    void resetStats();

    /**
     * Where the model comes from, for provenance.
     *
     * @return the model's kind, source, weights hash and architecture
     */
    ModelInfo info();

    /**
     * The compute kernels behind this classifier's numbers, for the provenance of results: for a
     * libtorch model, which convolution kernels it runs on and why (see {@link Kernels}).
     *
     * @return a short description, or null where it does not apply (no libtorch model behind it)
     */
    default String kernels() {
        return null;
    }

    /**
     * Starts the provenance of a result computed with this classifier: its hash, its description and
     * the kernels behind its numbers ({@link #kernels()}).
     *
     * @param data what the result was computed on (a dataset's origin)
     * @param parameters the run's parameters
     * @param seed the run's seed
     * @return a provenance started and finished now; finish it with {@code finishedNow()}
     */
    default org.dlsec.core.Provenance startProvenance(String data, java.util.Map<String, Object> parameters, long seed) {
        return org.dlsec.core.Provenance.start(info().sha256(), info().describe(), data, parameters, seed)
                .withVersion("kernels", kernels());
    }

    @Override
    void close();
/**
 * Releases the model's native memory (weights, sessions). The classifier must not be used afterwards.
 */
}
