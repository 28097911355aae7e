package org.dlsec.defence.detection;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dlsec.core.DlsecException;

/**
 * What a detector of poisoned training data decided: which training samples it flags as suspected
 * poisons, and per class the statistic it based that on.
 *
 * @param method detector name ({@code spectral} or {@code ac})
 * @param paper the paper the detector implements
 * @param flagged per training sample, whether it is flagged
 * @param classes per-class figures, in class order
 * @param parameters the detector's parameters
 */
public record PoisonDetection(String method, String paper, boolean[] flagged, List<ClassReport> classes,
        Map<String, Object> parameters) {
    /**
     * Copies the flags, the class reports and the parameters.
     *
     * @param method detector name ({@code spectral} or {@code ac})
     * @param paper the paper the detector implements
     * @param flagged per training sample, whether it is flagged
     * @param classes per-class figures, in class order
     * @param parameters the detector's parameters
     */
    public PoisonDetection {
        flagged = flagged.clone();
        classes = List.copyOf(classes);
        parameters = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    }

    /**
     * @param label the class
     * @param samples training samples carrying this label
     * @param flagged how many of them are flagged
     * @param statistic the detector's per-class statistic (spectral: top singular value share of the
     *        variance; AC: relative size of the smaller cluster)
     * @param suspicious whether the detector considers the class poisoned
     */
    public record ClassReport(int label, int samples, int flagged, double statistic, boolean suspicious) {}

    /**
     * Per training sample, whether it is flagged.
     *
     * @return a copy
     */
    @Override
    public boolean[] flagged() {
        return flagged.clone();
    }

    /**
     * Whether sample {@code i} is flagged.
     *
     * @param i the training sample's index
     * @return true when flagged
     */
    public boolean isFlagged(int i) {
        return flagged[i];
    }

    /**
     * Indices of the flagged samples, ascending.
     *
     * @return a new array
     */
    public int[] flaggedIndices() {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < flagged.length; i++) {
            if (flagged[i]) {
                out.add(i);
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * Indices of the samples kept after removing the flagged ones, ascending.
     *
     * @return a new array
     */
    public int[] keptIndices() {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < flagged.length; i++) {
            if (!flagged[i]) {
                out.add(i);
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * Detection figures against the known poisoned set.
     *
     * @param truePositiveRate flagged poisons / poisons (NaN without poisons)
     * @param falsePositiveRate flagged clean samples / clean samples
     */
    public record Score(int poisons, int clean, int truePositives, int falsePositives, double truePositiveRate,
            double falsePositiveRate, double precision) {}

    /**
     * TPR and FPR of the flags against the indices of the samples that really were poisoned.
     *
     * @param poisoned indices of the samples that were poisoned
     * @return the true- and false-positive rates
     */
    public Score score(int[] poisoned) {
        boolean[] isPoison = new boolean[flagged.length];
        for (int i : poisoned) {
            DlsecException.require(i >= 0 && i < flagged.length, "poisoned", "index " + i + " outside 0.." + (flagged.length - 1));
            isPoison[i] = true;
        }
        int p = 0;
        int tp = 0;
        int fp = 0;
        for (int i = 0; i < flagged.length; i++) {
            p += isPoison[i] ? 1 : 0;
            tp += isPoison[i] && flagged[i] ? 1 : 0;
            fp += !isPoison[i] && flagged[i] ? 1 : 0;
        }
        int clean = flagged.length - p;
        return new Score(p, clean, tp, fp, p == 0 ? Double.NaN : (double) tp / p, clean == 0 ? Double.NaN : (double) fp / clean,
                tp + fp == 0 ? Double.NaN : (double) tp / (tp + fp));
    }

    /**
     * A JSON-ready summary (without the per-sample flags).
     *
     * @return a new mutable map, ready for the JSON mapper
     */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("detector", method);
        m.put("paper", paper);
        m.put("parameters", parameters);
        m.put("flagged", flaggedIndices().length);
        m.put("samples", flagged.length);
        m.put("suspiciousClasses", classes.stream().filter(ClassReport::suspicious).map(ClassReport::label).toList());
        m.put("classes", classes);
        return m;
    }
}
