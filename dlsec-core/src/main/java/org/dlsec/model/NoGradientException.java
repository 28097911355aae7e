package org.dlsec.model;

import org.dlsec.core.DlsecException;

/** Thrown by black-box classifiers when asked for a gradient. */
public class NoGradientException extends DlsecException {
    private static final long serialVersionUID = 1L;

    /**
     * An error saying that the model has no gradients and which attacks to use instead.
     *
     * @param kind the model's kind as in {@link ModelInfo#kind()}, e.g. {@code onnx}
     */
    public NoGradientException(String kind) {
        super("no gradients: the " + kind + " model is a black box; use a black-box attack"
                + " (square, zoo, hsj, boundary, onepixel) or a transfer attack");
    }
}
