package org.dlsec.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Tensors;

/**
 * The valid range of every input value; attacks keep their outputs inside it. Either one interval
 * [min, max] for every value (pixels in [0, 1]) or one interval per feature (a tabular model's inputs,
 * bounded by each feature's minimum and maximum on the training data). Per-feature intervals are
 * indexed by a value's position in the flattened sample (row-major, as a sample is stored).
 *
 * <p>{@link #min()} and {@link #max()} are the envelope: the smallest lower and the largest upper
 * bound. Code that clips must use {@link #clip(NDArray)} or {@link #clamp(int, double)}, which honour
 * per-feature intervals.
 */
public final class Bounds {
    /**
     * Pixels: [0, 1] for every value.
     */
    public static final Bounds UNIT = new Bounds(0f, 1f);

    private final float min;
    private final float max;
    private final float[] lo;
    private final float[] hi;

    /**
     * The same interval [min, max] for every input value.
     *
     * @param min the lower bound, finite
     * @param max the upper bound, finite and greater than {@code min}
     * @throws DlsecException when the bounds are not finite or {@code min >= max}
     */
    public Bounds(float min, float max) {
        if (!Float.isFinite(min) || !Float.isFinite(max) || !(min < max)) {
            throw new DlsecException("invalid input bounds [" + min + ", " + max + "]: need finite min < max");
        }
        this.min = min;
        this.max = max;
        this.lo = null;
        this.hi = null;
    }

