package org.dlsec.model;

/**
 * A prediction function seen from outside: flat NCHW float32 inputs for {@code n} samples in,
 * one row of scores per sample out. ONNX sessions, HTTP endpoints and plain Java functions all
 * become black-box classifiers through this interface.
 */
@FunctionalInterface
public interface BatchPredictor extends AutoCloseable {
    /**
     * Scores {@code n} samples.
     *
     * @param inputs the samples' values one after the other, {@code n × sample size} floats in row-major order;
     *        the implementation must not keep or modify the array
     * @param n the number of samples, at least 1
     * @return one row of K scores (logits or probabilities) per sample
     */
    float[][] predict(float[] inputs, int n);

    @Override
    default void close() {}
}
