package org.dlsec.attack.evasion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import org.dlsec.TestSupport;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Tensors;
import org.dlsec.model.Normalization;
import org.dlsec.model.NormalizedClassifier;
import org.dlsec.model.Bounds;
import org.dlsec.model.Classifier;
import org.dlsec.model.Engines;
import org.dlsec.model.Models;
import org.dlsec.model.NoGradientException;
import org.dlsec.model.UserFixtures;
import org.junit.jupiter.api.Test;

/**
 * Models a user brings, on their own data (bench/fixtures/make_user_fixtures.py): a tabular MLP with a
 * flat (n, 16) input as TorchScript and ONNX, normalised inputs and per-feature bounds; a small CNN on
 * 3×16×16 npz images; a TorchScript LeNet on a PNG folder. dlsec's clean accuracy equals PyTorch's and
 * its PGD (BIM schedule, no random start) agrees with the plain-PyTorch PGD of the reference.
 */
class UserModelAttacksTest {
    static {
        TestSupport.mnistTest(1);
    }

    private static final JsonNode REF = UserFixtures.reference();

    private static Normalization tabularNorm() {
        JsonNode n = REF.path("tabular").path("normalize");
        return new Normalization(UserFixtures.floats(n.path("mean")), UserFixtures.floats(n.path("std")));
    }

    private static Bounds tabularBounds() {
        JsonNode b = REF.path("tabular").path("bounds");
        return Bounds.perFeature(UserFixtures.floats(b.path("lo")), UserFixtures.floats(b.path("hi")));
    }

    private static double accuracy(Classifier c, NDArray x, int[] y) {
        long[] p = c.predictLabels(x).toLongArray();
        int ok = 0;
        for (int i = 0; i < y.length; i++) {
            ok += p[i] == y[i] ? 1 : 0;
        }
        return (double) ok / y.length;
    }