    private Bounds(float[] lo, float[] hi) {
        this.lo = lo;
        this.hi = hi;
        float a = Float.POSITIVE_INFINITY;
        float b = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < lo.length; i++) {
            a = Math.min(a, lo[i]);
            b = Math.max(b, hi[i]);
        }
        this.min = a;
        this.max = b;
    }

    /**
     * One interval [lo[i], hi[i]] per feature i of the flattened sample. A feature whose interval is
     * empty (constant on the training data: lo = hi) is allowed: attacks cannot change it.
     *
     * @param lo the lower bound of each feature, finite; copied
     * @param hi the upper bound of each feature, finite and at least {@code lo[i]}; copied
     * @return per-feature bounds of {@code lo.length} features
     * @throws DlsecException when the arrays are empty, differ in length, or an interval is invalid
     */
    public static Bounds perFeature(float[] lo, float[] hi) {
        if (lo.length == 0 || lo.length != hi.length) {
            throw new DlsecException("per-feature bounds need as many lower as upper bounds, at least one; got "
                    + lo.length + " and " + hi.length);
        }
        for (int i = 0; i < lo.length; i++) {
            if (!Float.isFinite(lo[i]) || !Float.isFinite(hi[i]) || lo[i] > hi[i]) {
                throw new DlsecException("invalid input bounds for feature " + i + ": [" + lo[i] + ", " + hi[i]
                        + "]: need finite lo <= hi");
            }
        }
        return new Bounds(lo.clone(), hi.clone());
    }

    /**
     * Per-feature bounds from data: the minimum and maximum of each feature over {@code n} samples of
     * {@code d} values, stored one sample after the other.
     *
     * @param values the samples' values one after the other; not kept
     * @param d the number of values per sample, at least 1 and dividing {@code values.length}
     * @return per-feature bounds of {@code d} features
     * @throws DlsecException when {@code values} is not a whole number of non-empty samples of {@code d} values
     */
    public static Bounds ofData(float[] values, int d) {
        if (d < 1 || values.length == 0 || values.length % d != 0) {
            throw new DlsecException("cannot take per-feature bounds of " + values.length + " values in samples of " + d);
        }
        float[] lo = new float[d];
        float[] hi = new float[d];
        Arrays.fill(lo, Float.POSITIVE_INFINITY);
        Arrays.fill(hi, Float.NEGATIVE_INFINITY);
        for (int i = 0; i < values.length; i++) {
            int j = i % d;
            lo[j] = Math.min(lo[j], values[i]);
            hi[j] = Math.max(hi[j], values[i]);
        }
        return perFeature(lo, hi);
    }

    /**
     * The smallest lower bound (the only one, for uniform bounds).
     *
     * @return the envelope's lower end
     */
    public float min() {
        return min;
    }

    /**
     * The largest upper bound (the only one, for uniform bounds).
     *
     * @return the envelope's upper end
     */
    public float max() {
        return max;
    }

    /**
     * {@code max() - min()}: the width of the envelope.
     *
     * @return the envelope's width, positive for uniform bounds
     */
    public float range() {
        return max - min;
    }

    /**
     * True when one interval holds for every value.
     *
     * @return false for per-feature bounds
     */
    public boolean isUniform() {
        return lo == null;
    }

    /**
     * The number of per-feature intervals, or 0 for uniform bounds.
     *
     * @return the interval count
     */
    public int features() {
        return lo == null ? 0 : lo.length;
    }

    /**
     * The lower bound of value {@code j} of a flattened sample.
     *
     * @param j the value's index in the flattened sample, 0 to {@link #features()}−1 for per-feature bounds
     *         (any index for uniform bounds)
     * @return its lower bound
     */
    public float lo(int j) {
        return lo == null ? min : lo[j];
    }

    /**
     * The upper bound of value {@code j} of a flattened sample.
     *
     * @param j the value's index in the flattened sample
     * @return its upper bound
     */
    public float hi(int j) {
        return hi == null ? max : hi[j];
    }

    /**
     * The width of value {@code j}'s interval.
     *
     * @param j the value's index in the flattened sample
     * @return {@code hi(j) - lo(j)}, 0 for a constant feature
     */
    public float range(int j) {
        return hi(j) - lo(j);
    }

    /**
     * {@code v} clamped into value {@code j}'s interval.
     *
     * @param j the value's index in the flattened sample
     * @param v the value to clamp
     * @return the nearest value inside [lo(j), hi(j)]
     */
    public float clamp(int j, double v) {
        return (float) Math.min(hi(j), Math.max(lo(j), v));
    }

    /**
     * A copy of the lower bounds, one per value of a sample of {@code d} values.
     *
     * @param d the number of values per sample
     * @return a new array of {@code d} lower bounds
     * @throws DlsecException when per-feature bounds do not have {@code d} intervals
     */
    public float[] lows(int d) {
        requireFits(d);
        float[] out = new float[d];
        for (int j = 0; j < d; j++) {
            out[j] = lo(j);
        }
        return out;
    }

    /**
     * A copy of the upper bounds, one per value of a sample of {@code d} values.
     *
     * @param d the number of values per sample
     * @return a new array of {@code d} upper bounds
     * @throws DlsecException when per-feature bounds do not have {@code d} intervals
     */
    public float[] highs(int d) {
        requireFits(d);
        float[] out = new float[d];
        for (int j = 0; j < d; j++) {
            out[j] = hi(j);
        }
        return out;
    }

    /**
     * Throws unless these bounds can describe samples of {@code d} values.
     *
     * @param d the number of values per sample
     * @throws DlsecException when these are per-feature bounds with a number of intervals other than {@code d}
     */
    public void requireFits(long d) {
        if (lo != null && lo.length != d) {
            throw new DlsecException("the input bounds have " + lo.length + " per-feature intervals but a sample has "
                    + d + " values");
        }
    }

    /**
     * The lower bounds as an array of shape (1, sample...) on {@code m}, for broadcasting against a
     * batch; a scalar-shaped array for uniform bounds.
     *
     * @param m the manager that owns the new array; the caller closes it (or its manager)
     * @param sampleShape one sample's shape
     * @return a new array: shape (1) for uniform bounds, (1, sample...) for per-feature bounds
     * @throws DlsecException when per-feature bounds do not fit {@code sampleShape}
     */
    public NDArray lower(NDManager m, Shape sampleShape) {
        return edge(m, sampleShape, true);
    }

    /**
     * The upper bounds, as {@link #lower}.
     *
     * @param m the manager that owns the new array
     * @param sampleShape one sample's shape
     * @return a new array: shape (1) for uniform bounds, (1, sample...) for per-feature bounds
     * @throws DlsecException when per-feature bounds do not fit {@code sampleShape}
     */
    public NDArray upper(NDManager m, Shape sampleShape) {
        return edge(m, sampleShape, false);
    }

    private NDArray edge(NDManager m, Shape sampleShape, boolean low) {
        if (lo == null) {
            return Tensors.floats(m, new float[] {low ? min : max}, new Shape(1));
        }
        requireFits(sampleShape.size());
        return Tensors.floats(m, low ? lo : hi, new Shape(1).addAll(sampleShape));
    }

    /**
     * A batch (n, sample...) clipped into the bounds, on x's manager.
     *
     * @param x a batch (n, sample...); not modified or closed
     * @return a new array attached to {@code x}'s manager
     */
    public NDArray clip(NDArray x) {
        if (lo == null) {
            return x.clip(min, max);
        }
        Shape sample = x.getShape().slice(1);
        try (NDArray l = lower(x.getManager(), sample); NDArray h = upper(x.getManager(), sample)) {
            return x.maximum(l).minimum(h);
        }
    }

    /**
     * What the JSON records: {@code {min, max}}, and the per-feature arrays when there are some.
     *
     * @return a new mutable map with keys {@code min}, {@code max} and, for per-feature bounds,
     *         {@code perFeature}, {@code lo} and {@code hi}
     */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("min", min);
        m.put("max", max);
        if (lo != null) {
            m.put("perFeature", true);
            m.put("lo", lo.clone());
            m.put("hi", hi.clone());
        }
        return m;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Bounds b && Float.compare(min, b.min) == 0 && Float.compare(max, b.max) == 0
                && Arrays.equals(lo, b.lo) && Arrays.equals(hi, b.hi);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Float.hashCode(min) + Float.hashCode(max)) + Arrays.hashCode(lo);
    }

    @Override
    public String toString() {
        return lo == null ? "[" + min + ", " + max + "]" : "per-feature bounds of " + lo.length + " features in ["
                + min + ", " + max + "]";
    }
}
