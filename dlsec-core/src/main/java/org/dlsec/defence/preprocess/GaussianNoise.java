package org.dlsec.defence.preprocess;

import ai.djl.ndarray.NDArray;
import java.util.Map;
import org.dlsec.core.DlsecException;
import org.dlsec.defence.Noise;
import org.dlsec.model.Bounds;

/**
 * Randomised input noise: x + N(0, σ²I), clipped to the bounds, drawn afresh for every query (the
 * randomisation defences Athalye, Carlini, Wagner broke with EOT, ICML 2018). Differentiable in x
 * for a fixed draw; an adaptive attack averages the gradient over draws.
 */
public final class GaussianNoise implements Preprocessor {
    private final double sigma;

    /**
     * Noise of standard deviation {@code sigma}.
     *
     * @param sigma σ, positive, in the data's units
     * @throws org.dlsec.core.DlsecException when {@code sigma} is not positive
     */
    public GaussianNoise(double sigma) {
        DlsecException.require(Double.isFinite(sigma) && sigma > 0, "noise sigma", "must be > 0, got " + sigma);
        this.sigma = sigma;
    }

    @Override
    public String name() {
        return "noise";
    }

    @Override
    public Map<String, Object> parameters() {
        return Map.of("sigma", sigma);
    }

    @Override
    public boolean differentiable() {
        return true;
    }

    @Override
    public boolean randomised() {
        return true;
    }

    @Override
    public NDArray apply(NDArray x, Bounds b, long[] sampleSeeds) {
        try (NDArray noise = Noise.gaussian(x.getManager(), x.getShape(), sigma, sampleSeeds)) {
            return b.clip(x.add(noise));
        }
    }
}
