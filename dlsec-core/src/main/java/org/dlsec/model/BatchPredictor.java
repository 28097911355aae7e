package org.dlsec.model;

/**
 * A prediction function seen from outside: flat NCHW float32 inputs for {@code n} samples in,
 * one row of scores per sample out. ONNX sessions, HTTP endpoints and plain Java functions all
 * become black-box classifiers through this interface.
 */
@FunctionalInterface
public interface BatchPredictor extends AutoCloseable {
    float[][] predict(float[] inputs, int n);

    @Override
    default void close() {}
}
