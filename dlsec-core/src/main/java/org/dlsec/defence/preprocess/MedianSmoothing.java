package org.dlsec.defence.preprocess;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import java.util.Map;
import org.dlsec.core.DlsecException;
import org.dlsec.model.Bounds;

/**
 * Feature squeezing by median smoothing (Xu, Evans, Qi, NDSS 2018): every value becomes the median
 * of the k×k window around it, per channel, with edge values repeated at the border. For even k
 * the window reaches k/2 values back and k/2 − 1 forward and the upper median is taken, as in
 * {@code scipy.ndimage.median_filter}, which Xu et al. used (their MNIST setting is 2×2).
 *
 * <p>The median is piecewise linear: autograd routes each output's gradient to the input value
 * that is the median, so it is differentiable almost everywhere and its exact gradient is already
 * informative. It is still declared non-differentiable, as the paper treats it, so that adaptive
 * attacks use BPDA's straight-through gradient; both can be compared.
 */
public final class MedianSmoothing implements Preprocessor {
    private final int k;

    /**
     * A k×k median filter.
     *
     * @param k the window's side, 2 to 11
     * @throws org.dlsec.core.DlsecException when {@code k} is out of range
     */
    public MedianSmoothing(int k) {
        DlsecException.require(k >= 2 && k <= 11, "median window", "must be in 2..11, got " + k);
        this.k = k;
    }

    @Override
    public String name() {
        return "median";
    }

    @Override
    public Map<String, Object> parameters() {
        return Map.of("k", k);
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
        long h = x.getShape().get(2);
        long w = x.getShape().get(3);
        int before = k / 2;
        int after = k - 1 - before;
        NDArray p = replicatePad(replicatePad(x, 2, before, after), 3, before, after);
        NDList windows = new NDList();
        for (int a = 0; a < k; a++) {
            for (int c = 0; c < k; c++) {
                windows.add(p.get(":, :, " + a + ":" + (a + h) + ", " + c + ":" + (c + w)));
            }
        }
        NDArray sorted = NDArrays.stack(windows, 4).sort(4);
        return sorted.get(":, :, :, :, " + (k * k / 2));
    }

    /** Repeats the first and last slice along {@code axis} (2 or 3) {@code before} and {@code after} times. */
    static NDArray replicatePad(NDArray x, int axis, int before, int after) {
        long size = x.getShape().get(axis);
        NDList parts = new NDList();
        String first = axis == 2 ? ":, :, 0:1, :" : ":, :, :, 0:1";
        String last = axis == 2 ? ":, :, " + (size - 1) + ":" + size + ", :" : ":, :, :, " + (size - 1) + ":" + size;
        for (int i = 0; i < before; i++) {
            parts.add(x.get(first));
        }
        parts.add(x);
        for (int i = 0; i < after; i++) {
            parts.add(x.get(last));
        }
        return parts.size() == 1 ? x : NDArrays.concat(parts, axis);
    }
}
