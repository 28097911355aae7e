package org.dlsec.defence.detection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.dlsec.TestModels;
import org.dlsec.TestSupport;
import org.dlsec.attack.evasion.AttackResult;
import org.dlsec.attack.evasion.EvasionRunner;
import org.dlsec.attack.evasion.Pgd;
import org.dlsec.core.DlsecException;
import org.dlsec.data.Dataset;
import org.dlsec.defence.preprocess.GaussianNoise;
import org.dlsec.model.Classifier;
import org.junit.jupiter.api.Test;

/** Feature squeezing (Xu et al. 2018): calibrated thresholds and detection of PGD examples. */
class FeatureSqueezingDetectorTest {
    @Test
    void thresholdFlagsTheStatedFractionOfCleanScores() {
        double[] clean = new double[100];
        for (int i = 0; i < clean.length; i++) {
            clean[i] = i / 100.0;
        }
        double t = FeatureSqueezingDetector.threshold(clean, 0.05);
        FeatureSqueezingDetector.Evaluation e = FeatureSqueezingDetector.evaluate(t, 0.05, 100, new double[] {0.99, 0.5}, clean);
        assertEquals(0.05, e.falsePositiveRate(), 1e-12);
        assertEquals(0.5, e.detectionRate(), 1e-12);
        assertThrows(DlsecException.class, () -> FeatureSqueezingDetector.threshold(clean, 0));
        assertThrows(DlsecException.class, () -> FeatureSqueezingDetector.threshold(new double[0], 0.05));
    }

    @Test
    void pgdExamplesScoreHigherThanCleanInputs() {
        Classifier model = TestModels.mnistLenet();
        FeatureSqueezingDetector det = FeatureSqueezingDetector.forInput(model);
        Dataset calibration = TestSupport.mnistTrain(10_000).sample(300, 5);
        Dataset test = TestSupport.mnistTest(120);
        double[] cal = det.scores(calibration, calibration.size());
        double t = FeatureSqueezingDetector.threshold(cal, 0.05);
        AttackResult r = EvasionRunner.run(Pgd.linf(0.1).steps(20).stepSize(0.01).build(), model, test, null, 120, false);
        double[] adv = det.scores(r.adversarial(), test);
        double[] successful = new double[adv.length];
        int k = 0;
        for (int i = 0; i < adv.length; i++) {
            if (r.success()[i]) {
                successful[k++] = adv[i];
            }
        }
        successful = Arrays.copyOf(successful, k);
        assertTrue(k >= 20, "PGD ε=0.1 fools enough samples: " + k);
        FeatureSqueezingDetector.Evaluation e = FeatureSqueezingDetector.evaluate(t, 0.05, cal.length, successful,
                det.scores(test, test.size()));
        assertTrue(e.falsePositiveRate() <= 0.12, "clean FPR near the calibrated 5%: " + e);
        assertTrue(e.detectionRate() >= 0.5, "feature squeezing detects most L∞ PGD examples: " + e);
        assertTrue(det.scores(test, 10)[0] >= 0);
        assertThrows(DlsecException.class, () -> new FeatureSqueezingDetector(model, List.of(new GaussianNoise(0.1)), 10));
    }
}
