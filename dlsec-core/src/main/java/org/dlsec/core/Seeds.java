package org.dlsec.core;

import java.util.SplittableRandom;

/**
 * Seed derivation. Randomness that belongs to one sample is drawn from a generator seeded with
 * {@code mix(seed, sampleId)}, so a result does not depend on how samples were batched or
 * partitioned (locally or across Spark executors).
 */
public final class Seeds {
    private Seeds() {}

    /**
     * SplitMix64 finaliser over the pair: a well-spread 64-bit seed for (seed, id).
     *
     * @param seed the run's seed
     * @param id the sample's (or any subject's) stable identifier, e.g. its index in the dataset
     * @return a 64-bit seed that depends on both and is well spread even for consecutive ids
     */
    public static long mix(long seed, long id) {
        long z = seed * 0x9E3779B97F4A7C15L + id + 0x632BE59BD9B4E019L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * A generator for the randomness of sample {@code id} under {@code seed}.
     *
     * @param seed the run's seed
     * @param id the sample's stable identifier
     * @return a new generator seeded with {@link #mix(long, long)}; not thread-safe, use it for this sample only
     */
    public static SplittableRandom forSample(long seed, long id) {
        return new SplittableRandom(mix(seed, id));
    }
}
