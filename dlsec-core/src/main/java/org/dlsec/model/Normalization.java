package org.dlsec.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Tensors;

/**
 * The input normalisation a model was trained with, z = (x − mean) / std, per channel of an image
 * (C values for (C, H, W) samples), per feature (one value per value of the sample), or one value
 * for all. Parsed from {@code mean=0.485,0.456,0.406,std=0.229,0.224,0.225} (the order of the two keys
 * is free; a number after a key belongs to it until the next key).
 */
public record Normalization(float[] mean, float[] std) {
    /**
     * Checks and copies the arrays.
     *
     * @param mean the means: one value, one per channel or one per feature; finite
     * @param std the standard deviations, as many as means; finite and positive
     * @throws DlsecException when the counts differ or a value is invalid; the message names {@code --normalize}
     */
    public Normalization {
        DlsecException.require(mean.length >= 1 && mean.length == std.length, "--normalize",
                "needs as many mean as std values, at least one; got " + mean.length + " and " + std.length);
        for (int i = 0; i < mean.length; i++) {
            DlsecException.require(Float.isFinite(mean[i]), "--normalize", "mean value " + (i + 1) + " is not finite");
            DlsecException.require(Float.isFinite(std[i]) && std[i] > 0, "--normalize",
                    "std value " + (i + 1) + " must be finite and > 0, got " + std[i]);
        }
        mean = mean.clone();
        std = std.clone();
    }

    /**
     * Parses {@code mean=a,b,c,std=d,e,f}; a bad value fails with the entry named.
     *
     * @param spec e.g. {@code mean=0.485,0.456,0.406,std=0.229,0.224,0.225}
     * @return the normalisation
     * @throws DlsecException when the text is empty, a key is unknown or repeated, or a value is not a number
     */
    public static Normalization parse(String spec) {
        DlsecException.require(spec != null && !spec.isBlank(), "--normalize", "is empty: expected mean=...,std=...");
        List<Float> mean = new ArrayList<>();
        List<Float> std = new ArrayList<>();
        List<Float> cur = null;
        for (String raw : spec.split(",")) {
            String item = raw.trim();
            int eq = item.indexOf('=');
            if (eq >= 0) {
                String key = item.substring(0, eq).trim().toLowerCase(Locale.ROOT);
                cur = switch (key) {
                    case "mean" -> mean;
                    case "std" -> std;
                    default -> throw new DlsecException("--normalize: unknown key '" + org.dlsec.core.Text.echo(key) + "': expected mean= and std=");
                };
                if (!cur.isEmpty()) {
                    throw new DlsecException("--normalize: " + key + "= given twice");
                }
                item = item.substring(eq + 1).trim();
            }
            if (cur == null) {
                throw new DlsecException("--normalize: '" + org.dlsec.core.Text.echo(item) + "' comes before mean= or std=");
            }
            try {
                cur.add(Float.parseFloat(item));
            } catch (NumberFormatException e) {
                throw new DlsecException("--normalize: '" + org.dlsec.core.Text.echo(item) + "' (value " + (cur.size() + 1) + " of "
                        + (cur == mean ? "mean" : "std") + ") is not a number");
            }
        }
        DlsecException.require(!mean.isEmpty() && !std.isEmpty(), "--normalize", "needs both mean= and std=");
        return new Normalization(toArray(mean), toArray(std));
    }

    private static float[] toArray(List<Float> l) {
        float[] a = new float[l.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = l.get(i);
        }
        return a;
    }

    /**
     * The shape mean and std take to broadcast against a batch of {@code sample}s: (1) for one value,
     * (1, C, 1, …) per channel, (1, sample...) per feature. Fails unless the count fits the sample.
     *
     * @param sample one sample's shape
     * @return the broadcast shape, with a leading batch dimension of 1
     * @throws DlsecException when the number of values fits neither one, the channels nor the features
     */
    public Shape broadcastShape(Shape sample) {
        int k = mean.length;
        if (k == 1) {
            return new Shape(1);
        }
        if (k == sample.size()) {
            return new Shape(1).addAll(sample);
        }
        if (sample.dimension() >= 2 && k == sample.get(0)) {
            long[] s = new long[sample.dimension() + 1];
            Arrays.fill(s, 1);
            s[1] = k;
            return new Shape(s);
        }
        throw new DlsecException("--normalize has " + k + " values, but samples of shape " + sample + " have "
                + (sample.dimension() >= 2 ? sample.get(0) + " channels and " : "") + sample.size()
                + " values: give one value, one per channel or one per feature");
    }

    /**
     * What it normalises over, for provenance: all, channel or feature.
     *
     * @param sample one sample's shape
     * @return {@code all}, {@code channel} or {@code feature}
     * @throws DlsecException when the number of values does not fit {@code sample}
     */
    public String granularity(Shape sample) {
        broadcastShape(sample);
        return mean.length == 1 ? "all" : mean.length == sample.size() ? "feature" : "channel";
    }

    /**
     * {@code x} (samples of shape {@code sample}, one after the other) normalised, in a new array: the
     * same map as {@link NormalizedClassifier} applies to a batch, for code that needs the model's own view.
     *
     * @param x the samples' values one after the other; not modified
     * @param sample one sample's shape
     * @return a new array of the same length
     * @throws DlsecException when {@code x} is not a whole number of samples or the values do not fit
     */
    public float[] apply(float[] x, Shape sample) {
        broadcastShape(sample);
        int d = Math.toIntExact(sample.size());
        DlsecException.require(x.length % d == 0, "normalised data", x.length + " values are not samples of " + d);
        int k = mean.length;
        long per = k == 1 || k == d ? 1 : d / k;
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            int j = i % d;
            int c = k == 1 ? 0 : k == d ? j : (int) (j / per);
            out[i] = (x[i] - mean[c]) / std[c];
        }
        return out;
    }

    NDArray meanArray(NDManager m, Shape sample) {
        return Tensors.floats(m, mean, broadcastShape(sample));
    }

    NDArray stdArray(NDManager m, Shape sample) {
        return Tensors.floats(m, std, broadcastShape(sample));
    }

    /**
     * What the JSON records about this normalisation.
     *
     * @param sample one sample's shape
     * @return a new map with keys {@code mean}, {@code std} and {@code per} ({@link #granularity})
     * @throws DlsecException when the number of values does not fit {@code sample}
     */
    public Map<String, Object> describe(Shape sample) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mean", mean.clone());
        m.put("std", std.clone());
        m.put("per", granularity(sample));
        return m;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Normalization n && Arrays.equals(mean, n.mean) && Arrays.equals(std, n.std);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(mean) + Arrays.hashCode(std);
    }

    @Override
    public String toString() {
        return "mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std);
    }
}
