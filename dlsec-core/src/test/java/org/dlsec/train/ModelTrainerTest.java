package org.dlsec.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.dlsec.TestSupport;
import org.dlsec.core.DlsecException;
import org.dlsec.data.Dataset;
import org.dlsec.metric.Evaluation;
import org.dlsec.model.Architecture;
import org.dlsec.model.DjlClassifier;
import org.dlsec.model.Engines;
import org.dlsec.model.ModelCard;
import org.dlsec.model.Models;
import org.junit.jupiter.api.Test;

class ModelTrainerTest {
    @Test
    void lenetLearnsMnistAndReportsEveryEpoch() {
        Dataset train = TestSupport.mnistTrain(3000);
        Dataset test = TestSupport.mnistTest(500);
        List<ModelCard.EpochRecord> seen = new ArrayList<>();
        try (DjlClassifier model = Models.create(Architecture.LENET5, train.sampleShape(), 10, 3)) {
            double before = Evaluation.accuracy(model, test);
            ModelCard.Training t = new ModelTrainer(new TrainConfig(3, 64, "adam", 2e-3, 3, "cosine"), null, seen::add, false)
                    .train(model, train, null, test, Map.of());
            assertEquals(3, seen.size());
            assertEquals(3, t.history().size());
            double after = Evaluation.accuracy(model, test);
            assertTrue(before < 0.3, "untrained accuracy " + before);
            assertTrue(after > 0.88, "trained accuracy " + after);
            assertEquals(after, seen.get(2).testAccuracy(), 1e-9);
            assertTrue(seen.get(2).trainLoss() < seen.get(0).trainLoss());
        }
    }

    @Test
    void trainingIsReproducibleFromTheSeed() {
        Dataset train = TestSupport.mnistTrain(512);
        Dataset probe = TestSupport.mnistTest(8);
        float[][] out = new float[2][];
        for (int run = 0; run < 2; run++) {
            try (DjlClassifier model = Models.create(Architecture.LENET5, train.sampleShape(), 10, 11);
                    NDManager m = Engines.newManager()) {
                new ModelTrainer(new TrainConfig(1, 64, "sgd", 0.05, 11, "constant")).train(model, train, null, null, null);
                out[run] = model.predictLogits(probe.images(m, 0, 8)).toFloatArray();
            }
        }
        assertArrayEquals(out[0], out[1]);
    }

    @Test
    void batchNormNetworksTrainAndKeepRunningStatisticsFrozenForAttacks() {
        // a tiny colour dataset: the class is whether the red channel is brighter than the green one
        int n = 256;
        float[] px = new float[n * 3 * 32 * 32];
        int[] y = new int[n];
        java.util.Random r = new java.util.Random(5);
        for (int i = 0; i < n; i++) {
            y[i] = i % 2;
            for (int c = 0; c < 3; c++) {
                float base = (c == y[i]) ? 0.7f : 0.3f;
                for (int p = 0; p < 1024; p++) {
                    px[(i * 3 + c) * 1024 + p] = Math.min(1f, Math.max(0f, base + 0.2f * (float) r.nextGaussian()));
                }
            }
        }
        Dataset d = new Dataset("synthetic", "train", 3, 32, 32, 2, px, y, null, null, "synthetic colours");
        try (DjlClassifier model = Models.create(Architecture.VGG, d.sampleShape(), 2, 5);
                NDManager m = Engines.newManager()) {
            new ModelTrainer(new TrainConfig(2, 32, "adam", 1e-3, 5, "constant")).train(model, d, null, null, Map.of());
            assertTrue(Evaluation.accuracy(model, d) > 0.9, "VGG did not learn an easy task");
            var x = d.images(m, 0, 8);
            assertArrayEquals(model.predictLogits(x).toFloatArray(), model.predictLogits(x).toFloatArray());
            assertEquals(8, model.lossGradient(x, d.labels(m, 0, 8)).getShape().get(0));
        }
    }

    @Test
    void badParametersNameTheParameter() {
        assertTrue(assertThrows(DlsecException.class, () -> new TrainConfig(0, 1, "adam", 1e-3, 0, "cosine"))
                .getMessage().contains("epochs"));
        assertTrue(assertThrows(DlsecException.class, () -> new TrainConfig(1, 1, "adam", -1, 0, "cosine"))
                .getMessage().contains("learning rate"));
        assertTrue(assertThrows(DlsecException.class, () -> new TrainConfig(1, 1, "rmsprop", 1e-3, 0, "cosine"))
                .getMessage().contains("optimizer"));
        assertTrue(assertThrows(DlsecException.class, () -> new TrainConfig(1, 1, "adam", Double.NaN, 0, "cosine"))
                .getMessage().contains("learning rate"));
    }
}
