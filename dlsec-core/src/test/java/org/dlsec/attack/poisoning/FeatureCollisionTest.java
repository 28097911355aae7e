package org.dlsec.attack.poisoning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.dlsec.TestSupport;
import org.dlsec.core.DlsecException;
import org.dlsec.data.Dataset;
import org.dlsec.model.Architecture;
import org.dlsec.model.DjlClassifier;
import org.dlsec.train.TrainConfig;
import org.junit.jupiter.api.Test;

/** Poison Frogs: poisons that stay near their base in pixels and land on the target in feature space. */
class FeatureCollisionTest {
    private static final TrainConfig PRETRAIN = new TrainConfig(2, 64, "adam", 2e-3, 3, "cosine");

    @Test
    void poisonsCollideWithTheTargetInFeatureSpaceAndFlipItAfterFinalLayerRetraining() {
        Dataset train = TestSupport.mnistTrain(4000);
        Dataset test = TestSupport.mnistTest(800);
        try (DjlClassifier extractor = PoisoningExperiment.train(Architecture.LENET5, train, PRETRAIN, false)) {
            int[] targets = FeatureCollisionExperiment.chooseTargets(extractor, test, 3, 3, 1);
            assertEquals(3, targets.length);
            FeatureCollision attack = new FeatureCollision(25, 150, 0.1, 0.3);
            // the transfer-learning victim retrains the final layer on its own, smaller set (600 images)
            Dataset fineTune = TestSupport.mnistTrain(4600).subset(java.util.stream.IntStream.range(4000, 4600).toArray(),
                    "the victim's fine-tuning images");
            FeatureCollisionExperiment.Result r = FeatureCollisionExperiment.run(extractor, fineTune, test, targets, 3, 30, attack,
                    new TrainConfig(30, 64, "adam", 1e-2, 5, "cosine"), false);
            int flipped = 0;
            for (FeatureCollisionExperiment.Target t : r.targets()) {
                System.out.printf("target %d (class %d): %d -> %d, feature distance %.3f -> %.3f, pixel L2 %.3f, accuracy %.4f%n",
                        t.index(), t.label(), t.baselinePrediction(), t.poisonedPrediction(), t.meanFeatureDistanceBefore(),
                        t.meanFeatureDistanceAfter(), t.meanPixelL2(), t.cleanAccuracy());
                assertEquals(t.label(), t.baselinePrediction(), "targets are classified correctly before the attack");
                assertTrue(t.meanFeatureDistanceAfter() < t.meanFeatureDistanceBefore() / 10, "collision: "
                        + t.meanFeatureDistanceBefore() + " -> " + t.meanFeatureDistanceAfter());
                float[] target = test.image(t.index());
                for (int i = 0; i < t.bases().length; i++) {
                    assertEquals(3, test.label(t.bases()[i]), "bases come from the base class");
                    float[] base = test.image(t.bases()[i]);
                    double targetToBase = 0;
                    for (int k = 0; k < base.length; k++) {
                        targetToBase += (target[k] - base[k]) * (target[k] - base[k]);
                        float v = t.crafted().poisons()[i][k];
                        assertTrue(v >= 0 && v <= 1, "poison pixels stay in bounds");
                    }
                    assertTrue(t.crafted().pixelL2()[i] < Math.sqrt(targetToBase), "the poison stays nearer its base than the"
                            + " target is: " + t.crafted().pixelL2()[i] + " vs " + Math.sqrt(targetToBase));
                }
                flipped += t.success() ? 1 : 0;
                assertTrue(t.cleanAccuracy() >= r.cleanAccuracyBaseline() - 0.02, "30 poisons barely move clean accuracy: "
                        + t.cleanAccuracy() + " vs " + r.cleanAccuracyBaseline());
            }
            System.out.printf("flipped %d of 3, baseline accuracy %.4f%n", flipped, r.cleanAccuracyBaseline());
            assertTrue(flipped >= 2, "at least two of three targets go to the base class");
            // control: the same number of unmodified base images (one tiny step) does not do it
            FeatureCollisionExperiment.Result control = FeatureCollisionExperiment.run(extractor, fineTune, test, targets, 3, 30,
                    new FeatureCollision(25, 1, 1e-6, 0), new TrainConfig(30, 64, "adam", 1e-2, 5, "cosine"), false);
            long controlFlips = control.targets().stream().filter(FeatureCollisionExperiment.Target::success).count();
            System.out.printf("control with the bases themselves: %d of 3 flipped%n", controlFlips);
            assertTrue(controlFlips < flipped, "the collision, not the extra base-class images, flips the targets");
            assertEquals(30.0 / 630, r.poisonRate(), 1e-12);
        }
    }

