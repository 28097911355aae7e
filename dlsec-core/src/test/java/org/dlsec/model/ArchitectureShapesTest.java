package org.dlsec.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.dlsec.TestSupport;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Tensors;
import org.dlsec.data.Dataset;
import org.dlsec.train.ModelTrainer;
import org.dlsec.train.TrainConfig;
import org.junit.jupiter.api.Test;

/** The architectures adapt to the data's sample shape and class count, and each trains on tiny data. */
class ArchitectureShapesTest {
    static {
        TestSupport.mnistTest(1);
    }

    /** A learnable toy task: class = which quarter of the sample carries a bright blob (plus noise). */
    private static Dataset toy(int c, int h, int w, int k, int n, long seed) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        int d = c * h * w;
        float[] px = new float[n * d];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % k;
            for (int j = 0; j < d; j++) {
                int part = (int) ((long) j * k / d);
                px[i * d + j] = (float) Math.min(1, Math.max(0, 0.2 * r.nextDouble() + (part == y[i] ? 0.6 : 0)));
            }
        }
        return new Dataset("toy", "train", c, h, w, k, px, y, null, null, "generated in " + ArchitectureShapesTest.class);
    }

    private static void trainsAndLearns(Architecture arch, int c, int h, int w, int k, Shape modelShape) {
        Dataset data = toy(c, h, w, k, 64, 1);
        try (DjlClassifier model = Models.create(arch, modelShape, k, 3); NDManager m = Engines.newManager()) {
            assertEquals(modelShape, model.inputShape());
            NDArray x = data.images(m, 0, 8).reshape(new Shape(8).addAll(modelShape));
            assertEquals(new Shape(8, k), model.predictLogits(x).getShape());
            if (modelShape.equals(data.sampleShape())) {
                ModelCard.Training t = new ModelTrainer(new TrainConfig(3, 16, "adam", 2e-3, 3, "constant"))
                        .train(model, data, null, null, null);
                List<ModelCard.EpochRecord> h1 = t.history();
                assertTrue(h1.get(2).trainLoss() < h1.get(0).trainLoss(), arch + ": loss " + h1);
                assertTrue(Double.isFinite(h1.get(2).trainLoss()));
            }
            // a gradient step works on any shape (what attacks and training need)
            long[] labels = new long[8];
            for (int i = 0; i < 8; i++) {
                labels[i] = i % k;
            }
            NDArray g = model.lossGradient(x, Tensors.longs(m, labels));
            assertEquals(x.getShape(), g.getShape());
        }
    }

    @Test
    void mlpTakesFeatureVectorsAndAnyShape() {
        trainsAndLearns(Architecture.MLP, 1, 1, 16, 3, new Shape(1, 1, 16));
        trainsAndLearns(Architecture.MLP, 1, 1, 16, 3, new Shape(16));
    }

    @Test
    void lenetAndVggAdaptToImageSizeAndClasses() {
        trainsAndLearns(Architecture.LENET5, 3, 16, 16, 4, new Shape(3, 16, 16));
        trainsAndLearns(Architecture.LENET5, 1, 8, 8, 2, new Shape(1, 8, 8));
        trainsAndLearns(Architecture.VGG, 3, 16, 16, 4, new Shape(3, 16, 16));
        assertEquals(3, Architecture.vggStages(32));
        assertEquals(3, Architecture.vggStages(28));
        assertEquals(4, Architecture.vggStages(64));
        assertEquals(5, Architecture.vggStages(224));
        assertEquals(2, Architecture.vggStages(4));
    }

    @Test
    void resnetTrainsOnSmallRgbImages() {
        trainsAndLearns(Architecture.RESNET, 3, 32, 32, 4, new Shape(3, 32, 32));
        try (DjlClassifier big = Models.create(Architecture.RESNET, new Shape(3, 64, 64), 5, 1);
                NDManager m = Engines.newManager()) {
            assertEquals(new Shape(2, 5), big.predictLogits(m.zeros(new Shape(2, 3, 64, 64))).getShape());
        }
    }

    @Test
    void shapesAnArchitectureCannotTakeAreRefused() {
        DlsecException e = assertThrows(DlsecException.class, () -> Models.create(Architecture.LENET5, new Shape(16), 3, 1));
        assertTrue(e.getMessage().contains("mlp"), e.getMessage());
        assertThrows(DlsecException.class, () -> Models.create(Architecture.RESNET, new Shape(3, 16, 16), 3, 1));
        assertThrows(DlsecException.class, () -> Models.create(Architecture.MLP, new Shape(16), 1, 1));
        assertEquals(Architecture.RESNET, Architecture.parse("resnet"));
        assertEquals(Architecture.MLP, Architecture.parse("MLP"));
    }
}
