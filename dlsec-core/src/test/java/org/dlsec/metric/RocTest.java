package org.dlsec.metric;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.dlsec.core.DlsecException;
import org.junit.jupiter.api.Test;

class RocTest {
    @Test
    void perfectReversedAndTiedScores() {
        boolean[] pos = {true, true, false, false};
        Roc perfect = Roc.of(new double[] {4, 3, 2, 1}, pos);
        assertEquals(1.0, perfect.auc(), 1e-12);
        assertEquals(1.0, perfect.balancedAccuracy(), 1e-12);
        assertEquals(1.0, perfect.tprAtFpr(0.001), 1e-12);
        Roc reversed = Roc.of(new double[] {1, 2, 3, 4}, pos);
        assertEquals(0.0, reversed.auc(), 1e-12);
        assertEquals(0.0, reversed.tprAtFpr(0.01), 1e-12);
        assertEquals(0.5, reversed.balancedAccuracy(), 1e-12); // the all-or-nothing thresholds
        Roc tied = Roc.of(new double[] {7, 7, 7, 7}, pos);
        assertEquals(0.5, tied.auc(), 1e-12);
        assertEquals(0.0, tied.tprAtFpr(0.5), 1e-12); // no threshold separates tied samples
        assertEquals(List.of(0.0, 1.0), tied.points().stream().map(Roc.Point::fpr).toList());
    }

    @Test
    void handWorkedExample() {
        // scores 0.9(P) 0.8(N) 0.7(P) 0.6(P) 0.5(N) 0.4(N): pairs P>N = 3+2+2 = 7 of 9
        Roc r = Roc.of(new double[] {0.9, 0.8, 0.7, 0.6, 0.5, 0.4}, new boolean[] {true, false, true, true, false, false});
        assertEquals(7.0 / 9, r.auc(), 1e-12);
        assertEquals(1.0 / 3, r.tprAtFpr(0.0), 1e-12);
        assertEquals(1.0, r.tprAtFpr(1.0 / 3), 1e-12);
        assertEquals((1 + 2.0 / 3) / 2, r.balancedAccuracy(), 1e-12);
        assertEquals(3, r.positives());
        assertEquals(3, r.negatives());
    }

    @Test
    void aucEqualsTheMannWhitneyProbabilityWithTies() {
        Random rnd = new Random(5);
        int n = 600;
        double[] s = new double[n];
        boolean[] p = new boolean[n];
        for (int i = 0; i < n; i++) {
            p[i] = rnd.nextBoolean();
            s[i] = Math.round((rnd.nextGaussian() + (p[i] ? 0.7 : 0)) * 4) / 4.0; // coarse: many ties
        }
        double wins = 0;
        long pairs = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (p[i] && !p[j]) {
                    pairs++;
                    wins += s[i] > s[j] ? 1 : s[i] == s[j] ? 0.5 : 0;
                }
            }
        }
        Roc r = Roc.of(s, p);
        assertEquals(wins / pairs, r.auc(), 1e-12);
        assertTrue(r.auc() > 0.6);
        List<Roc.Point> few = r.points(20);
        assertTrue(few.size() <= 21);
        assertEquals(0.0, few.get(0).fpr());
        assertEquals(1.0, few.get(few.size() - 1).tpr());
    }

    @Test
    void rejectsBadInput() {
        assertThrows(DlsecException.class, () -> Roc.of(new double[] {1, 2}, new boolean[] {true, true}));
        assertThrows(DlsecException.class, () -> Roc.of(new double[] {1, Double.NaN}, new boolean[] {true, false}));
        assertThrows(DlsecException.class, () -> Roc.of(new double[] {1}, new boolean[] {true, false}));
    }
}
