package org.dlsec.defence.preprocess;

import ai.djl.ndarray.NDArray;
import java.util.Map;
import org.dlsec.core.DlsecException;
import org.dlsec.model.Bounds;

/**
 * Feature squeezing by colour-depth reduction (Xu, Evans, Qi, "Feature Squeezing: Detecting
 * Adversarial Examples in Deep Neural Networks", NDSS 2018): each value is rounded to one of 2^b
 * levels, x ↦ round(x·(2^b − 1)) / (2^b − 1) on the unit range (scaled to the model's bounds).
 * Piecewise constant: not differentiable in the useful sense.
 */
public final class BitDepthReduction implements Preprocessor {
    private final int bits;

    /**
     * Squeezing to {@code bits} bits per value.
     *
     * @param bits b, 1 to 16 (Xu et al.: 1 on MNIST, 4 or 5 on CIFAR-10)
     * @throws org.dlsec.core.DlsecException when {@code bits} is out of range
     */
    public BitDepthReduction(int bits) {
        DlsecException.require(bits >= 1 && bits <= 16, "bits", "must be in 1..16, got " + bits);
        this.bits = bits;
    }

    @Override
    public String name() {
        return "squeeze";
    }

    @Override
    public Map<String, Object> parameters() {
        return Map.of("bits", bits);
    }

    @Override
    public boolean differentiable() {
        return false;
    }

    @Override
    public boolean randomised() {
        return false;
    }

    @Override
    public NDArray apply(NDArray x, Bounds b, long[] sampleSeeds) {
        float levels = (1 << bits) - 1;
        NDArray unit = x.sub(b.min()).div(b.range());
        return unit.mul(levels).round().div(levels).mul(b.range()).add(b.min());
    }
}