    @Test
    void aLargerBetaKeepsThePoisonCloserToItsBase() {
        Dataset train = TestSupport.mnistTrain(1000);
        Dataset test = TestSupport.mnistTest(100);
        try (DjlClassifier extractor = PoisoningExperiment.train(Architecture.LENET5, train, new TrainConfig(1, 32, "adam", 2e-3,
                3, "cosine"), false)) {
            float[] target = test.image(0);
            float[][] bases = {test.image(18), test.image(30)};
            FeatureCollision.Crafted loose = new FeatureCollision(0.25, 60, 0.1, 0).craft(extractor, target, bases);
            FeatureCollision.Crafted tight = new FeatureCollision(250, 60, 0.1, 0).craft(extractor, target, bases);
            assertEquals(0.25 * 84 * 84 / (784.0 * 784.0), loose.beta(), 1e-12, "β = β0 · dim_f² / dim_b²");
            for (int i = 0; i < 2; i++) {
                assertTrue(tight.pixelL2()[i] < loose.pixelL2()[i], tight.pixelL2()[i] + " vs " + loose.pixelL2()[i]);
                assertTrue(loose.featureDistanceAfter()[i] < loose.featureDistanceBefore()[i]);
            }
        }
    }

    @Test
    void badParametersAreRejectedByName() {
        assertTrue(assertThrows(DlsecException.class, () -> new FeatureCollision(-1, 10, 0.1, 0)).getMessage().contains("beta"));
        assertTrue(assertThrows(DlsecException.class, () -> new FeatureCollision(1, 0, 0.1, 0)).getMessage().contains("iterations"));
        assertTrue(assertThrows(DlsecException.class, () -> new FeatureCollision(1, 10, 0, 0)).getMessage().contains("step size"));
        assertTrue(assertThrows(DlsecException.class, () -> new FeatureCollision(1, 10, 0.1, 1)).getMessage().contains("watermark"));
        Dataset train = TestSupport.mnistTrain(200);
        Dataset test = TestSupport.mnistTest(100);
        try (DjlClassifier m = PoisoningExperiment.train(Architecture.LENET5, train, new TrainConfig(1, 32, "adam", 2e-3, 1,
                "cosine"), false)) {
            TrainConfig head = new TrainConfig(1, 32, "adam", 1e-2, 1, "cosine");
            FeatureCollision fc = FeatureCollision.defaults();
            assertTrue(assertThrows(DlsecException.class, () -> FeatureCollisionExperiment.run(m, train, test, new int[] {0}, 10, 1,
                    fc, head, false)).getMessage().contains("base class"));
            int baseIdx = java.util.stream.IntStream.range(0, test.size()).filter(i -> test.label(i) == 3).findFirst().orElseThrow();
            assertTrue(assertThrows(DlsecException.class, () -> FeatureCollisionExperiment.run(m, train, test, new int[] {baseIdx},
                    3, 1, fc, head, false)).getMessage().contains("target index"));
            assertTrue(assertThrows(DlsecException.class, () -> FeatureCollisionExperiment.run(m, train, test, new int[] {5000},
                    3, 1, fc, head, false)).getMessage().contains("target index"));
            assertTrue(assertThrows(DlsecException.class, () -> FeatureCollisionExperiment.run(m, train, test, new int[] {0},
                    3, 500, fc, head, false)).getMessage().contains("poisons"));
        }
    }
}
