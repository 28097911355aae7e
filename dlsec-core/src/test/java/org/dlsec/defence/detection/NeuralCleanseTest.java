package org.dlsec.defence.detection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.dlsec.TestSupport;
import org.dlsec.attack.poisoning.Poisoned;
import org.dlsec.attack.poisoning.PoisoningExperiment;
import org.dlsec.attack.poisoning.Poisons;
import org.dlsec.attack.poisoning.Trigger;
import org.dlsec.core.DlsecException;
import org.dlsec.data.Dataset;
import org.dlsec.model.Architecture;
import org.dlsec.model.DjlClassifier;
import org.dlsec.train.TrainConfig;
import org.junit.jupiter.api.Test;

/** Neural Cleanse on a small BadNets LeNet and on the same LeNet trained on clean data. */
class NeuralCleanseTest {
    static final NeuralCleanse NC = new NeuralCleanse(120, 32, 0.1, 0.01, 0.9, 2.0, 10, 1);

    /**
     * The full ten-class scan costs minutes on this machine (measured once on small data: BadNets 5%
     * of 3000 MNIST images, 120 steps per class: anomaly index 3.29 on the target, clean model 1.88,
     * see BENCHMARKS.md); the test reverse-engineers two classes of a backdoored LeNet and checks that
     * the target's trigger is far smaller, then the MAD verdict on given norms.
     */
    @Test
    void theBackdoorTargetNeedsAMuchSmallerTrigger() {
        Dataset train = TestSupport.mnistTrain(2000);
        Dataset clean = TestSupport.mnistTest(200);
        Trigger t = Trigger.patch(4);
        Poisoned p = Poisons.backdoor(train, t, 3, 0.05, 2);
        TrainConfig cfg = new TrainConfig(3, 32, "adam", 2e-3, 4, "cosine");
        try (DjlClassifier m = PoisoningExperiment.train(Architecture.LENET5, p.data(), cfg, false)) {
            double asr = PoisoningExperiment.attackSuccess(m, clean, t, 3);
            assertTrue(asr >= 0.8, "the backdoor must be planted: ASR " + asr);
            NeuralCleanse.ClassTrigger target = NC.reverse(m, clean, 3, org.dlsec.core.Progress.none());
            NeuralCleanse.ClassTrigger other = NC.reverse(m, clean, 5, org.dlsec.core.Progress.none());
            System.out.printf("reversed trigger L1: target %.1f (success %.2f), class 5 %.1f (success %.2f)%n",
                    target.maskL1(), target.attackSuccess(), other.maskL1(), other.attackSuccess());
            assertTrue(target.reached(), "a trigger reaching the target was found");
            assertTrue(target.maskL1() < 0.6 * other.maskL1(), target.maskL1() + " vs " + other.maskL1());
            assertEquals(28 * 28, target.mask().length);
            assertEquals(28 * 28, target.pattern().length);
            for (float v : target.mask()) {
                assertTrue(v >= 0 && v <= 1);
            }
        }
    }

    @Test
    void madVerdictFlagsTheSmallOutlierOnly() {
        java.util.List<NeuralCleanse.ClassTrigger> ts = new java.util.ArrayList<>();
        double[] l1 = {50, 52, 47, 12, 49, 55, 51, 48, 90, 53};
        for (int i = 0; i < l1.length; i++) {
            ts.add(new NeuralCleanse.ClassTrigger(i, new float[1], new float[1], l1[i], 1, true));
        }
        NeuralCleanse.Result r = NC.verdict(ts, 0);
        assertEquals(50.5, r.median(), 1e-12);
        // |deviations| sorted: 0.5 0.5 1.5 1.5 2.5 2.5 3.5 4.5 38.5 39.5 -> median 2.5, MAD 1.4826 * 2.5
        assertEquals(1.4826 * 2.5, r.mad(), 1e-9);
        assertTrue(r.backdoored());
        assertEquals(3, r.suspectedTarget());
        assertEquals(38.5 / (1.4826 * 2.5), r.anomalyIndex()[3], 1e-9);
        assertTrue(r.anomalyIndex()[8] < 0, "a large mask is not a backdoor (negative index)");
        ts.set(3, new NeuralCleanse.ClassTrigger(3, new float[1], new float[1], 12, 0.3, false));
        assertFalse(NC.verdict(ts, 0).backdoored(), "a small mask that never reached the class is not a trigger");
        double[] flat = {50, 52, 47, 45, 49, 55, 51, 48, 53, 53};
        ts.clear();
        for (int i = 0; i < flat.length; i++) {
            ts.add(new NeuralCleanse.ClassTrigger(i, new float[1], new float[1], flat[i], 1, true));
        }
        NeuralCleanse.Result c = NC.verdict(ts, 0);
        assertFalse(c.backdoored(), java.util.Arrays.toString(c.anomalyIndex()));
        assertEquals(-1, c.suspectedTarget());
    }

    @Test
    void aReversedTriggerStampsMaskTimesPattern() {
        Dataset d = TestSupport.mnistTest(3);
        float[] mask = new float[28 * 28];
        float[] pattern = new float[28 * 28];
        mask[0] = 1f;
        mask[1] = 0.5f;
        pattern[0] = 0.25f;
        pattern[1] = 1f;
        Dataset s = new NeuralCleanse.ClassTrigger(4, mask, pattern, 1.5, 1, true).stamp(d);
        for (int i = 0; i < 3; i++) {
            float[] a = d.image(i);
            float[] b = s.image(i);
            assertEquals(0.25f, b[0], 1e-6);
            assertEquals(0.5f * a[1] + 0.5f, b[1], 1e-6);
            for (int k = 2; k < a.length; k++) {
                assertEquals(a[k], b[k], 0f);
            }
            assertEquals(d.label(i), s.label(i));
        }
    }

    @Test
    void medianAndParameters() {
        assertEquals(2.0, NeuralCleanse.median(new double[] {3, 1, 2}), 0);
        assertEquals(2.5, NeuralCleanse.median(new double[] {4, 1, 2, 3}), 0);
        assertTrue(assertThrows(DlsecException.class, () -> new NeuralCleanse(0, 32, 0.1, 0.01, 0.9, 2, 10, 1)).getMessage()
                .contains("steps"));
        assertTrue(assertThrows(DlsecException.class, () -> new NeuralCleanse(10, 32, 0.1, 0.01, 1.5, 2, 10, 1)).getMessage()
                .contains("success threshold"));
        assertTrue(assertThrows(DlsecException.class, () -> new NeuralCleanse(10, 32, 0.1, 0.01, 0.9, 0, 10, 1)).getMessage()
                .contains("anomaly threshold"));
    }
}
