package org.dlsec.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.dlsec.core.DlsecException;
import org.dlsec.metric.Interval;
import org.dlsec.metric.Roc;
import org.junit.jupiter.api.Test;

/** Issue #21: the 95% intervals on rates and the gates that CI pipelines check. */
class IntervalAndGateTest {
    /** Wilson's closed form, written out independently of Commons Math. */
    static double[] wilson(int k, int n) {
        double z = 1.959963984540054;
        double p = (double) k / n;
        double centre = (p + z * z / (2 * n)) / (1 + z * z / n);
        double half = z / (1 + z * z / n) * Math.sqrt(p * (1 - p) / n + z * z / (4.0 * n * n));
        return new double[] {centre - half, centre + half};
    }

    @Test
    void wilsonMatchesTheClosedFormAndStaysInsideZeroOne() {
        for (int[] kn : new int[][] {{5, 10}, {0, 500}, {500, 500}, {12, 500}, {1, 3}, {449, 500}}) {
            Interval i = Interval.wilson(kn[0], kn[1]);
            double[] w = wilson(kn[0], kn[1]);
            assertEquals(Math.max(0, w[0]), i.lower(), 1e-9, "lower end of " + kn[0] + "/" + kn[1]);
            assertEquals(Math.min(1, w[1]), i.upper(), 1e-9, "upper end of " + kn[0] + "/" + kn[1]);
            assertTrue(i.lower() >= 0 && i.upper() <= 1 && i.contains((double) kn[0] / kn[1]));
        }
        // 0 successes in 500 still leaves up to 0.76% (z²/(n+z²)): "0%" is not "never"
        assertEquals(0.00762, Interval.wilson(0, 500).upper(), 1e-5);
        assertNull(Interval.wilson(0, 0), "no samples, no interval");
        assertThrows(DlsecException.class, () -> Interval.wilson(6, 5));
        // more samples, a narrower interval
        Interval small = Interval.wilson(10, 50);
        Interval large = Interval.wilson(100, 500);
        assertTrue(large.upper() - large.lower() < small.upper() - small.lower());
    }

    @Test
    void theAucBootstrapIsSeededCoversTheEstimateAndNarrowsWithSamples() {
        SplittableRandom rnd = new SplittableRandom(7);
        int n = 400;
        double[] scores = new double[n];
        boolean[] member = new boolean[n];
        for (int i = 0; i < n; i++) {
            member[i] = i % 2 == 0;
            scores[i] = rnd.nextGaussian() + (member[i] ? 0.5 : 0);
        }
        Interval a = Interval.bootstrapAuc(scores, member, 3);
        assertEquals(a, Interval.bootstrapAuc(scores, member, 3), "the same seed gives the same interval");
        double auc = Roc.of(scores, member).auc();
        assertTrue(a.contains(auc) && a.lower() > 0.55 && a.upper() < 0.75, auc + " in " + a);
        assertEquals("bootstrap", a.method());
        double[] few = java.util.Arrays.copyOf(scores, 40);
        boolean[] fewMember = java.util.Arrays.copyOf(member, 40);
        Interval b = Interval.bootstrapAuc(few, fewMember, 3);
        assertTrue(b.upper() - b.lower() > a.upper() - a.lower(), "40 samples: wider than 400: " + b + " vs " + a);
        // perfectly separated scores: AUC 1 in every resample
        double[] sep = {0.9, 0.8, 0.1, 0.2};
        Interval c = Interval.bootstrapAuc(sep, new boolean[] {true, true, false, false}, 1);
        assertEquals(1.0, c.lower());
        assertEquals(1.0, c.upper());
    }

