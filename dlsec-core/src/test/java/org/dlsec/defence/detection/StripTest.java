package org.dlsec.defence.detection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.IntStream;
import org.dlsec.TestSupport;
import org.dlsec.attack.poisoning.Poisoned;
import org.dlsec.attack.poisoning.PoisoningExperiment;
import org.dlsec.attack.poisoning.Poisons;
import org.dlsec.attack.poisoning.Trigger;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Progress;
import org.dlsec.data.Dataset;
import org.dlsec.model.Architecture;
import org.dlsec.model.DjlClassifier;
import org.dlsec.train.TrainConfig;
import org.junit.jupiter.api.Test;

/** STRIP on a small BadNets LeNet: triggered inputs keep a low entropy under superimposition. */
class StripTest {
    @Test
    void separatesTriggeredFromCleanInputsAtTheFrrThreshold() {
        Dataset train = TestSupport.mnistTrain(2000);
        Dataset test = TestSupport.mnistTest(600);
        Trigger t = Trigger.patch(4);
        int target = 3;
        Poisoned p = Poisons.backdoor(train, t, target, 0.05, 2);
        TrainConfig cfg = new TrainConfig(3, 32, "adam", 2e-3, 4, "cosine");
        try (DjlClassifier m = PoisoningExperiment.train(Architecture.LENET5, p.data(), cfg, false)) {
            double asr = PoisoningExperiment.attackSuccess(m, test, t, target);
            assertTrue(asr >= 0.8, "the backdoor must be planted: ASR " + asr);
            Dataset[] parts = Strip.split(test, 5);
            assertEquals(600, parts[0].size() + parts[1].size() + parts[2].size());
            Dataset held = parts[2];
            int[] keep = IntStream.range(0, held.size()).filter(i -> held.label(i) != target).toArray();
            Dataset triggered = t.stamp(held.subset(keep, "non-target"));
            Strip strip = new Strip(20, 0.05, Strip.ThresholdRule.PERCENTILE, 1, 1, 7);
            Strip.Result r = strip.evaluate(m, parts[0], parts[1], held, triggered, false);
            Strip.Summary clean = Strip.Summary.of(r.clean());
            Strip.Summary trig = Strip.Summary.of(r.triggered());
            System.out.printf("STRIP N=20: threshold %.4f, calibration FRR %.3f, held-out FRR %.3f, FAR %.3f;"
                    + " entropy clean mean %.3f, triggered mean %.3f%n", r.threshold(), r.calibrationFrr(), r.frr(), r.far(),
                    clean.mean(), trig.mean());
            assertEquals(held.size(), r.clean().length);
            assertEquals(triggered.size(), r.triggered().length);
            assertTrue(r.calibrationFrr() <= 0.05, "the percentile threshold rejects at most 5% of calibration: " + r.calibrationFrr());
            assertTrue(r.frr() <= 0.15, "held-out FRR near the 5% target: " + r.frr());
            assertTrue(r.far() < 0.3, "most triggered inputs are rejected: FAR " + r.far());
            assertTrue(trig.mean() < clean.mean() / 2, trig.mean() + " vs " + clean.mean());
            // FAR and FRR are the shares on either side of the threshold, recomputed here
            assertEquals(1 - Strip.rejected(r.triggered(), r.threshold()), r.far(), 1e-12);
            for (double e : r.clean()) {
                assertTrue(e >= 0 && e <= Math.log(10) / Math.log(2) + 1e-6, "entropy in [0, log2 10]: " + e);
            }
            // seeded and independent of batching: the first 5 inputs alone get the same entropies
            double[] again = strip.entropies(m, held.first(5), parts[0], 2, Progress.none());
            double[] head = java.util.Arrays.copyOf(r.clean(), 5);
            assertArrayEquals(head, again, 1e-5);
            // the paper's normal-fit rule gives a threshold near the percentile one here
            Strip normal = new Strip(20, 0.05, Strip.ThresholdRule.NORMAL, 1, 1, 7);
            double tn = normal.threshold(r.calibration());
            Strip.Summary cal = Strip.Summary.of(r.calibration());
            assertEquals(cal.mean() - 1.6448536 * cal.std(), tn, 1e-6);
        }
    }

    @Test
    void percentileThresholdRejectsAtMostTheTargetShare() {
        Strip s = new Strip(10, 0.1, Strip.ThresholdRule.PERCENTILE, 1, 1, 0);
        double[] e = new double[20];
        for (int i = 0; i < e.length; i++) {
            e[i] = i;
        }
        assertEquals(2.0, s.threshold(e), 0);
        assertEquals(0.1, Strip.rejected(e, s.threshold(e)), 1e-12);
        assertEquals(0.0, Strip.rejected(new double[] {5, 6}, 5), 0);
        Strip.Summary sum = Strip.Summary.of(e);
        assertEquals(9.5, sum.mean(), 1e-12);
        assertEquals(9.5, sum.median(), 1e-12);
        assertEquals(0, sum.min(), 0);
        assertEquals(19, sum.max(), 0);
        int[] d = s.draw(50, 1, 3);
        assertEquals(10, java.util.Arrays.stream(d).distinct().count(), "distinct overlays when the pool is large enough");
        assertArrayEquals(d, s.draw(50, 1, 3));
    }

    @Test
    void badParametersAreRefusedByName() {
        assertTrue(assertThrows(DlsecException.class, () -> new Strip(0, 0.05, Strip.ThresholdRule.PERCENTILE, 1, 1, 0))
                .getMessage().contains("overlays"));
        assertTrue(assertThrows(DlsecException.class, () -> new Strip(-3, 0.05, Strip.ThresholdRule.PERCENTILE, 1, 1, 0))
                .getMessage().contains("overlays"));
        for (double frr : new double[] {0, 1, -0.1, 1.5, Double.NaN}) {
            assertTrue(assertThrows(DlsecException.class, () -> new Strip(10, frr, Strip.ThresholdRule.NORMAL, 1, 1, 0))
                    .getMessage().contains("frr"), "frr " + frr);
        }
        assertTrue(assertThrows(DlsecException.class, () -> new Strip(10, 0.05, Strip.ThresholdRule.NORMAL, 0, 1, 0))
                .getMessage().contains("input weight"));
        assertTrue(assertThrows(DlsecException.class, () -> Strip.ThresholdRule.parse("median")).getMessage()
                .contains("percentile or normal"));
        assertTrue(assertThrows(DlsecException.class, () -> Strip.split(TestSupport.mnistTest(2), 0)).getMessage()
                .contains("at least 3"));
    }
}
