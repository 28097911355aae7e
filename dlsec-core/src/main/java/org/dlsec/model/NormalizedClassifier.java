package org.dlsec.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.Map;

/**
 * A model that expects normalised inputs, seen in the data's own space: f((x − mean) / std). Attacks,
 * budgets (ε) and bounds stay in the units of the data — [0, 1] pixels or a CSV's feature units —
 * while the wrapped model sees what it was trained on, as the preprocessing wrappers of torchattacks
 * and ART do. The gradient is the chain rule through the affine map, ∇ₓ = ∇_z / std (exact, no
 * approximation). Not a defence: it is part of the model.
 */
public final class NormalizedClassifier extends AbstractClassifier {
    private final Classifier inner;
    private final Normalization norm;
    private final boolean owns;

    /**
     * {@code inner} behind {@code norm}; the input bounds are {@code bounds} (the data's, in its own units).
     *
     * @param inner the model that expects normalised inputs; not owned: the caller closes it
     * @param norm the normalisation the model was trained with
     * @param bounds the inputs' valid range in the data's units
     * @throws org.dlsec.core.DlsecException when {@code norm} does not fit the model's input shape
     */
    public NormalizedClassifier(Classifier inner, Normalization norm, Bounds bounds) {
        this(inner, norm, bounds, false);
    }

    private NormalizedClassifier(Classifier inner, Normalization norm, Bounds bounds, boolean owns) {
        super(inner.inputShape(), inner.numClasses(), bounds, new ModelInfo(inner.info().kind(),
                inner.info().source() + " (inputs normalised: " + norm + ")", inner.info().sha256(),
                inner.info().architecture()));
        norm.broadcastShape(inner.inputShape());
        this.inner = inner;
        this.norm = norm;
        this.owns = owns;
    }

    /**
     * As {@link #NormalizedClassifier(Classifier, Normalization, Bounds)}, but closing this closes
     * {@code inner} too (for a model loaded only to be seen through its normalisation). If {@code norm}
     * does not fit the model's input, {@code inner} is closed and the error thrown.
     *
     * @param inner the model that expects normalised inputs; owned from now on (closed even when this call fails)
     * @param norm the normalisation the model was trained with
     * @param bounds the inputs' valid range in the data's units
     * @return the wrapper
     * @throws org.dlsec.core.DlsecException when {@code norm} does not fit the model's input shape
     */
    public static NormalizedClassifier owning(Classifier inner, Normalization norm, Bounds bounds) {
        try {
            return new NormalizedClassifier(inner, norm, bounds, true);
        } catch (RuntimeException e) {
            inner.close();
            throw e;
        }
    }

    /**
     * {@code inner} behind {@code norm}, with inner's bounds.
     *
     * @param inner the model that expects normalised inputs; not owned
     * @param norm the normalisation the model was trained with
     * @throws org.dlsec.core.DlsecException when {@code norm} does not fit the model's input shape
     */
    public NormalizedClassifier(Classifier inner, Normalization norm) {
        this(inner, norm, inner.bounds());
    }

    /**
     * The wrapped model.
     *
     * @return the model that sees normalised inputs
     */
    public Classifier inner() {
        return inner;
    }

    /**
     * The normalisation applied before the wrapped model.
     *
     * @return the normalisation
     */
    public Normalization normalization() {
        return norm;
    }

    /**
     * For provenance and JSON.
     *
     * @return the normalisation's description ({@link Normalization#describe})
     */
    public Map<String, Object> describe() {
        return norm.describe(inputShape());
    }

    /**
     * The normalised batch (x − mean) / std, on x's manager.
     *
     * @param x a batch (n, sample...) in the data's units; not closed
     * @return a new array attached to {@code x}'s manager
     */
    public NDArray normalise(NDArray x) {
        Shape sample = inputShape();
        try (NDArray mean = norm.meanArray(x.getManager(), sample); NDArray std = norm.stdArray(x.getManager(), sample)) {
            return x.sub(mean).div(std);
        }
    }

    @Override
    public boolean hasGradients() {
        return inner.hasGradients();
    }

    @Override
    protected NDArray forward(NDArray x) {
        try (NDArray z = normalise(x)) {
            return inner.predictLogits(z);
        }
    }

    @Override
    protected Gradient backward(NDArray x, LogitObjective objective) {
        Gradient g;
        try (NDArray z = normalise(x)) {
            g = inner.gradient(z, objective);
        }
        try (NDArray std = norm.stdArray(x.getManager(), inputShape())) {
            NDArray grad = g.grad().div(std);
            g.grad().close();
            return new Gradient(g.logits(), g.values(), grad);
        }
    }

    /** Closes the wrapped model only when this wrapper owns it ({@link #owning}); otherwise the caller does. */
    @Override
    public void close() {
        if (owns) {
            inner.close();
        }
    }

    @Override
    public String kernels() {
        return inner.kernels();
    }
}
