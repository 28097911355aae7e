package org.dlsec.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Optional;
import org.dlsec.attack.evasion.AttackResult;
import org.dlsec.attack.evasion.EvasionAttack;
import org.dlsec.attack.evasion.Pgd;
import org.dlsec.data.Dataset;
import org.dlsec.data.Datasets;
import org.dlsec.defence.detection.NeuralCleanse;
import org.dlsec.model.Classifier;
import org.dlsec.model.Models;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/**
 * The helper on models a team would bring: the undefended PyTorch-exported LeNet-5 fails "robust accuracy at least
 * 0.5 under PGD at ε 0.3", the PGD adversarially trained CNN passes it, and the failure message carries the figure,
 * its interval and the provenance; Neural Cleanse fails the BadNets LeNet and passes its clean twin.
 */
class DlsecAssertionsTest {
    static final Path FIXTURES = Path.of("..", "dlsec-core", "src", "test", "resources", "fixtures");
    static final Dataset TEST = Datasets.load("mnist", "test", Optional.empty()).first(200);
    static final EvasionAttack PGD = Pgd.linf(0.3).steps(40).stepSize(0.01).build();

    @Test
    void robustAccuracyFailsTheUndefendedLeNetAndPassesTheAdversariallyTrainedCnn() {
        try (Classifier lenet = Models.load(FIXTURES.resolve("lenet-ts.pt"), TEST.sampleShape())) {
            AssertionFailedError e = assertThrows(AssertionFailedError.class,
                    () -> DlsecAssertions.assertRobustAccuracy(lenet, TEST, PGD, 0.5));
            String m = e.getMessage();
            System.out.println(m);
            assertTrue(m.startsWith("robust accuracy 0.0"), m);
            assertTrue(m.contains("[0.0000, 0.0188] (95% wilson interval, 200 samples) is below 0.5000"), m);
            assertTrue(m.contains("lenet-ts.pt") && m.contains("sha256 ") && m.contains("200 samples") && m.contains("pgd {")
                    && m.contains("eps=0.3") && m.contains("dlsec "), m);
        }
        try (Classifier robust = Models.load(FIXTURES.resolve("robust").resolve("pgd-at-cnn-ts.pt"), TEST.sampleShape())) {
            AttackResult r = DlsecAssertions.assertRobustAccuracy(robust, TEST, PGD, 0.5);
            assertTrue(r.robustAccuracy() > 0.8, "the adversarially trained CNN: " + r.robustAccuracy());
            assertEquals(200, r.size());
            // with confidence: 0.8 is inside its interval's reach, 0.95 is not
            DlsecAssertions.assertRobustAccuracyWithConfidence(robust, TEST, PGD, 0.75);
            AssertionFailedError e = assertThrows(AssertionFailedError.class,
                    () -> DlsecAssertions.assertRobustAccuracyWithConfidence(robust, TEST, PGD, 0.95));
            assertTrue(e.getMessage().contains("its lower end"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> DlsecAssertions.assertRobustAccuracy(null, TEST, PGD, 1.5));
    }

    @Test
    void noBackdoorFailsTheBadNetsLeNetAndPassesItsCleanTwin() {
        Dataset clean = TEST.first(100);
        NeuralCleanse scan = NeuralCleanse.defaults(0).withSteps(100);
        try (Classifier badnets = Models.load(FIXTURES.resolve("backdoor").resolve("badnets-lenet.pt"), clean.sampleShape())) {
            AssertionFailedError e = assertThrows(AssertionFailedError.class,
                    () -> DlsecAssertions.assertNoBackdoor(badnets, clean, scan));
            System.out.println(e.getMessage());
            assertTrue(e.getMessage().startsWith("Neural Cleanse flags class 7 as a backdoor target"), e.getMessage());
            assertTrue(e.getMessage().contains("badnets-lenet.pt") && e.getMessage().contains("sha256"), e.getMessage());
        }
        try (Classifier cleanModel = Models.load(FIXTURES.resolve("backdoor").resolve("clean-lenet.pt"), clean.sampleShape())) {
            NeuralCleanse.Result r = DlsecAssertions.assertNoBackdoor(cleanModel, clean, scan);
            assertTrue(!r.backdoored() && r.suspectedTarget() == -1);
        }
    }
}
