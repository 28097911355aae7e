package org.dlsec.defence;

import ai.djl.ndarray.NDArray;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Tensors;
import org.dlsec.model.AbstractClassifier;
import org.dlsec.model.Classifier;
import org.dlsec.model.Gradient;
import org.dlsec.model.LogitObjective;
import org.dlsec.model.ModelInfo;

/**
 * An attacker's view of a model with its logits divided by T. Predictions are unchanged (argmax is
 * scale-invariant), but the softmax no longer saturates, so a cross-entropy attack gets a usable
 * gradient from a model whose logits are huge — the attack Carlini &amp; Wagner ("Defensive
 * Distillation is Not Robust to Adversarial Examples", 2016) use against defensive distillation.
 * It is an adaptive attack's tool, not a defence.
 */
public final class TemperatureScaled extends AbstractClassifier {
    private final Classifier inner;
    private final float inv;
    private final double temperature;

    /**
     * A view of {@code inner} whose logits are divided by {@code temperature}.
     *
     * @param inner the model; not owned: closing this view does not close it
     * @param temperature T, finite and positive (the distillation temperature to undo)
     * @throws org.dlsec.core.DlsecException when {@code temperature} is not finite and positive
     */
    public TemperatureScaled(Classifier inner, double temperature) {
        super(inner.inputShape(), inner.numClasses(), inner.bounds(), new ModelInfo(inner.info().kind(),
                inner.info().source() + " (logits / " + temperature + ")", inner.info().sha256(), inner.info().architecture()));
        DlsecException.require(Double.isFinite(temperature) && temperature > 0, "attack temperature",
                "must be finite and > 0, got " + temperature);
        this.inner = inner;
        this.temperature = temperature;
        this.inv = (float) (1 / temperature);
    }

    /**
     * The temperature the logits are divided by.
     *
     * @return T
     */
    public double temperature() {
        return temperature;
    }

    /**
     * The model whose logits are scaled.
     *
     * @return the wrapped model
     */
    public Classifier inner() {
        return inner;
    }

    @Override
    public boolean hasGradients() {
        return inner.hasGradients();
    }

    @Override
    protected NDArray forward(NDArray x) {
        try (NDArray z = inner.predictLogits(x)) {
            return z.mul(inv);
        }
    }

    @Override
    protected Gradient backward(NDArray x, LogitObjective objective) {
        // an owned scalar: autograd keeps the factor for the backward pass (see core.Tensors)
        Gradient g = inner.gradient(x, logits -> objective.apply(logits.mul(Tensors.scalar(logits.getManager(), inv))));
        NDArray scaled = g.logits().mul(inv);
        g.logits().close();
        return new Gradient(scaled, g.values(), g.grad());
    }

    /** The wrapped model is not closed: the caller owns it. */
    @Override
    public void close() {
        // the wrapped classifier belongs to the caller
    }

    @Override
    public String kernels() {
        return inner.kernels();
    }
}
