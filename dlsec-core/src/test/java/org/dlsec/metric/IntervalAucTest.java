package org.dlsec.metric;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The bootstrap's one-pass AUC is {@link Roc#auc()} with unit weights, and a resample's AUC with draw counts. */
class IntervalAucTest {
    static int[] order(double[] s) {
        return IntStream.range(0, s.length).boxed().sorted((a, b) -> Double.compare(s[b], s[a])).mapToInt(i -> i).toArray();
    }

    @Test
    void theWeightedAucIsRocsAucWithTiesCountingOneHalf() {
        double[] tied = {0.3, 0.3, 0.9, 0.1, 0.3, 0.5, 0.5, 0.2};
        boolean[] m = {true, false, true, false, false, true, false, true};
        int[] ones = new int[tied.length];
        Arrays.fill(ones, 1);
        assertEquals(Roc.of(tied, m).auc(), Interval.weightedAuc(tied, m, order(tied), ones), 1e-12);

        // a resample given as draw counts equals Roc on the resample written out
        SplittableRandom rnd = new SplittableRandom(4);
        double[] s = new double[300];
        boolean[] member = new boolean[300];
        for (int i = 0; i < s.length; i++) {
            member[i] = i % 3 == 0;
            s[i] = Math.round(10 * (rnd.nextGaussian() + (member[i] ? 0.4 : 0))) / 10.0; // many ties
        }
        int[] draws = new int[s.length];
        for (int i = 0; i < s.length; i++) {
            draws[rnd.nextInt(s.length)]++;
        }
        draws[0]++; // at least one member
        draws[1]++; // at least one non-member
        int n = Arrays.stream(draws).sum();
        double[] rs = new double[n];
        boolean[] rm = new boolean[n];
        int k = 0;
        for (int i = 0; i < s.length; i++) {
            for (int c = 0; c < draws[i]; c++, k++) {
                rs[k] = s[i];
                rm[k] = member[i];
            }
        }
        assertEquals(Roc.of(rs, rm).auc(), Interval.weightedAuc(s, member, order(s), draws), 1e-12);
    }
}
