package org.dlsec.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;

/**
 * Finiteness checks for the optimisation loops that must notice a NaN or an infinity of their own
 * making (a gradient, a loss, an iterate) before it reaches the classifier, whose own check reports
 * non-finite <em>inputs</em> as a user-data error. Every temporary array is closed (an {@link NDScope}
 * around each check), so a check on a long-lived array, e.g. a parameter's gradient, leaks nothing.
 */
public final class Finite {
    private Finite() {}

    /**
     * Whether every value of {@code v} is finite.
     *
     * @param v the values to check
     * @return true when no value is NaN or infinite (true for an empty array)
     */
    public static boolean all(float[] v) {
        return all(v, 0, v.length);
    }

    /**
     * Whether {@code v[from..to)} is finite.
     *
     * @param v the values to check
     * @param from the first index checked, inclusive
     * @param to the last index checked, exclusive
     * @return true when no value in the range is NaN or infinite
     * @throws ArrayIndexOutOfBoundsException when the range is not inside {@code v}
     */
    public static boolean all(float[] v, int from, int to) {
        for (int i = from; i < to; i++) {
            if (!Float.isFinite(v[i])) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether every value of {@code v} is finite.
     *
     * @param v the values to check
     * @return true when no value is NaN or infinite (true for an empty array)
     */
    public static boolean all(double[] v) {
        for (double d : v) {
            if (!Double.isFinite(d)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether every value of {@code a} is finite; the temporary arrays are closed.
     *
     * @param a the array to check; not closed or modified, may be on any manager
     * @return true when no element is NaN or infinite
     */
    public static boolean all(NDArray a) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            return !a.isNaN().logicalOr(a.isInfinite()).any().getBoolean();
        }
    }

    /**
     * Per row (the first axis): whether every value of the row is finite. The temporary arrays are
     * closed.
     *
     * @param a an array of shape (n, ...); not closed or modified
     * @return for each of the n rows, true when all of its elements are finite
     */
    public static boolean[] rows(NDArray a) {
        int n = (int) a.getShape().get(0);
        boolean[] out = new boolean[n];
        if (n == 0) {
            return out;
        }
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray flat = a.reshape(n, -1);
            NDArray bad = flat.isNaN().logicalOr(flat.isInfinite()).toType(DataType.INT32, false).sum(new int[] {1});
            int[] counts = bad.toType(DataType.INT32, false).toIntArray();
            for (int i = 0; i < n; i++) {
                out[i] = counts[i] == 0;
            }
        }
        return out;
    }
}
