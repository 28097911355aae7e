package org.dlsec.defence.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.dlsec.TestSupport;
import org.dlsec.data.Dataset;
import org.dlsec.metric.Evaluation;
import org.dlsec.model.Architecture;
import org.dlsec.model.DjlClassifier;
import org.dlsec.model.ModelCard;
import org.dlsec.model.Models;
import org.dlsec.train.ModelTrainer;
import org.dlsec.train.TrainConfig;
import org.junit.jupiter.api.Test;

class DpSgdTest {
    @Test
    void vectorisedPerExampleGradientsEqualOnePassPerExample() {
        Dataset d = TestSupport.mnistTrain(24);
        try (DjlClassifier model = Models.create(Architecture.LENET5, d.sampleShape(), 10, 3);
                Trainer trainer = model.model().newTrainer(new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss()));
                NDManager m = model.model().getNDManager().newSubManager()) {
            assertTrue(PerExampleGradients.supports(model.model().getBlock()));
            model.setTrainable(true);
            NDArray x = d.images(m, 0, 24);
            NDArray y = d.labels(m, 0, 24);
            double clip = 0.5; // below most norms, so clipping acts
            PerExampleGradients.Clipped v = PerExampleGradients.vectorised(trainer, x, y, clip);
            PerExampleGradients.Clipped l = PerExampleGradients.loop(trainer, x, y, clip);
            int clipped = 0;
            for (int i = 0; i < 24; i++) {
                assertEquals(l.norms()[i], v.norms()[i], 1e-4 * Math.max(1, l.norms()[i]), "norm of example " + i);
                clipped += l.norms()[i] > clip ? 1 : 0;
            }
            assertTrue(clipped > 0);
            assertEquals(l.meanLoss(), v.meanLoss(), 1e-4);
            assertEquals(l.sums().size(), v.sums().size());
            for (int k = 0; k < l.sums().size(); k++) {
                float diff = l.sums().get(k).sub(v.sums().get(k)).abs().max().getFloat();
                float scale = l.sums().get(k).abs().max().getFloat();
                assertTrue(diff <= 1e-4 * Math.max(1, scale), "parameter " + k + ": max |diff| " + diff);
            }
            // the sum of clipped gradients has norm at most (batch × clip)
            double total = 0;
            for (NDArray s : v.sums()) {
                total += s.square().sum().getFloat();
            }
            assertTrue(Math.sqrt(total) <= 24 * clip + 1e-3);
            model.setTrainable(false);
        }
    }

    @Test
    void poissonBatchesHaveTheSamplingRate() {
        DpSgd dp = new DpSgd(new DpSgd.Params(1.1, 1.0, 1e-5), 10_000, 100);
        int[][] batches = dp.batches(10_000, 100, new Random(1));
        assertEquals(100, batches.length);
        long total = 0;
        for (int[] b : batches) {
            total += b.length;
        }
        assertEquals(10_000, total, 400); // mean 10,000, sd about 100
        int[][] again = dp.batches(10_000, 100, new Random(1));
        assertEquals(batches[7].length, again[7].length);
    }

    @Test
    void dpTrainingLearnsAndAccountsPerEpoch() {
        Dataset train = TestSupport.mnistTrain(1_000);
        DjlClassifier model = Models.create(Architecture.LENET5, train.sampleShape(), 10, 5);
        DpSgd dp = new DpSgd(new DpSgd.Params(0.7, 1.0, 1e-5), train.size(), 25);
        ModelCard.Training t = new ModelTrainer(new TrainConfig(2, 25, "adam", 1e-2, 5, "constant"), null, null, dp, null,
                false).train(model, train, null, null, Map.of());
        List<DpSgd.EpochBudget> budgets = dp.budgets();
        assertEquals(2, budgets.size());
        assertEquals(40, budgets.get(0).steps());
        assertEquals(80, dp.steps());
        assertTrue(budgets.get(0).epsilon() > 0 && budgets.get(1).epsilon() > budgets.get(0).epsilon());
        assertEquals(RdpAccountant.epsilon(0.025, 0.7, 80, 1e-5).epsilon(), budgets.get(1).epsilon(), 1e-12);
        assertTrue(dp.isVectorised());
        double acc = Evaluation.accuracy(model, TestSupport.mnistTest(1_000));
        System.out.println("DP-SGD on 1,000 images, 2 epochs: test accuracy " + acc);
        assertTrue(acc > 0.4, "accuracy after 2 noisy epochs on 1,000 images " + acc);
        assertEquals(2, t.history().size());
        model.close();
    }
}
