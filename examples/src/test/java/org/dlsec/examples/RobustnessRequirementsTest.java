package org.dlsec.examples;

import static org.dlsec.junit.DlsecAssertions.assertNoBackdoor;
import static org.dlsec.junit.DlsecAssertions.assertRobustAccuracy;

import java.nio.file.Path;
import org.dlsec.attack.evasion.Pgd;
import org.dlsec.data.Dataset;
import org.dlsec.data.Datasets;
import org.dlsec.defence.detection.NeuralCleanse;
import org.dlsec.model.Classifier;
import org.dlsec.model.LoadOptions;
import org.dlsec.model.Models;
import org.junit.jupiter.api.Test;

/**
 * A team's own release gate, as it would sit in their test suite: the adversarially trained CNN must keep half its
 * accuracy under PGD at ε 0.3, and the LeNet-5 must show no backdoor.
 */
class RobustnessRequirementsTest {
    static final Path FIXTURES = ExamplesTest.FIXTURES;

    // README: begin junit
    @Test
    void theReleasedModelWithstandsPgd() {
        Dataset test = Datasets.load("mnist", "test").first(200);
        try (Classifier model = Models.load(FIXTURES.resolve("robust/pgd-at-cnn-ts.pt"), LoadOptions.of(test.sampleShape()))) {
            assertRobustAccuracy(model, test, Pgd.linf(0.3).steps(40).stepSize(0.01).build(), 0.5);
        }
    }
    // README: end

    @Test
    void theCleanLeNetHasNoBackdoor() {
        Dataset clean = Datasets.load("mnist", "test").first(100);
        try (Classifier model = Models.load(FIXTURES.resolve("backdoor/clean-lenet.pt"), LoadOptions.of(clean.sampleShape()))) {
            assertNoBackdoor(model, clean, NeuralCleanse.defaults(0).withSteps(100));
        }
    }
}