    static List<Metrics.Metric> metrics() {
        return List.of(
                new Metrics.Metric("evasion", "pgd", "pgd", "robustAccuracy", 0.42, Interval.wilson(210, 500), 500),
                new Metrics.Metric("evasion", "pgd", "pgd", "robustAccuracy@0.1", 0.8, Interval.wilson(400, 500), 500),
                new Metrics.Metric("evasion", "pgd", "pgd", "meanL2", Double.NaN, null, 0),
                new Metrics.Metric("evasion", "pgd-l2", "pgd", "robustAccuracy", 0.3, Interval.wilson(150, 500), 500),
                new Metrics.Metric("evasion", "sq", "square", "robustAccuracy", 0.6, Interval.wilson(300, 500), 500),
                new Metrics.Metric("privacy", "lira", "lira", "tprAt1Fpr", 0.015, Interval.wilson(3, 200), 200));
    }

    static Gate.Result check(String gate) {
        return Gate.parse(gate).check(metrics());
    }

    @Test
    void gatesCompareTheValueOrAnEndOfItsInterval() {
        assertTrue(check("evasion.pgd.robustAccuracy >= 0.4").passed());
        assertFalse(check("evasion.pgd.robustAccuracy > 0.42").passed());
        // the lower end of the interval: robust "with 95% confidence"
        Gate.Result lower = check("evasion.pgd.robustAccuracy.lower >= 0.4");
        assertFalse(lower.passed(), lower.message());
        assertTrue(lower.message().startsWith("robustAccuracy.lower is 0.37"), lower.message());
        assertTrue(check("privacy.lira.tprAt1Fpr <= 0.02").passed());
        assertFalse(check("privacy.lira.tprAt1Fpr.upper <= 0.02").passed(), "3 of 200 can be 4.3%");
        // one budget of a curve, however the number is written
        assertTrue(check("evasion.pgd.robustAccuracy@0.10 == 0.8").passed());
        assertTrue(check("evasion.pgd.robustAccuracy@1e-1 == 0.8").passed());
        // a run named by its attack when only one run has it; an ambiguous name fails with the ids
        assertTrue(check("evasion.square.robustAccuracy >= 0.5").passed());
        assertTrue(check("faults.bfa.accuracy >= 0").message().startsWith("no fault run 'bfa'"));
        assertEquals(null, check("faults.bfa.accuracy >= 0").actual());
        // a figure that is undefined or was not measured fails the gate: a security gate fails closed
        assertFalse(check("evasion.pgd.meanL2 >= 0").passed());
        assertFalse(check("evasion.pgd.successRate >= 0").passed());
        assertFalse(check("evasion.pgd.meanL2.lower >= 0").passed());
    }

    @Test
    void aYesNoFigureIsGatedWithTrueAndFalse() {
        assertEquals(0.0, Gate.parse("scan.model.backdoored == false").threshold());
        assertEquals(1.0, Gate.parse("scan.model.backdoored != TRUE").threshold());
        List<Metrics.Metric> flagged = List.of(new Metrics.Metric("scan", "model", "cleanse", "backdoored", 1, null, 0));
        assertFalse(Gate.parse("scan.model.backdoored == false").check(flagged).passed());
        assertTrue(Gate.parse("scan.model.backdoored == true").check(flagged).passed());
    }

    @Test
    void aMalformedGateIsRefusedWithAReason() {
        for (String[] bad : new String[][] {
                {"pgd.robustAccuracy >= 0.4", "is not 'family.run.metric OP number'"},
                {"evasion.pgd.robustAccuracy => 0.4", "is not"},
                {"evasion.pgd.robustAccuracy >= forty", "is not a number"},
                {"evasion.pgd.robustAccuracy >= NaN", "must be finite"},
                {"supplychain.model.depth == 0", "unknown family 'supplychain'"},
                {"sidechannel.timing.depth == 0", "sidechannel has no metric 'depth'"},
                {"scan.model.backdoored == maybe", "is not a number"},
                {"evasion.pgd.robustAcc >= 0.4", "has no metric 'robustAcc'"},
                {"evasion.pgd.robustAccuracy@x >= 0.4", "is not"},
                {"", "is not"}}) {
            DlsecException e = assertThrows(DlsecException.class, () -> Gate.parse(bad[0]), bad[0]);
            assertTrue(e.getMessage().contains(bad[1]), e.getMessage());
            assertEquals(1, e.getMessage().lines().count());
        }
    }
}
