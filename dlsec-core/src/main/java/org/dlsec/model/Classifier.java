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
 */
public interface Classifier extends AutoCloseable {
    /** The shape of one input sample: (C, H, W) for images, (d) for feature vectors, any rank ≥ 1. */
    Shape inputShape();

    int numClasses();

    Bounds bounds();

    /** Logits (n, K) for a batch; for models that only expose probabilities, their logarithm. */
    NDArray predictLogits(NDArray x);

    /** Class probabilities (n, K). */
    default NDArray predictProba(NDArray x) {
        try (NDArray logits = predictLogits(x)) {
            return logits.softmax(1);
        }
    }

    /** Predicted labels (n) as int64. */
    default NDArray predictLabels(NDArray x) {
        try (NDArray logits = predictLogits(x)) {
            return logits.argMax(1);
        }
    }

    boolean hasGradients();

    /** Logits, objective values and the input gradient of the objective's sum (one gradient call). */
    Gradient gradient(NDArray x, LogitObjective objective);

    /** Gradient of the per-sample softmax cross-entropy against int64 labels {@code y}. */
    default NDArray lossGradient(NDArray x, NDArray y) {
        Gradient g = gradient(x, LogitObjective.crossEntropy(y));
        g.logits().close();
        g.values().close();
        return g.grad();
    }

    /** Gradient of the logit of class {@code k}. */
    default NDArray classGradient(NDArray x, int k) {
        Gradient g = gradient(x, LogitObjective.classLogit(k));
        g.logits().close();
        g.values().close();
        return g.grad();
    }

    /** Counts since construction or the last {@link #resetStats()}. */
    QueryStats stats();

    void resetStats();

    ModelInfo info();

    @Override
    void close();
}
