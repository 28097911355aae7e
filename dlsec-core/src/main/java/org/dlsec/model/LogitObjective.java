package org.dlsec.model;

import ai.djl.ndarray.NDArray;

/**
 * A differentiable function of a batch of logits (n, K) that returns one value per sample (n).
 * {@link Classifier#gradient} differentiates the sum of these values with respect to the input.
 * It must use only NDArray operations so that autograd can follow it.
 */
@FunctionalInterface
public interface LogitObjective {
    /**
     * The per-sample values for a batch of logits.
     *
     * @param logits the model's logits (n, K), recording gradients; not closed
     * @return a new array (n) computed with NDArray operations only
     */
    NDArray apply(NDArray logits);

    /**
     * Per-sample softmax cross-entropy against int64 labels {@code y}.
     *
     * @param y the true labels (n), int64; must stay open while the objective is used
     * @return the objective; differentiating it gives the loss gradient that FGSM and PGD ascend
     */
    static LogitObjective crossEntropy(NDArray y) {
        return logits -> logits.logSoftmax(1).mul(y.oneHot((int) logits.getShape().get(1))).sum(new int[] {1}).neg();
    }

    /**
     * The logit of class {@code k} for every sample.
     *
     * @param k the class, 0 to K−1
     * @return the objective; its gradient is the class logit's gradient (DeepFool, JSMA)
     */
    static LogitObjective classLogit(int k) {
        return logits -> logits.get(":, {}", k);
    }
}
