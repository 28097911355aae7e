package org.dlsec.model;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Autograd recording for one input-gradient computation, on the calling thread only. DJL's
 * {@code PtGradientCollector} allows a single open collector per JVM (a static flag), which would
 * make concurrent attack tasks sharing one JVM (Spark executors with several task slots) fail;
 * libtorch's grad mode is thread-local and its autograd engine is thread-safe, so gradients with
 * respect to an input need no JVM-wide state. The calls are the same as the collector's, so the
 * gradients are the same bits. Training still goes through DJL's collector. Also used for the vector-Jacobian
 * product through a defence's input transformation ({@code PreprocessedClassifier}), which runs in the same tasks.
 */
public final class InputGradients implements AutoCloseable {
    private final boolean previous;

    private InputGradients() {
        previous = JniUtils.isGradMode();
        JniUtils.setGradMode(true);
    }

    /**
     * Switches grad mode on for this thread until {@link #close()}.
     *
     * @return a handle to close (try-with-resources), which restores the previous grad mode of this thread
     */
    public static InputGradients open() {
        return new InputGradients();
    }

    /**
     * Back-propagates from {@code scalar} (seeded with ones, as DJL's collector does).
     *
     * @param scalar the value to differentiate, computed under this handle from arrays that require gradients;
     *        the gradients accumulate into those arrays
     */
    public void backward(NDArray scalar) {
        PtNDArray a = (PtNDArray) scalar;
        PtNDArray ones = (PtNDArray) a.getManager().ones(a.getShape(), a.getDataType());
        JniUtils.backward(a, ones, false, false);
    }

    @Override
    public void close() {
        JniUtils.setGradMode(previous);
    }
}
