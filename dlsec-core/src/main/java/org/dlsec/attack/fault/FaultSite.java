package org.dlsec.attack.fault;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

/** Uniform sampling of distinct bit positions in a flat bit space (weights × bits per weight). */
final class FaultSite {
    private FaultSite() {}

    /** {@code n} distinct positions in [0, total), in the order drawn. */
    static long[] sample(long total, int n, SplittableRandom rnd) {
        if (n > total) {
            throw new IllegalArgumentException(n + " faults but only " + total + " bits");
        }
        Set<Long> seen = new HashSet<>();
        long[] out = new long[n];
        int k = 0;
        while (k < n) {
            long p = rnd.nextLong(total);
            if (seen.add(p)) {
                out[k++] = p;
            }
        }
        return out;
    }
}
