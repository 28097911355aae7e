package org.dlsec.model;

import ai.djl.ndarray.types.Shape;
import java.util.Objects;

/**
 * How {@link Models#load(java.nio.file.Path, LoadOptions)} makes a model file ready for attacks: the shape of one
 * sample, the valid range of the inputs (attacks clip to it) and the normalisation the model was trained with. The
 * same choices as the command line's {@code --resize}/data shape, {@code --bounds} and {@code --normalize}.
 * Immutable; the {@code with…} methods return a changed copy.
 *
 * <pre>{@code
 * LoadOptions o = LoadOptions.of(new Shape(3, 32, 32))
 *         .withNormalization(Normalization.parse("mean=0.485,0.456,0.406,std=0.229,0.224,0.225"));
 * try (Classifier model = Models.load(Path.of("resnet.pt"), o)) {
 *     // attacks and budgets in [0, 1] pixels; the network sees (x - mean) / std
 * }
 * }</pre>
 *
 * @param inputShape one sample's shape: (C, H, W) for images, (d) for feature vectors; checked against the model,
 *     and needed for TorchScript and ONNX files, which do not always declare it
 * @param bounds the inputs' valid range in the data's own units ({@link Bounds#UNIT} for pixels, or per feature)
 * @param normalization the (x − mean) / std the model expects, or null for none
 */
public record LoadOptions(Shape inputShape, Bounds bounds, Normalization normalization) {
    /**
     * Checks the options.
     *
     * @param inputShape one sample's shape: (C, H, W) for images, (d) for feature vectors; checked against the model,
     *        and needed for TorchScript and ONNX files, which do not always declare it
     * @param bounds the inputs' valid range in the data's own units ({@link Bounds#UNIT} for pixels, or per feature)
     * @param normalization the (x − mean) / std the model expects, or null for none
     * @throws NullPointerException when {@code inputShape} or {@code bounds} is null
     * @throws org.dlsec.core.DlsecException when per-feature bounds do not have one interval per value of {@code inputShape}
     */
    public LoadOptions {
        Objects.requireNonNull(inputShape, "inputShape");
        Objects.requireNonNull(bounds, "bounds");
        bounds.requireFits(inputShape.size());
    }

    /**
     * Samples of {@code inputShape} in [0, 1], no normalisation.
     *
     * @param inputShape one sample's shape, e.g. {@code new Shape(1, 28, 28)}
     * @return options with {@link Bounds#UNIT} and no normalisation
     */
    public static LoadOptions of(Shape inputShape) {
        return new LoadOptions(inputShape, Bounds.UNIT, null);
    }

    /**
     * These options with the inputs' valid range {@code b}.
     *
     * @param b the new bounds, not null
     * @return a new options object
     * @throws org.dlsec.core.DlsecException when per-feature bounds do not fit the input shape
     */
    public LoadOptions withBounds(Bounds b) {
        return new LoadOptions(inputShape, b, normalization);
    }

    /**
     * These options with the model behind {@code n} (null: none).
     *
     * @param n the normalisation, or null for none
     * @return a new options object
     */
    public LoadOptions withNormalization(Normalization n) {
        return new LoadOptions(inputShape, bounds, n);
    }
}
