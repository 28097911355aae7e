package org.dlsec.model;

import ai.djl.ndarray.types.Shape;
import org.dlsec.core.DlsecException;

/**
 * How attacks that work on spatial patches (squares, pixels, trigger patches, block noise) see a
 * sample of any shape: as (C, H, W). An image (C, H, W) is itself; a (H, W) sample is one channel;
 * a flat feature vector (d) is one row of d "pixels" (1, 1, d), so a patch becomes a run of adjacent
 * features; a sample of higher rank folds its leading dimensions into channels.
 *
 * @param channels C, at least 1
 * @param height H, at least 1 (1 for a feature vector)
 * @param width W, at least 1 (d for a feature vector)
 */
public record SampleLayout(int channels, int height, int width) {
    /**
     * Checks the dimensions.
     *
     * @param channels C, at least 1
     * @param height H, at least 1 (1 for a feature vector)
     * @param width W, at least 1 (d for a feature vector)
     * @throws DlsecException when a dimension is below 1
     */
    public SampleLayout {
        if (channels < 1 || height < 1 || width < 1) {
            throw new DlsecException("bad sample layout " + channels + "x" + height + "x" + width);
        }
    }

    /**
     * The (C, H, W) view of a sample shape of any rank ≥ 1.
     *
     * @param sample one sample's shape, rank at least 1
     * @return the layout
     * @throws DlsecException when the shape has rank 0
     * @throws ArithmeticException when a dimension (or C, the product of the leading ones) does not fit an {@code int}
     */
    public static SampleLayout of(Shape sample) {
        int r = sample.dimension();
        if (r < 1) {
            throw new DlsecException("a sample needs at least one dimension, got " + sample);
        }
        if (r == 1) {
            return new SampleLayout(1, 1, Math.toIntExact(sample.get(0)));
        }
        if (r == 2) {
            return new SampleLayout(1, Math.toIntExact(sample.get(0)), Math.toIntExact(sample.get(1)));
        }
        long c = 1;
        for (int i = 0; i < r - 2; i++) {
            c *= sample.get(i);
        }
        return new SampleLayout(Math.toIntExact(c), Math.toIntExact(sample.get(r - 2)), Math.toIntExact(sample.get(r - 1)));
    }

    /**
     * True for samples that are flat feature vectors (one row).
     *
     * @return true when channels and height are 1
     */
    public boolean isVector() {
        return channels == 1 && height == 1;
    }

    /**
     * The number of values of a sample.
     *
     * @return {@code channels × height × width}
     */
    public int size() {
        return channels * height * width;
    }
}
