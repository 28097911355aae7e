package org.dlsec.defence.integrity;

import ai.djl.ndarray.NDArray;
import java.util.Arrays;
import java.util.List;
import org.dlsec.core.Tensors;
import org.dlsec.attack.fault.ActivationHook;
import org.dlsec.attack.fault.LayerHookClassifier;
import org.dlsec.core.DlsecException;
import org.dlsec.data.Dataset;
import org.dlsec.metric.Evaluation;

/**
 * An activation range check (in the spirit of range restriction such as Ranger, Chen et al. 2021):
 * the minimum and maximum of every chosen layer's output are profiled on clean data, and at run time
 * values outside that range — typically a flipped exponent bit — are clamped back into it, NaN
 * becoming the lower bound. Counts how many values it had to clamp.
 */
public final class ActivationRangeGuard implements ActivationHook {
    private final int[] layers;
    private final float[] low;
    private final float[] high;
    private long clamped;

    private ActivationRangeGuard(int[] layers, float[] low, float[] high) {
        this.layers = layers;
        this.low = low;
        this.high = high;
    }

    /**
     * Profiles the ranges of {@code layers}' outputs of {@code net} on {@code clean}.
     *
     * @param net the network with hooks on its layers; its weights are not changed
     * @param layers the indices of the layers whose outputs are guarded
     * @param clean clean samples, e.g. {@value org.dlsec.experiment.FaultDefence#RANGE_PROFILE_SAMPLES} training images
     * @return a guard holding each layer's minimum and maximum output
     */
    public static ActivationRangeGuard profile(LayerHookClassifier net, List<Integer> layers, Dataset clean) {
        DlsecException.require(!layers.isEmpty(), "layers", "give at least one layer to guard");
        int[] ls = layers.stream().mapToInt(Integer::intValue).toArray();
        float[] lo = new float[ls.length];
        float[] hi = new float[ls.length];
        Arrays.fill(lo, Float.POSITIVE_INFINITY);
        Arrays.fill(hi, Float.NEGATIVE_INFINITY);
        ActivationHook recorder = (layer, out) -> {
            for (int i = 0; i < ls.length; i++) {
                if (ls[i] == layer) {
                    try (NDArray mn = out.min(); NDArray mx = out.max()) {
                        lo[i] = Math.min(lo[i], mn.getFloat());
                        hi[i] = Math.max(hi[i], mx.getFloat());
                    }
                }
            }
            return out;
        };
        Evaluation.accuracy(new LayerHookClassifier(net.inner(), List.of(recorder)), clean);
        return new ActivationRangeGuard(ls, lo, hi);
    }

    /**
     * The lowest value layer slot {@code slot} produced on clean data.
     *
     * @param slot the guarded layer's position in the list given to {@link #profile}
     * @return the lower end of its range
     */
    public float low(int slot) {
        return low[slot];
    }

    /**
     * The highest value layer slot {@code slot} produced on clean data.
     *
     * @param slot the guarded layer's position in the list given to {@link #profile}
     * @return the upper end of its range
     */
    public float high(int slot) {
        return high[slot];
    }

    /**
     * Values clamped since construction.
     *
     * @return the count, over all guarded layers and calls
     */
    public long clamped() {
        return clamped;
    }

    @Override
    public NDArray after(int layer, NDArray output) {
        for (int i = 0; i < layers.length; i++) {
            if (layers[i] == layer) {
                float[] v = output.toFloatArray();
                boolean changed = false;
                for (int j = 0; j < v.length; j++) {
                    if (Float.isNaN(v[j]) || v[j] < low[i]) {
                        v[j] = low[i];
                        changed = true;
                        clamped++;
                    } else if (v[j] > high[i]) {
                        v[j] = high[i];
                        changed = true;
                        clamped++;
                    }
                }
                return changed ? Tensors.floats(output.getManager(), v, output.getShape()) : output;
            }
        }
        return output;
    }
}
