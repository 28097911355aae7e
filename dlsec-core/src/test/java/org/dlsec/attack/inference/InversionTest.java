package org.dlsec.attack.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.Shape;
import java.util.Map;
import org.dlsec.TestModels;
import org.dlsec.core.DlsecException;
import org.junit.jupiter.api.Test;

class InversionTest {
    @Test
    void miFaceReachesHighConfidenceForEveryClass() {
        MiFace.Result r = new MiFace(150, 0.1, 0.2, 50, 1e-4, 0.0).infer(TestModels.mnistLenet());
        assertEquals(10, r.images().length);
        int confident = 0;
        for (int c = 0; c < 10; c++) {
            assertEquals(784, r.images()[c].length);
            for (float v : r.images()[c]) {
                assertTrue(v >= 0 && v <= 1);
            }
            confident += r.confidence()[c] > 0.9 ? 1 : 0;
        }
        assertTrue(confident >= 8, "classes reconstructed with confidence > 0.9: " + confident);
        assertTrue(r.gradients() >= 1 && r.gradients() <= 150);

        // the family's one operation: infer(target, query), here the classes to reconstruct, in the asked order
        InferenceAttack<MiFace.Classes, MiFace.Result> attack = new MiFace(150, 0.1, 0.2, 50, 1e-4, 0.0);
        MiFace.Result two = attack.infer(TestModels.mnistLenet(), new MiFace.Classes(new int[] {7, 3}));
        assertEquals(2, two.images().length);
        float[] both = new float[2 * 784];
        System.arraycopy(two.images()[0], 0, both, 0, 784);
        System.arraycopy(two.images()[1], 0, both, 784, 784);
        float[] p;
        try (ai.djl.ndarray.NDManager m = org.dlsec.model.Engines.newManager()) {
            p = TestModels.mnistLenet().predictProba(org.dlsec.core.Tensors.floats(m, both, new Shape(2, 1, 28, 28)))
                    .toFloatArray();
        }
        assertEquals(p[7], two.confidence()[0], 1e-4, "the first image is class 7's");
        assertEquals(p[10 + 3], two.confidence()[1], 1e-4, "the second image is class 3's");
        assertTrue(two.confidence()[0] > 0.9 && two.confidence()[1] > 0.9, java.util.Arrays.toString(two.confidence()));
        assertThrows(DlsecException.class, () -> attack.infer(TestModels.mnistLenet(), new MiFace.Classes(new int[] {10})));
    }

    /**
     * The paper's setting: a softmax-regression model that has memorised a few images per class
     * (here 100 MNIST digits, about 10 per class, as AT&amp;T's 10 faces per person). With the paper's
     * plain gradient step, each class's reconstruction is closer (cosine) to the mean of that class's
     * training images than to any other class's mean for most classes: recognisable, measured.
     */
    @Test
    void paperStepOnAnOverfittedSoftmaxModelReconstructsTheClassTemplates() {
        org.dlsec.data.Dataset train = org.dlsec.TestSupport.mnistTrain(100);
        try (org.dlsec.model.DjlClassifier m = org.dlsec.model.Models.create(org.dlsec.model.Architecture.SOFTMAX,
                train.sampleShape(), 10, 5)) {
            new org.dlsec.train.ModelTrainer(new org.dlsec.train.TrainConfig(150, 10, "adam", 2e-3, 5, "cosine"))
                    .train(m, train, null, null, Map.of());
            MiFace.Result r = new MiFace(500, 0.1, 0, 500, 1e-4, 0.0, false).infer(m);
            double[][] means = new double[10][784];
            int[] counts = new int[10];
            for (int i = 0; i < train.size(); i++) {
                float[] img = train.image(i);
                counts[train.label(i)]++;
                for (int j = 0; j < 784; j++) {
                    means[train.label(i)][j] += img[j];
                }
            }
            int matched = 0;
            for (int c = 0; c < 10; c++) {
                int best = -1;
                double bestCos = -2;
                for (int k = 0; k < 10; k++) {
                    double dot = 0, a = 0, b = 0;
                    for (int j = 0; j < 784; j++) {
                        double u = r.images()[c][j];
                        double v = means[k][j] / counts[k];
                        dot += u * v;
                        a += u * u;
                        b += v * v;
                    }
                    double cos = dot / Math.sqrt(a * b + 1e-12);
                    if (cos > bestCos) {
                        bestCos = cos;
                        best = k;
                    }
                }
                matched += best == c ? 1 : 0;
                assertTrue(r.confidence()[c] > 0.9, "class " + c + " confidence " + r.confidence()[c]);
            }
            assertTrue(matched >= 7, "reconstructions nearest their own class's training mean: " + matched + " of 10");
            assertEquals(0, r.parameters().get("normalise"));
        }
    }

    @Test
    void denoiseAveragesNeighbours() {
        float[] x = new float[9];
        x[4] = 9; // a single bright pixel in a 3x3 image
        MiFace.denoise(x, 1, new Shape(1, 3, 3), 1.0 - 1e-9);
        assertEquals(1.0, x[4], 1e-6); // 9 / 9 neighbours
        assertEquals(9.0 / 4, x[0], 1e-6); // corner: 4 neighbours
        assertThrows(DlsecException.class, () -> new MiFace(0, 0.1, 0.2, 10, 0, 0));
        assertThrows(DlsecException.class, () -> MembershipAttacks.inversion(Map.of("nope", "1")));
        assertEquals(300, MembershipAttacks.inversion(Map.of("steps", "300")).parameters().get("steps"));
        assertEquals(0, MembershipAttacks.inversion(Map.of("normalise", "0")).parameters().get("normalise"));
        assertThrows(DlsecException.class, () -> MembershipAttacks.inversion(Map.of("normalise", "2")));
    }
}
