package org.dlsec.defence;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;
import org.dlsec.core.Seeds;
import org.dlsec.core.Tensors;

/**
 * Seeded Gaussian noise for a batch, drawn per sample: sample i's noise comes from its own
 * generator {@code SplittableRandom(sampleSeeds[i])}, so it does not depend on batching.
 */
public final class Noise {
    private Noise() {}

    /**
     * σ·N(0, 1) noise of {@code batch}'s shape (n, ...), one generator per sample.
     *
     * @param m the manager that owns the new array
     * @param batch the batch's shape (n, ...)
     * @param sigma the standard deviation σ, at least 0, in the data's units
     * @param sampleSeeds one seed per sample (n), e.g. from {@link #seeds}
     * @return a new float32 array of shape {@code batch} on {@code m}
     */
    public static NDArray gaussian(NDManager m, Shape batch, double sigma, long[] sampleSeeds) {
        int n = (int) batch.get(0);
        if (sampleSeeds.length != n) {
            throw new IllegalArgumentException("one seed per sample needed");
        }
        int d = (int) (batch.size() / n);
        float[] buf = new float[n * d];
        for (int i = 0; i < n; i++) {
            SplittableRandom r = new SplittableRandom(sampleSeeds[i]);
            int off = i * d;
            for (int j = 0; j < d; j++) {
                buf[off + j] = (float) (sigma * r.nextGaussian());
            }
        }
        return Tensors.floats(m, buf, batch);
    }

    /**
     * Seeds {@code mix(seed, id)} for sample ids 0..n-1 shifted by {@code first}.
     *
     * @param seed the run's seed
     * @param first the id of the first sample
     * @param n the number of samples
     * @return a new array of n seeds
     */
    public static long[] seeds(long seed, long first, int n) {
        long[] s = new long[n];
        for (int i = 0; i < n; i++) {
            s[i] = Seeds.mix(seed, first + i);
        }
        return s;
    }
}
