package org.dlsec.defence.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import java.util.List;
import org.dlsec.TestSupport;
import org.dlsec.core.Finite;
import org.dlsec.core.NumericalIssue;
import org.dlsec.core.Tensors;
import org.dlsec.data.Dataset;
import org.dlsec.model.Architecture;
import org.dlsec.model.DjlClassifier;
import org.dlsec.model.Models;
import org.dlsec.train.BatchLoss;
import org.junit.jupiter.api.Test;

/** DP-SGD leaves an example with a non-finite gradient out of its update, and records it. */
class DpSgdNanTest {
    static final int BAD = 5;

    /** The first {@code n} images with a NaN in example {@link #BAD} (or without that example when {@code drop}). */
    static NDArray images(NDManager m, Dataset d, int n, boolean drop) {
        int dim = d.sampleSize();
        float[] v = new float[(drop ? n - 1 : n) * dim];
        int k = 0;
        for (int i = 0; i < n; i++) {
            if (drop && i == BAD) {
                continue;
            }
            float[] img = d.image(i);
            if (i == BAD) {
                img[100] = Float.NaN;
            }
            System.arraycopy(img, 0, v, k++ * dim, dim);
        }
        return Tensors.floats(m, v, new ai.djl.ndarray.types.Shape(drop ? n - 1 : n).addAll(d.sampleShape()));
    }

    static NDArray labels(NDManager m, Dataset d, int n, boolean drop) {
        long[] y = new long[drop ? n - 1 : n];
        int k = 0;
        for (int i = 0; i < n; i++) {
            if (!(drop && i == BAD)) {
                y[k++] = d.label(i);
            }
        }
        return Tensors.longs(m, y);
    }

    @Test
    void bothPerExamplePathsLeaveTheNonFiniteExampleOut() {
        Dataset d = TestSupport.mnistTrain(16);
        try (DjlClassifier model = Models.create(Architecture.LENET5, d.sampleShape(), 10, 3);
                Trainer trainer = model.model().newTrainer(new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss()));
                NDManager m = model.model().getNDManager().newSubManager()) {
            model.setTrainable(true);
            NDArray x = images(m, d, 16, false);
            NDArray y = labels(m, d, 16, false);
            NDArray xKept = images(m, d, 16, true);
            NDArray yKept = labels(m, d, 16, true);
            double clip = 0.5;
            PerExampleGradients.Clipped expected = PerExampleGradients.loop(trainer, xKept, yKept, clip);
            PerExampleGradients.Clipped[] got = {PerExampleGradients.vectorised(trainer, x, y, clip),
                PerExampleGradients.loop(trainer, x, y, clip)};
            for (PerExampleGradients.Clipped c : got) {
                assertArrayEquals(new int[] {BAD}, c.skipped());
                assertEquals(expected.meanLoss(), c.meanLoss(), 1e-4);
                for (int k = 0; k < expected.sums().size(); k++) {
                    assertTrue(Finite.all(c.sums().get(k)), "sum " + k + " is finite");
                    float diff = expected.sums().get(k).sub(c.sums().get(k)).abs().max().getFloat();
                    float scale = expected.sums().get(k).abs().max().getFloat();
                    assertTrue(diff <= 1e-4 * Math.max(1, scale), "parameter " + k
                            + ": the sum equals the one without the example, |diff| " + diff);
                }
            }
            // a later, clean batch is not affected by the NaN gradient the loop met
            PerExampleGradients.Clipped again = PerExampleGradients.loop(trainer, xKept, yKept, clip);
            for (int k = 0; k < expected.sums().size(); k++) {
                assertTrue(expected.sums().get(k).sub(again.sums().get(k)).abs().max().getFloat() <= 1e-5);
            }
            model.setTrainable(false);
        }
    }

    @Test
    void theUpdateIsFiniteAndTheSkipIsRecorded() {
        Dataset d = TestSupport.mnistTrain(16);
        try (DjlClassifier model = Models.create(Architecture.LENET5, d.sampleShape(), 10, 4);
                Trainer trainer = model.model().newTrainer(new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss()));
                NDManager m = model.model().getNDManager().newSubManager()) {
            model.setTrainable(true);
            DpSgd dp = new DpSgd(new DpSgd.Params(1.0, 0.5, 1e-5), 160, 16);
            BatchLoss.Output out = dp.compute(trainer, images(m, d, 16, false), labels(m, d, 16, false));
            assertTrue(Float.isFinite(out.loss().getFloat()));
            for (ai.djl.util.Pair<String, ai.djl.nn.Parameter> p : model.model().getBlock().getParameters()) {
                NDArray g = p.getValue().getArray().getGradient();
                assertTrue(Finite.all(g), "gradient of " + p.getKey());
                g.close();
            }
            assertEquals(1, dp.skippedExamples());
            List<NumericalIssue> is = dp.numericalIssues();
            assertEquals(1, is.size());
            assertEquals("dp-sgd", is.get(0).method());
            assertEquals("update 1", is.get(0).subject());
            assertEquals("non-finite loss or gradient for 1 of 16 examples", is.get(0).problem());
            assertEquals(1L, dp.record().get("skippedExamples"));
            assertEquals(is, dp.record().get("numericalIssues"));
            model.setTrainable(false);
        }
    }
}
