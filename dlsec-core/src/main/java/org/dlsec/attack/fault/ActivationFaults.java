package org.dlsec.attack.fault;

import ai.djl.ndarray.NDArray;
import java.util.List;
import java.util.SplittableRandom;
import org.dlsec.core.Tensors;
import org.dlsec.core.Seeds;

/**
 * Random faults in the float32 outputs of chosen layers: every sample of every forward pass gets
 * {@code faults} faulty bits, drawn uniformly over all bits of the chosen layers' outputs for that
 * sample. Sample {@code i} (counted across batches since {@link #reset}) draws from
 * {@code Seeds.forSample(seed, i)}, so results do not depend on the batch size.
 */
public final class ActivationFaults implements ActivationHook {
    private final int[] layers;
    private final long[] sizes;
    private final long totalBits;
    private final int faults;
    private final FaultType type;
    private long seed;
    private long counter;
    private int batch;
    private long[][] sites;

    /**
     * @param layers the hooked layers (indices among the network's children)
     * @param layerSizes activations per sample at every layer's output ({@link LayerHookClassifier#outputSizes()})
     * @param faults N, faults per sample and forward pass, at least 0
     * @param type what a fault does to its bit
     * @param seed the trial's seed
     */
    public ActivationFaults(List<Integer> layers, long[] layerSizes, int faults, FaultType type, long seed) {
        this.layers = layers.stream().mapToInt(Integer::intValue).toArray();
        this.sizes = new long[this.layers.length];
        long total = 0;
        for (int i = 0; i < this.layers.length; i++) {
            sizes[i] = layerSizes[this.layers[i]];
            total += sizes[i] * Bits.FLOAT_BITS;
        }
        this.totalBits = total;
        this.faults = faults;
        this.type = type;
        reset(seed);
    }

    /**
     * Starts a new trial: a new seed and sample counter 0.
     *
     * @param newSeed the next trial's seed
     */
    public void reset(long newSeed) {
        this.seed = newSeed;
        this.counter = 0;
    }

    @Override
    public void begin(int n) {
        batch = n;
        sites = new long[n][];
        for (int i = 0; i < n; i++) {
            SplittableRandom rnd = Seeds.forSample(seed, counter + i);
            sites[i] = FaultSite.sample(totalBits, faults, rnd);
        }
        counter += n;
    }

    @Override
    public NDArray after(int layer, NDArray output) {
        int slot = -1;
        for (int i = 0; i < layers.length; i++) {
            if (layers[i] == layer) {
                slot = i;
            }
        }
        if (slot < 0 || faults == 0) {
            return output;
        }
        long offset = 0;
        for (int i = 0; i < slot; i++) {
            offset += sizes[i] * Bits.FLOAT_BITS;
        }
        long bits = sizes[slot] * Bits.FLOAT_BITS;
        float[] v = output.toFloatArray();
        int per = (int) sizes[slot];
        boolean changed = false;
        for (int s = 0; s < batch; s++) {
            for (long p : sites[s]) {
                long q = p - offset;
                if (q >= 0 && q < bits) {
                    int idx = s * per + (int) (q / Bits.FLOAT_BITS);
                    v[idx] = type.apply(v[idx], (int) (q % Bits.FLOAT_BITS));
                    changed = true;
                }
            }
        }
        if (!changed) {
            return output;
        }
        NDArray out = Tensors.floats(output.getManager(), v, output.getShape());
        return out;
    }
}
