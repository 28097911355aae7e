package org.dlsec.defence.preprocess;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;
import java.util.Map;
import org.dlsec.core.DlsecException;
import org.dlsec.model.Bounds;

/**
 * Spatial smoothing by a k×k mean filter (odd k), per channel, averaging only over the window's
 * values inside the image: a linear low-pass filter of the kind surveyed as an input
 * transformation by Guo, Rana, Cissé, van der Maaten ("Countering Adversarial Images using Input
 * Transformations", ICLR 2018). Linear, hence differentiable: the naive gradient is exact and the
 * defence cannot mask it.
 */
public final class SpatialSmoothing implements Preprocessor {
    private final int k;

    /**
     * A k×k mean filter.
     *
     * @param k the window's side: odd, 3 to 11
     * @throws org.dlsec.core.DlsecException when {@code k} is out of range or even
     */
    public SpatialSmoothing(int k) {
        DlsecException.require(k >= 3 && k <= 11 && k % 2 == 1, "smoothing window", "must be odd, in 3..11, got " + k);
        this.k = k;
    }

    @Override
    public String name() {
        return "smooth";
    }

    @Override
    public Map<String, Object> parameters() {
        return Map.of("k", k);
    }

    @Override
    public boolean differentiable() {
        return true;
    }

    @Override
    public boolean randomised() {
        return false;
    }

    @Override
    public NDArray apply(NDArray x, Bounds b, long[] sampleSeeds) {
        Shape kernel = new Shape(k, k);
        Shape stride = new Shape(1, 1);
        Shape pad = new Shape(k / 2, k / 2);
        // sum over the window's values inside the image divided by their count (zero padding adds nothing to the sum)
        try (NDArray ones = x.onesLike().stopGradient()) {
            NDArray count = Pool.avgPool2d(ones, kernel, stride, pad, false, true);
            return Pool.avgPool2d(x, kernel, stride, pad, false, true).div(count);
        }
    }
}
