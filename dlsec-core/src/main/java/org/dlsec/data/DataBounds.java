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

    /**
     * Checks and copies the arrays.
     *
     * @param lower one value (the same for every feature) or one per feature
     * @param upper as {@code lower}, same length, each ≥ its lower bound
     * @param how where the bounds come from, for the JSON and the report ("[0,1] pixels", "given", ...)
     * @throws NullPointerException when {@code how} is null
     * @throws org.dlsec.core.DlsecException when the arrays are empty or differ in length, or a range is not finite
     *         or has lower above upper
     */
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

    /**
     * The same range for every value.
     *
     * @param lower the lower bound of every value
     * @param upper the upper bound, greater than {@code lower}
     * @param how where the bounds come from
     * @return uniform bounds
     * @throws org.dlsec.core.DlsecException when {@code lower >= upper}
     */
    public static DataBounds uniform(float lower, float upper, String how) {
        if (!(lower < upper)) {
            throw new DlsecException("invalid input bounds [" + lower + ", " + upper + "]: need lower < upper");
        }
        return new DataBounds(new float[] {lower}, new float[] {upper}, how);
    }

    /**
     * The per-feature min and max of {@code values} (n samples of {@code d} features).
     *
     * @param values n samples of {@code d} values, one after the other; not kept
     * @param d the number of features, dividing {@code values.length}
     * @param how where the bounds come from
     * @return per-feature bounds of {@code d} features
     * @throws org.dlsec.core.DlsecException when {@code values} is empty or not a whole number of samples
     */
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

    /**
     * The lower bounds.
     *
     * @return a copy: one value, or one per feature
     */
    @Override
    public float[] lower() {
        return lower.clone();
    }

    /**
     * The upper bounds.
     *
     * @return a copy: one value, or one per feature
     */
    @Override
    public float[] upper() {
        return upper.clone();
    }

    /**
     * True when one range holds for every value.
     *
     * @return false for per-feature bounds
     */
    public boolean isUniform() {
        return lower.length == 1;
    }

    /**
     * The smallest lower bound.
     *
     * @return the minimum over {@link #lower()}
     */
    public float min() {
        float m = lower[0];
        for (float v : lower) {
            m = Math.min(m, v);
        }
        return m;
    }

    /**
     * The largest upper bound.
     *
     * @return the maximum over {@link #upper()}
     */
    public float max() {
        float m = upper[0];
        for (float v : upper) {
            m = Math.max(m, v);
        }
        return m;
    }

    /**
     * The lower bound of one feature.
     *
     * @param feature the feature's index in the flattened sample (any index for uniform bounds)
     * @return its lower bound
     */
    public float lower(int feature) {
        return lower[isUniform() ? 0 : feature];
    }

    /**
     * The upper bound of one feature.
     *
     * @param feature the feature's index in the flattened sample (any index for uniform bounds)
     * @return its upper bound
     */
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

    /**
     * One line for the JSON and the report: "[0.0, 1.0] (pixels in [0,1])" or "per feature, 4 features, ...".
     *
     * @return the description
     */
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
