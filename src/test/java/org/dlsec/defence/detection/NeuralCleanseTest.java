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

    @Test
    void flagsTheBackdooredModelAndItsTargetButNotTheCleanModel() {
        Dataset train = TestSupport.mnistTrain(3000);
        Dataset clean = TestSupport.mnistTest(300);
        Trigger t = Trigger.patch(4);
        Poisoned p = Poisons.backdoor(train, t, 3, 0.05, 2);
        TrainConfig cfg = new TrainConfig(3, 32, "adam", 2e-3, 4, "cosine");
        NeuralCleanse.Result bad;
        NeuralCleanse.Result good;
        try (DjlClassifier m = PoisoningExperiment.train(Architecture.LENET5, p.data(), cfg, false)) {
            double asr = PoisoningExperiment.attackSuccess(m, clean, t, 3);
            assertTrue(asr >= 0.8, "the backdoor must be planted: ASR " + asr);
            bad = NC.scan(m, clean, false);
        }
        try (DjlClassifier m = PoisoningExperiment.train(Architecture.LENET5, train, cfg, false)) {
            good = NC.scan(m, clean, false);
        }
        System.out.println("backdoored: " + bad.toMap());
        System.out.println("clean: " + good.toMap());
        assertTrue(bad.backdoored(), "backdoored model not flagged: " + bad.toMap());
        assertEquals(3, bad.suspectedTarget());
        assertTrue(bad.anomalyIndex()[3] > 2, "anomaly index of the target " + bad.anomalyIndex()[3]);
        assertTrue(bad.triggers().get(3).reached(), "a trigger reaching class 3 was found");
        assertFalse(good.backdoored(), "clean model flagged: " + good.toMap());
        assertEquals(-1, good.suspectedTarget());
        assertEquals(28 * 28, bad.triggers().get(0).mask().length);
        for (float v : bad.triggers().get(3).mask()) {
            assertTrue(v >= 0 && v <= 1);
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
