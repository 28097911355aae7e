package org.dlsec.data;

import java.util.Arrays;
import java.util.Objects;
import org.dlsec.core.DlsecException;

/**
 * The valid range of a dataset's input values: one [lower, upper] for every value (images: [0, 1])
 * or one per feature (tabular data: the training split's per-feature min and max). Attacks keep
 * their outputs inside it.
 *
 * @param lower one value (the same for every feature) or one per feature
 * @param upper as {@code lower}, same length, each ≥ its lower bound
 * @param how where the bounds come from, for the JSON and the report ("[0,1] pixels", "given", ...)
 */
public record DataBounds(float[] lower, float[] upper, String how) {
    /** The pixel range of images scaled to [0, 1]. */
    public static final DataBounds UNIT = new DataBounds(new float[] {0f}, new float[] {1f}, "pixels in [0,1]");

    public DataBounds {
        Objects.requireNonNull(how, "how");
        if (lower.length == 0 || lower.length != upper.length) {
            throw new DlsecException("invalid input bounds: " + lower.length + " lower and " + upper.length
                    + " upper values");
        }
        lower = lower.clone();
        upper = upper.clone();
        for (int i = 0; i < lower.length; i++) {
            if (!Float.isFinite(lower[i]) || !Float.isFinite(upper[i]) || lower[i] > upper[i]) {
                throw new DlsecException("invalid input bounds" + (lower.length > 1 ? " of feature " + i : "")
                        + ": [" + lower[i] + ", " + upper[i] + "] (need finite lower <= upper)");
            }
        }
    }

    /** The same range for every value. */
    public static DataBounds uniform(float lower, float upper, String how) {
        if (!(lower < upper)) {
            throw new DlsecException("invalid input bounds [" + lower + ", " + upper + "]: need lower < upper");
        }
        return new DataBounds(new float[] {lower}, new float[] {upper}, how);
    }

    /** The per-feature min and max of {@code values} (n samples of {@code d} features). */
    public static DataBounds ofData(float[] values, int d, String how) {
        DlsecException.require(values.length > 0 && values.length % d == 0, "data for bounds",
                values.length + " values for " + d + " features");
        float[] lo = new float[d];
        float[] hi = new float[d];
        Arrays.fill(lo, Float.POSITIVE_INFINITY);
        Arrays.fill(hi, Float.NEGATIVE_INFINITY);
        for (int i = 0; i < values.length; i++) {
            int f = i % d;
            lo[f] = Math.min(lo[f], values[i]);
            hi[f] = Math.max(hi[f], values[i]);
        }
        return new DataBounds(lo, hi, how);
    }

    @Override
    public float[] lower() {
        return lower.clone();
    }

    @Override
    public float[] upper() {
        return upper.clone();
    }

    /** True when one range holds for every value. */
    public boolean isUniform() {
        return lower.length == 1;
    }

    /** The smallest lower bound. */
    public float min() {
        float m = lower[0];
        for (float v : lower) {
            m = Math.min(m, v);
        }
        return m;
    }

    /** The largest upper bound. */
    public float max() {
        float m = upper[0];
        for (float v : upper) {
            m = Math.max(m, v);
        }
        return m;
    }

    public float lower(int feature) {
        return lower[isUniform() ? 0 : feature];
    }

    public float upper(int feature) {
        return upper[isUniform() ? 0 : feature];
    }

    /** Fails unless every value of {@code values} (samples of {@code d} features) lies inside; names the first outlier. */
    void check(float[] values, int d, String where) {
        if (!isUniform() && lower.length != d) {
            throw new DlsecException(where + ": " + lower.length + " per-feature bounds for " + d + " features");
        }
        for (int i = 0; i < values.length; i++) {
            int f = i % d;
            float v = values[i];
            if (v < lower(f) || v > upper(f)) {
                throw new DlsecException(where + ": sample " + i / d + ", value " + f + " is " + v
                        + ", outside the input bounds [" + lower(f) + ", " + upper(f) + "] (" + how
                        + "); choose others with --bounds lo,hi or --bounds data");
            }
        }
    }

    /** One line for the JSON and the report: "[0.0, 1.0] (pixels in [0,1])" or "per feature, 4 features, ...". */
    public String describe() {
        if (isUniform()) {
            return "[" + lower[0] + ", " + upper[0] + "] (" + how + ")";
        }
        return "per feature in [" + min() + ", " + max() + "] over " + lower.length + " features (" + how + ")";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DataBounds b && Arrays.equals(lower, b.lower) && Arrays.equals(upper, b.upper)
                && how.equals(b.how);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(lower) + Arrays.hashCode(upper)) + how.hashCode();
    }

    @Override
    public String toString() {
        return describe();
    }
}
