package org.dlsec.defence.detection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import org.dlsec.TestSupport;
import org.dlsec.attack.poisoning.Poisoned;
import org.dlsec.attack.poisoning.PoisoningExperiment;
import org.dlsec.attack.poisoning.Poisons;
import org.dlsec.attack.poisoning.Trigger;
import org.dlsec.data.Dataset;
import org.dlsec.model.Architecture;
import org.dlsec.model.DjlClassifier;
import org.dlsec.model.FeatureExtractor;
import org.dlsec.train.TrainConfig;
import org.junit.jupiter.api.Test;

/** Penultimate activations of real models, and activation clustering against a BadNets LeNet on a small MNIST subset. */
class PoisonScreeningTest {
    @Test
    void penultimateFeaturesFeedTheLastLayerToTheLogits() {
        // an untrained LeNet will do: the identity holds for any weights
        DjlClassifier m = org.dlsec.model.Models.create(Architecture.LENET5, new ai.djl.ndarray.types.Shape(1, 28, 28), 10, 3);
        Dataset d = TestSupport.mnistTest(20);
        FeatureExtractor fx = FeatureExtractor.penultimate(m);
        float[][] f = fx.features(d::images, d.size(), 7);
        assertEquals(20, f.length);
        assertEquals(84, f[0].length, "LeNet-5's penultimate layer has 84 units");
        SequentialBlock seq = (SequentialBlock) m.model().getBlock();
        try (m; NDManager mgr = m.model().getNDManager().newSubManager()) {
            NDArray x = d.images(mgr, 0, 20);
            float[] flat = new float[20 * 84];
            for (int i = 0; i < 20; i++) {
                System.arraycopy(f[i], 0, flat, i * 84, 84);
                for (float v : f[i]) {
                    assertTrue(v >= 0, "post-ReLU activations are non-negative");
                }
            }
            NDArray feats = mgr.create(flat, new ai.djl.ndarray.types.Shape(20, 84));
            NDArray logits = seq.getChildren().get(seq.getChildren().size() - 1).getValue()
                    .forward(new ParameterStore(mgr, false), new NDList(feats), false).singletonOrThrow();
            float[] expected = m.predictLogits(x).toFloatArray();
            float[] got = logits.toFloatArray();
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], got[i], 1e-4, "logit " + i);
            }
        }
    }

    @Test
    void activationClusteringFindsBadNetsPoisonsAndRetrainingRemovesTheBackdoor() {
        Dataset train = TestSupport.mnistTrain(3000);
        Dataset test = TestSupport.mnistTest(300);
        Trigger t = Trigger.patch(4);
        Poisoned p = Poisons.backdoor(train, t, 0, 0.03, 3);
        TrainConfig cfg = new TrainConfig(3, 32, "adam", 2e-3, 5, "cosine");
        PoisonDetection d;
        double asr;
        try (DjlClassifier m = PoisoningExperiment.train(Architecture.LENET5, p.data(), cfg, false)) {
            asr = PoisoningExperiment.attackSuccess(m, test, t, 0);
            d = PoisonScreening.screen(m, p.data(), ActivationClustering.defaults(1));
        }
        PoisonDetection.Score s = d.score(p.poisoned());
        System.out.printf("AC on BadNets 3%% of 3000: ASR %.3f, TPR %.3f, FPR %.3f, classes %s%n", asr,
                s.truePositiveRate(), s.falsePositiveRate(), d.toMap().get("suspiciousClasses"));
        assertTrue(asr >= 0.8, "the backdoor must be planted for the test to mean anything: ASR " + asr);
        assertEquals(90, s.poisons());
        assertTrue(s.truePositiveRate() >= 0.8, "TPR " + s.truePositiveRate() + " " + d.toMap());
        assertTrue(s.falsePositiveRate() <= 0.05, "FPR " + s.falsePositiveRate());
        assertTrue(d.classes().get(0).suspicious(), "the target class is flagged");
        PoisonScreening.Retrained r = PoisonScreening.retrain(Architecture.LENET5, p.data(), d, test, cfg, t, 0, false);
        System.out.printf("retrained on %d samples: clean %.3f, ASR %.3f%n", r.trainSamples(), r.cleanAccuracy(),
                r.attackSuccessRate());
        assertEquals(3000 - d.flaggedIndices().length, r.trainSamples());
        assertTrue(r.attackSuccessRate() < asr / 2, "ASR after cleaning " + r.attackSuccessRate() + " vs " + asr);
        assertTrue(r.cleanAccuracy() >= 0.85, "clean accuracy " + r.cleanAccuracy());
    }
}
