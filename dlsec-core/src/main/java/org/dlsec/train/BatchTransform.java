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
    NDArray apply(DjlClassifier model, NDArray x, NDArray y);

    /** Called once before the first batch with the number of batches per epoch (for schedules). */
    default void begin(int batchesPerEpoch) {}

    BatchTransform NONE = (model, x, y) -> x;
}
