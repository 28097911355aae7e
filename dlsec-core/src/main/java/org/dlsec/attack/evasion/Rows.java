package org.dlsec.attack.evasion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import org.dlsec.core.Tensors;

/**
 * Row (sample) selection for attacks that only keep working on the samples they have not finished:
 * gathering a subset of a batch and writing it back, so that gradients are taken (and counted) only
 * for the samples that need them.
 */
final class Rows {
    private Rows() {}

    /** The rows {@code idx} of {@code a} (a new array on a's manager). */
    static NDArray take(NDArray a, int[] idx) {
        try (NDArray i = Tensors.longs(a.getManager(), idx)) {
            return a.get(i);
        }
    }

    /** Writes {@code rows} into rows {@code idx} of {@code a}, in place. */
    static void put(NDArray a, int[] idx, NDArray rows) {
        try (NDArray i = Tensors.longs(a.getManager(), idx)) {
            a.set(new NDIndex("{}", i), rows);
        }
    }

    /** Indices i where {@code flags[i]} is true. */
    static int[] where(boolean[] flags) {
        int k = 0;
        for (boolean f : flags) {
            k += f ? 1 : 0;
        }
        int[] out = new int[k];
        k = 0;
        for (int i = 0; i < flags.length; i++) {
            if (flags[i]) {
                out[k++] = i;
            }
        }
        return out;
    }

    /** {@code ids[idx[j]]} for each j. */
    static long[] select(long[] ids, int[] idx) {
        long[] out = new long[idx.length];
        for (int j = 0; j < idx.length; j++) {
            out[j] = ids[idx[j]];
        }
        return out;
    }
}
