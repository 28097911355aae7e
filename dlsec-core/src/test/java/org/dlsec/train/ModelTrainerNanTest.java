package org.dlsec.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.List;
import java.util.Map;
import org.dlsec.TestSupport;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Finite;
import org.dlsec.core.NumericalIssue;
import org.dlsec.core.Tensors;
import org.dlsec.data.Dataset;
import org.dlsec.defence.training.PgdAdversarialTraining;
import org.dlsec.metric.Evaluation;
import org.dlsec.model.Architecture;
import org.dlsec.model.DjlClassifier;
import org.dlsec.model.ModelCard;
import org.dlsec.model.Models;
import org.junit.jupiter.api.Test;

/** Training meets non-finite losses, gradients or adversarial batches: it skips, restores or falls back, and records it. */
class ModelTrainerNanTest {
    static final Dataset TRAIN = TestSupport.mnistTrain(2000);
    static final Dataset TEST = TestSupport.mnistTest(300);

    /** Cross-entropy, with the loss multiplied by {@code factor} on the batches numbered {@code from..to} (1-based). */
    static BatchLoss scaledOn(int from, int to, float factor) {
        int[] calls = {0};
        return (forward, clean, input, y) -> {
            calls[0]++;
            NDArray logits = forward.apply(input);
            NDArray loss = logits.logSoftmax(1).mul(y.oneHot(10)).sum(new int[] {1}).neg().mean();
            if (calls[0] >= from && calls[0] <= to) {
                loss = loss.mul(Tensors.scalar(loss.getManager(), factor));
            }
            return new BatchLoss.Output(loss, logits);
        };
    }

    static void assertParametersFinite(DjlClassifier model) {
        for (Pair<String, Parameter> p : model.model().getBlock().getParameters()) {
            assertTrue(Finite.all(p.getValue().getArray()), "parameter " + p.getKey());
        }
    }

    @SuppressWarnings("unchecked")
    static List<NumericalIssue> issues(ModelCard.Training t) {
        return (List<NumericalIssue>) t.extra().get("numericalIssues");
    }

    @Test
    void aBatchWithANanLossIsSkippedAndTrainingGoesOn() {
        try (DjlClassifier model = Models.create(Architecture.LENET5, TRAIN.sampleShape(), 10, 5)) {
            ModelCard.Training t = new ModelTrainer(new TrainConfig(2, 64, "adam", 2e-3, 5, "cosine"), null,
                    scaledOn(3, 3, Float.NaN), null, false).train(model, TRAIN, null, TEST, Map.of());
            assertParametersFinite(model);
            List<NumericalIssue> is = issues(t);
            assertEquals(1, is.size());
            assertEquals("train", is.get(0).method());
            assertEquals("batch 3 of epoch 1", is.get(0).subject());
            assertEquals("non-finite loss", is.get(0).problem());
            assertEquals("skipped the batch (no update)", is.get(0).action());
            assertEquals(1, t.extra().get("skippedBatches"));
            for (ModelCard.EpochRecord r : t.history()) {
                assertTrue(Double.isFinite(r.trainLoss()), "epoch loss " + r.trainLoss());
            }
            assertTrue(t.history().get(1).testAccuracy() > 0.85, "accuracy " + t.history().get(1).testAccuracy());
        }
    }

    @Test
    void aStepThatBlowsUpIsUndoneFromTheSnapshotWithHalfTheRate() {
        try (DjlClassifier model = Models.create(Architecture.LENET5, TRAIN.sampleShape(), 10, 6)) {
            // batch 25's gradient is 10^20 times too large: plain SGD throws the weights far away
            ModelCard.Training t = new ModelTrainer(new TrainConfig(2, 64, "sgd", 0.02, 6, "constant"), null,
                    scaledOn(25, 25, 1e20f), null, false).train(model, TRAIN, null, TEST, Map.of());
            assertParametersFinite(model);
            List<NumericalIssue> is = issues(t);
            assertTrue(is.stream().anyMatch(i -> i.action().startsWith("restored the parameters after update 20")), is.toString());
            assertEquals(0.5, (double) t.extra().get("finalLearningRateFactor"), 1e-12);
            double acc = Evaluation.accuracy(model, TEST);
            assertTrue(acc > 0.8, "accuracy after recovery " + acc);
        }
    }

    @Test
    void aRunThatNeverRecoversStopsWithAClearMessage() {
        try (DjlClassifier model = Models.create(Architecture.LENET5, TRAIN.sampleShape(), 10, 7)) {
            DlsecException e = assertThrows(DlsecException.class, () -> new ModelTrainer(
                    new TrainConfig(1, 64, "adam", 2e-3, 7, "constant"), null, scaledOn(1, Integer.MAX_VALUE, Float.NaN),
                    null, false).train(model, TRAIN, null, null, Map.of()));
            assertTrue(e.getMessage().startsWith("training did not recover from non-finite values: non-finite loss at batch"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("lower the learning rate"), e.getMessage());
        }
    }

    @Test
    void adversarialTrainingFallsBackToCleanRowsWhenAnAdversarialExampleIsNotFinite() {
        PgdAdversarialTraining pgd = new PgdAdversarialTraining(0.1, 3, null, 8, null);
        int[] calls = {0};
        BatchTransform broken = (model, x, y) -> {
            NDArray adv = pgd.apply(model, x, y);
            if (++calls[0] == 2) {
                float[] v = adv.toFloatArray();
                v[5] = Float.NaN; // one value of the first sample
                return Tensors.floats(x.getManager(), v, x.getShape());
            }
            return adv;
        };
        pgd.begin(10);
        try (DjlClassifier model = Models.create(Architecture.LENET5, TRAIN.sampleShape(), 10, 8)) {
            ModelCard.Training t = new ModelTrainer(new TrainConfig(1, 64, "adam", 2e-3, 8, "cosine"), broken, null, false)
                    .train(model, TRAIN.first(640), null, null, Map.of());
            assertParametersFinite(model);
            List<NumericalIssue> is = issues(t);
            assertEquals(1, is.size());
            assertEquals("batch 2 of epoch 1", is.get(0).subject());
            assertEquals("non-finite transformed (e.g. adversarial) input for 1 of 64 samples", is.get(0).problem());
            assertEquals("trained on their clean inputs", is.get(0).action());
            assertEquals(0, t.extra().get("skippedBatches"), "no batch was lost");
        }
    }
}