    private static long[] ids(int n) {
        long[] a = new long[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        return a;
    }

    private static NDArray labels(NDManager m, int[] y) {
        long[] l = new long[y.length];
        for (int i = 0; i < y.length; i++) {
            l[i] = y[i];
        }
        return Tensors.longs(m, l);
    }

    /**
     * Randomized smoothing on feature vectors: a batch of one row, shape (1, d), is one sample of the model's (d) input
     * (it was read as a (1, d) sample and the noisy batch became (b, 1, d): "the model expects (n, 16)"). With noise far
     * below the features' scale the smoothed classifier answers what the base classifier answers.
     */
    @Test
    void randomizedSmoothingCertifiesFeatureVectors() throws Exception {
        UserFixtures.Arrays test = UserFixtures.csv("test.csv");
        Shape sample = new Shape(test.d());
        Bounds bounds = tabularBounds();
        try (Classifier ts = Models.load(UserFixtures.dir("tabular/mlp-ts.pt"), sample, bounds);
                NDManager m = Engines.newManager()) {
            Classifier nts = new NormalizedClassifier(ts, tabularNorm(), bounds);
            org.dlsec.defence.certification.RandomizedSmoothing rs = new org.dlsec.defence.certification.RandomizedSmoothing(
                    nts, new org.dlsec.defence.certification.RandomizedSmoothing.Params(1e-4, 20, 100, 0.001, 100, 0));
            NDArray x = Tensors.floats(m, test.x(), new Shape(test.n(), test.d()));
            long[] base = nts.predictLabels(x).toLongArray();
            for (int i = 0; i < 10; i++) {
                NDArray row = Tensors.floats(m, test.row(i), new Shape(1, test.d()));
                org.dlsec.defence.certification.RandomizedSmoothing.Certificate c = rs.certify(row, i);
                assertEquals(base[i], c.prediction(), "row " + i);
                assertTrue(c.radius() > 0, "row " + i + ": " + c);
                org.dlsec.defence.certification.RandomizedSmoothing.Certificate bare = rs.certify(
                        Tensors.floats(m, test.row(i), sample), i);
                assertEquals(c.radius(), bare.radius(), 0, "a bare (d) sample is the same");
                org.junit.jupiter.api.Assertions.assertArrayEquals(c.counts(), bare.counts());
            }
        }
    }

    @Test
    void tabularTorchScriptAndOnnxWithFlatInputsMatchPyTorch() throws Exception {
        UserFixtures.Arrays test = UserFixtures.csv("test.csv");
        Shape sample = new Shape(test.d());
        Bounds bounds = tabularBounds();
        try (Classifier ts = Models.load(UserFixtures.dir("tabular/mlp-ts.pt"), sample, bounds);
                Classifier onnx = Models.load(UserFixtures.dir("tabular/mlp.onnx"), sample, bounds);
                NDManager m = Engines.newManager()) {
            assertEquals(sample, ts.inputShape());
            assertEquals(3, ts.numClasses());
            assertEquals(3, onnx.numClasses());
            Classifier nts = new NormalizedClassifier(ts, tabularNorm(), bounds);
            Classifier nonnx = new NormalizedClassifier(onnx, tabularNorm(), bounds);
            NDArray x = Tensors.floats(m, test.x(), new Shape(test.n(), test.d()));
            double ref = REF.path("tabular").path("cleanAccuracy").asDouble();
            assertEquals(ref, accuracy(nts, x, test.y()), 1e-3);
            assertEquals(ref, accuracy(nonnx, x, test.y()), 1e-3);
            // without the normalisation the model sees raw feature units and is much worse: the wrapper matters
            assertTrue(accuracy(ts, x, test.y()) < ref - 0.1);

            // gradients flow through TorchScript, not through ONNX
            NDArray y = labels(m, test.y());
            assertEquals(new Shape(test.n(), test.d()), nts.lossGradient(x, y).getShape());
            assertThrows(NoGradientException.class, () -> nonnx.lossGradient(x, y));

            for (JsonNode row : REF.path("tabular").path("pgd")) {
                double eps = row.path("eps").asDouble();
                AttackResult r = Pgd.bim(Norm.LINF, eps, row.path("steps").asInt(), null, false, 0)
                        .generate(nts, x, y, ids(test.n()));
                assertEquals(row.path("robustAccuracy").asDouble(), r.robustAccuracy(), 0.03, "PGD eps " + eps);
                assertInside(r, test, eps, bounds);
            }
            // Square on the black-box ONNX model: runs over feature runs, stays in the budget and the bounds
            AttackResult sq = new Square(new Square.Params(Norm.LINF, 0.3, 300, 0.05, false, 0)).generate(nonnx, x, y,
                    ids(test.n()));
            assertInside(sq, test, 0.3, bounds);
            assertTrue(sq.robustAccuracy() < sq.cleanAccuracy() - 0.05, "square " + sq.robustAccuracy());
            AttackResult sq2 = new Square(new Square.Params(Norm.L2, 1.0, 100, 0.1, false, 0)).generate(nts, x, y,
                    ids(test.n()));
            assertTrue(sq2.robustAccuracy() <= sq2.cleanAccuracy());
        }
    }

    /**
     * Every adversarial example lies inside the per-feature bounds and in the ε-ball (L∞) of its original —
     * of the original clipped into the bounds, where a test value lies outside the training range.
     */
    private static void assertInside(AttackResult r, UserFixtures.Arrays data, double eps, Bounds b) {
        float[] adv = r.adversarial();
        for (int i = 0; i < data.n(); i++) {
            for (int j = 0; j < data.d(); j++) {
                float a = adv[i * data.d() + j];
                float o = data.x()[i * data.d() + j];
                float inside = b.clamp(j, o);
                assertTrue(Math.abs(a - inside) <= eps + 1e-4, "sample " + i + " feature " + j + " moved " + (a - o));
                assertTrue(a >= b.lo(j) - 1e-5 && a <= b.hi(j) + 1e-5, "sample " + i + " feature " + j + " = " + a
                        + " outside [" + b.lo(j) + ", " + b.hi(j) + "]");
            }
        }
    }

    @Test
    void npzCnnAndImageFolderLeNetMatchPyTorch() throws Exception {
        check("npz", UserFixtures.npz("test.npz"), "npz/cnn-ts.pt", new Shape(3, 16, 16));
        check("images", UserFixtures.images("test"), "images/lenet-ts.pt", new Shape(1, 28, 28));
    }

    private static void check(String key, UserFixtures.Arrays test, String model, Shape sample) {
        try (Classifier c = Models.load(UserFixtures.dir(model), sample); NDManager m = Engines.newManager()) {
            NDArray x = Tensors.floats(m, test.x(), new Shape(test.n()).addAll(sample));
            NDArray y = labels(m, test.y());
            assertEquals(REF.path(key).path("cleanAccuracy").asDouble(), accuracy(c, x, test.y()), 1e-3, key);
            for (JsonNode row : REF.path(key).path("pgd")) {
                double eps = row.path("eps").asDouble();
                AttackResult r = Pgd.bim(Norm.LINF, eps, row.path("steps").asInt(), null, false, 0)
                        .generate(c, x, y, ids(test.n()));
                assertEquals(row.path("robustAccuracy").asDouble(), r.robustAccuracy(), 0.03, key + " PGD eps " + eps);
            }
        }
    }

    @Test
    void aModelThatDoesNotFitTheDataIsRefusedWithBothShapes() {
        DlsecException ts = assertThrows(DlsecException.class,
                () -> Models.load(UserFixtures.dir("tabular/mlp-ts.pt"), new Shape(15)).close());
        assertTrue(ts.getMessage().contains("(n, 15)") && ts.getMessage().contains("(n, 16)"), ts.getMessage());
        DlsecException onnx = assertThrows(DlsecException.class,
                () -> Models.load(UserFixtures.dir("tabular/mlp.onnx"), new Shape(1, 28, 28)).close());
        assertTrue(onnx.getMessage().contains("(n, 16)") && onnx.getMessage().contains("(n, 1, 28, 28)"),
                onnx.getMessage());
        DlsecException cnn = assertThrows(DlsecException.class,
                () -> Models.load(UserFixtures.dir("npz/cnn-ts.pt"), new Shape(1, 16, 16)).close());
        assertTrue(cnn.getMessage().contains("(n, 1, 16, 16)") && cnn.getMessage().contains("(n, 3, H, W)"),
                cnn.getMessage());
        assertThrows(DlsecException.class, () -> Models.load(UserFixtures.dir("tabular/mlp-ts.pt"), new Shape(16),
                Bounds.perFeature(new float[3], new float[3])).close());
        assertFalse(tabularBounds().isUniform());
    }
}
