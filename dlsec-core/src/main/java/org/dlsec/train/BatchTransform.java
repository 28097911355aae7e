package org.dlsec.train;

import ai.djl.ndarray.NDArray;
import org.dlsec.model.DjlClassifier;

/**
 * Rewrites a training batch's inputs before the parameter update, e.g. into adversarial examples
 * for adversarial training. Called with the model's parameters frozen, so gradients it takes do not
 * leak into the update. The result must have x's shape and live on x's manager.
 */
@FunctionalInterface
public interface BatchTransform {
    /**
     * Transforms one batch.
     *
     * @param model the model being trained, with frozen parameters during this call
     * @param x the batch's inputs (n, sample...); not closed
     * @param y the batch's int64 labels (n); not closed
     * @return the inputs to train on: {@code x} itself or a new array of its shape on its manager
     */
    NDArray apply(DjlClassifier model, NDArray x, NDArray y);

    /**
     * Called once before the first batch with the number of batches per epoch (for schedules).
     *
     * @param batchesPerEpoch the number of updates in one epoch
     */
    default void begin(int batchesPerEpoch) {}

    /**
     * The identity: trains on the batch as drawn.
     */
    BatchTransform NONE = (model, x, y) -> x;
}
