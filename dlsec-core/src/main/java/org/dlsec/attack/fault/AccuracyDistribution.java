package org.dlsec.attack.fault;

import java.util.Arrays;

/**
 * The accuracy over T fault trials with the same number of faults: mean, standard deviation, minimum,
 * 5th/50th/95th percentiles (nearest rank) and maximum, plus every trial's value in trial order.
 */
public record AccuracyDistribution(int faults, int trials, double mean, double std, double min, double p5, double median,
        double p95, double max, double[] accuracies) {

    /**
     * The distribution of {@code accuracies}.
     *
     * @param faults the fault count N of the trials
     * @param accuracies one accuracy per trial, in trial order; copied
     * @return the statistics
     * @throws IllegalArgumentException when there are no trials
     */
    public static AccuracyDistribution of(int faults, double[] accuracies) {
        if (accuracies.length == 0) {
            throw new IllegalArgumentException("no trials");
        }
        double[] s = accuracies.clone();
        Arrays.sort(s);
        double mean = Arrays.stream(s).average().orElseThrow();
        double var = 0;
        for (double a : s) {
            var += (a - mean) * (a - mean);
        }
        double std = s.length > 1 ? Math.sqrt(var / (s.length - 1)) : 0;
        return new AccuracyDistribution(faults, s.length, mean, std, s[0], rank(s, 0.05), rank(s, 0.5), rank(s, 0.95),
                s[s.length - 1], accuracies.clone());
    }

    private static double rank(double[] sorted, double q) {
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }
}
