package org.dlsec.model;

import ai.djl.ndarray.NDArray;

/**
 * A differentiable function of a batch of logits (n, K) that returns one value per sample (n).
 * {@link Classifier#gradient} differentiates the sum of these values with respect to the input.
 * It must use only NDArray operations so that autograd can follow it.
 */
@FunctionalInterface
public interface LogitObjective {
    NDArray apply(NDArray logits);

    /** Per-sample softmax cross-entropy against int64 labels {@code y}. */
    static LogitObjective crossEntropy(NDArray y) {
        return logits -> logits.logSoftmax(1).mul(y.oneHot((int) logits.getShape().get(1))).sum(new int[] {1}).neg();
    }

    /** The logit of class {@code k} for every sample. */
    static LogitObjective classLogit(int k) {
        return logits -> logits.get(":, {}", k);
    }
}
