package org.dlsec.train;

import ai.djl.ndarray.NDArray;
import java.util.function.UnaryOperator;

/**
 * The loss of one training batch, for training methods whose objective is not plain softmax
 * cross-entropy on the (possibly transformed) inputs: TRADES (clean and adversarial forward
 * passes), distillation (soft labels at a temperature). Called inside the gradient collector with
 * the parameters trainable; every forward pass that should be trained must go through
 * {@code forward}.
 */
@FunctionalInterface
public interface BatchLoss {
    /**
     * @param loss the scalar to minimise
     * @param logits logits whose argmax counts towards the epoch's training accuracy
     */
    record Output(NDArray loss, NDArray logits) {}

    /**
     * @param forward the model's training-mode forward pass (inputs to logits)
     * @param clean the batch as drawn from the data
     * @param input the batch after the {@link BatchTransform} (the same array when there is none)
     * @param y int64 labels
     * @return the loss and the logits, attached to the batch's manager
     */
    Output apply(UnaryOperator<NDArray> forward, NDArray clean, NDArray input, NDArray y);
}
