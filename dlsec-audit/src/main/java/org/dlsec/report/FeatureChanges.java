package org.dlsec.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.dlsec.attack.evasion.AttackResult;
import org.dlsec.data.Dataset;

/**
 * What an evasion attack did to tabular data, where an image grid shows nothing: the features it
 * changed most on average (mean |adversarial − original|, with the mean original and adversarial
 * values) and, for a few samples (successful ones first), the features it changed most in each, as
 * original → adversarial value. Averages are over the successful adversarial examples, or over all
 * attacked samples when none succeeded.
 *
 * @param over "successful" or "all": which samples the averages are over
 * @param samplesAveraged how many samples the averages are over
 * @param features the most changed features, most changed first
 * @param samples per-sample changes
 */
public record FeatureChanges(String over, int samplesAveraged, List<Feature> features, List<SampleChanges> samples) {
    /** Features listed on average. */
    public static final int TOP_FEATURES = 8;
    /** Samples listed. */
    public static final int SAMPLES = 6;
    /** Changes listed per sample. */
    public static final int PER_SAMPLE = 4;

    /**
     * One feature on average.
     *
     * @param index position in the sample
     * @param name its name (a CSV header's column), or "feature i"
     * @param meanAbsoluteChange mean |adversarial − original|
     * @param meanOriginal mean original value
     * @param meanAdversarial mean adversarial value
     * @param changedShare the share of the samples in which the attack changed it
     */
    public record Feature(int index, String name, double meanAbsoluteChange, double meanOriginal, double meanAdversarial,
            double changedShare) {}

    /** One sample: its index in the audited data, label, the model's answer on the adversarial example, and changes. */
    public record SampleChanges(long index, int label, int adversarialPrediction, boolean success, List<Change> changes) {}

    /** One feature of one sample: original → adversarial value. */
    public record Change(int index, String name, double original, double adversarial) {}

    /** The changes of {@code result}, whose sample ids index {@code data} (feature vectors). */
    public static FeatureChanges of(AttackResult result, Dataset data) {
        int n = result.size();
        int d = data.sampleSize();
        List<String> names = data.featureNames();
        boolean anySuccess = false;
        for (boolean s : result.success()) {
            anySuccess |= s;
        }
        double[] sumAbs = new double[d];
        double[] sumOrig = new double[d];
        double[] sumAdv = new double[d];
        int[] changed = new int[d];
        int counted = 0;
        List<Integer> order = new ArrayList<>();
        for (boolean wantSuccess : new boolean[] {true, false}) {
            for (int i = 0; i < n; i++) {
                if (result.success()[i] == wantSuccess) {
                    order.add(i);
                }
            }
        }
        List<SampleChanges> samples = new ArrayList<>();
        for (int i : order) {
            boolean averaged = !anySuccess || result.success()[i];
            if (!averaged && samples.size() >= SAMPLES) {
                continue;
            }
            float[] orig = data.image((int) result.sampleIds()[i]);
            float[] adv = result.adversarialExample(i);
            if (averaged) {
                counted++;
                for (int j = 0; j < d; j++) {
                    double delta = (double) adv[j] - orig[j];
                    sumAbs[j] += Math.abs(delta);
                    sumOrig[j] += orig[j];
                    sumAdv[j] += adv[j];
                    changed[j] += moved(orig[j], adv[j]) ? 1 : 0;
                }
            }
            if (samples.size() < SAMPLES) {
                List<Change> changes = new ArrayList<>();
                for (int j : mostChanged(orig, adv)) {
                    changes.add(new Change(j, name(names, j), orig[j], adv[j]));
                }
                samples.add(new SampleChanges(result.sampleIds()[i], result.labels()[i],
                        result.adversarialPredictions()[i], result.success()[i], changes));
            }
        }
        List<Feature> features = new ArrayList<>();
        if (counted > 0) {
            for (int j = 0; j < d; j++) {
                features.add(new Feature(j, name(names, j), sumAbs[j] / counted, sumOrig[j] / counted, sumAdv[j] / counted,
                        (double) changed[j] / counted));
            }
        }
        features.sort(Comparator.comparingDouble(Feature::meanAbsoluteChange).reversed()
                .thenComparingInt(Feature::index));
        return new FeatureChanges(anySuccess ? "successful" : "all", counted,
                List.copyOf(features.subList(0, Math.min(TOP_FEATURES, features.size()))), List.copyOf(samples));
    }

    /** The indices of the features {@code adv} moves furthest from {@code orig}, at most {@link #PER_SAMPLE}, moved ones only. */
    private static List<Integer> mostChanged(float[] orig, float[] adv) {
        List<Integer> idx = new ArrayList<>();
        for (int j = 0; j < orig.length; j++) {
            if (moved(orig[j], adv[j])) {
                idx.add(j);
            }
        }
        idx.sort(Comparator.comparingDouble((Integer j) -> -Math.abs((double) adv[j] - orig[j])).thenComparingInt(j -> j));
        return idx.subList(0, Math.min(PER_SAMPLE, idx.size()));
    }

    /** Whether a value moved by more than float rounding. */
    private static boolean moved(float o, float a) {
        return Math.abs((double) a - o) > 1e-6 * Math.max(1.0, Math.abs(o));
    }

    private static String name(List<String> names, int j) {
        return j < names.size() ? names.get(j) : "feature " + j;
    }
}
