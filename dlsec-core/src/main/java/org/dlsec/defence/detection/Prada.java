package org.dlsec.defence.detection;

import java.util.ArrayList;
import java.util.List;
import org.dlsec.core.DlsecException;
import org.dlsec.metric.ShapiroWilk;

/**
 * PRADA (Juuti, Szyller, Marchal, Asokan, "PRADA: Protecting against DNN Model Stealing Attacks",
 * IEEE EuroS&amp;P 2019): one detector per client. For every query x predicted as class c it takes the
 * minimum L2 distance d from x to the client's growing set G_c of earlier class-c queries and adds d
 * to the distance set D; x joins G_c when d exceeds the class threshold T_c, which then becomes
 * max(T_c, mean − std of the distances that admitted G_c's members). Natural queries give roughly
 * normally distributed distances; synthetic queries made by small perturbations of earlier ones
 * (Jacobian augmentation, adversarial steps) do not. The client is flagged when the Shapiro–Wilk
 * statistic W of the last {@code window} distances falls below δ. Not thread-safe: one instance
 * per client, used under that client's lock.
 */
public final class Prada {
    /**
     * @param delta flag when W &lt; delta (0..1)
     * @param minDistances distances needed before the first test (at least 12)
     * @param window how many of the most recent distances are tested (12..5000)
     */
    public record Config(double delta, int minDistances, int window) {
        /**
         * Checks every parameter.
         *
         * @param delta flag when W &lt; delta (0..1)
         * @param minDistances distances needed before the first test (at least 12)
         * @param window how many of the most recent distances are tested (12..5000)
         * @throws org.dlsec.core.DlsecException when a parameter is outside its range; the message names it
         */
        public Config {
            DlsecException.require(delta > 0 && delta < 1, "prada delta", "must be in (0, 1), got " + delta);
            DlsecException.require(minDistances >= 12 && minDistances <= 5000, "prada min distances",
                    "must be in 12..5000, got " + minDistances);
            DlsecException.require(window >= minDistances && window <= 5000, "prada window",
                    "must be in " + minDistances + "..5000, got " + window);
        }

        /**
         * dlsec's defaults: flag when W &lt; 0.9, test from 100 distances on, over the last 5,000.
         *
         * @return the configuration
         */
        public static Config defaults() {
            return new Config(0.9, 100, 5000);
        }
    }

    /**
     * The detector's state after the last test: W of the last test, and the lowest W seen (with the
     * query count then), which tells at which δ the client would have been flagged.
     */
    public record Status(boolean flagged, long queries, long detectedAtQuery, double w, int distances, double minW,
            long minWAtQuery) {}

    private final Config config;
    private final List<List<float[]>> growing = new ArrayList<>();
    private final List<double[]> admitted = new ArrayList<>(); // per class: count, sum, sum of squares
    private final List<Double> threshold = new ArrayList<>();
    private double[] ring;
    private int ringSize;
    private int ringNext;
    private long queries;
    private boolean flagged;
    private long detectedAt = -1;
    private double lastW = Double.NaN;
    private double minW = Double.NaN;
    private long minWAt = -1;

    /**
     * A detector for one client.
     *
     * @param config the threshold and the window
     */
    public Prada(Config config) {
        this.config = config;
        this.ring = new double[config.window()];
    }

    /**
     * The configuration.
     *
     * @return the threshold and the window
     */
    public Config config() {
        return config;
    }

    /**
     * Records one query: {@code d} values of {@code x} from {@code offset}, answered with class {@code c}.
     *
     * @param x a buffer holding the query
     * @param offset the query's first value in {@code x}
     * @param d the number of values of a query
     * @param c the class the query was answered with
     */
    public void observe(float[] x, int offset, int d, int c) {
        DlsecException.require(c >= 0 && c < 100_000, "class", "out of range: " + c);
        while (growing.size() <= c) {
            growing.add(new ArrayList<>());
            admitted.add(new double[3]);
            threshold.add(0.0);
        }
        queries++;
        float[] sample = new float[d];
        System.arraycopy(x, offset, sample, 0, d);
        List<float[]> g = growing.get(c);
        if (g.isEmpty()) {
            g.add(sample);
            return;
        }
        double best = Double.POSITIVE_INFINITY;
        for (float[] y : g) {
            double s = 0;
            for (int i = 0; i < d && s < best; i++) {
                double diff = sample[i] - y[i];
                s += diff * diff;
            }
            best = Math.min(best, s);
        }
        double dist = Math.sqrt(best);
        ring[ringNext] = dist;
        ringNext = (ringNext + 1) % ring.length;
        ringSize = Math.min(ringSize + 1, ring.length);
        if (dist > threshold.get(c)) {
            g.add(sample);
            double[] st = admitted.get(c);
            st[0]++;
            st[1] += dist;
            st[2] += dist * dist;
            double mean = st[1] / st[0];
            double std = Math.sqrt(Math.max(0, st[2] / st[0] - mean * mean));
            threshold.set(c, Math.max(threshold.get(c), mean - std));
        }
    }

    /**
     * Runs the test on the recorded distances (when there are enough) and returns the state.
     *
     * @return the state after the test
     */
    public Status check() {
        if (ringSize >= config.minDistances()) {
            double[] window = new double[ringSize];
            for (int i = 0; i < ringSize; i++) {
                window[i] = ring[(ringNext - ringSize + i + ring.length) % ring.length];
            }
            lastW = ShapiroWilk.test(window).w();
            if (Double.isNaN(minW) || lastW < minW) {
                minW = lastW;
                minWAt = queries;
            }
            if (lastW < config.delta() && !flagged) {
                flagged = true;
                detectedAt = queries;
            }
        }
        return status();
    }

    /**
     * The state without running the test.
     *
     * @return whether the client is flagged, and the figures
     */
    public Status status() {
        return new Status(flagged, queries, detectedAt, lastW, ringSize, minW, minWAt);
    }
}
