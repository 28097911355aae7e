package org.dlsec.attack.fault;

import ai.djl.ndarray.NDArray;

/**
 * Code run on the output of every layer of a {@link LayerHookClassifier}'s forward pass: it may read
 * the activation, or return a changed one (a fault, a trojan payload, a range check). Returning the
 * argument leaves the layer unchanged.
 */
public interface ActivationHook {
    /**
     * Called once before each forward batch of {@code n} samples.
     *
     * @param n the batch size
     */
    default void begin(int n) {}

    /**
     * The (possibly replaced) output of layer {@code layer} (0-based index among the network's children).
     *
     * @param layer the layer's index
     * @param output its output for the batch; not closed
     * @return {@code output} itself, or a new array of its shape on its manager
     */
    NDArray after(int layer, NDArray output);
}
