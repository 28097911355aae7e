package org.dlsec.defence.preprocess;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.dlsec.TestModels;
import org.dlsec.TestSupport;
import org.dlsec.attack.evasion.AttackResult;
import org.dlsec.attack.evasion.EvasionRunner;
import org.dlsec.attack.evasion.Pgd;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Tensors;
import org.dlsec.data.Dataset;
import org.dlsec.defence.preprocess.PreprocessedClassifier.GradientMode;
import org.dlsec.model.Bounds;
import org.dlsec.model.Classifier;
import org.dlsec.model.Engines;
import org.junit.jupiter.api.Test;

/** Input transformations: their maps, and naive (masked) against adaptive (BPDA/EOT) gradients. */
class PreprocessTest {
    static final Dataset DATA = TestSupport.mnistTest(80);

    static float[] apply(Preprocessor p, float[] v, Shape s) {
        try (NDManager m = Engines.newManager()) {
            return p.apply(Tensors.floats(m, v, s), Bounds.UNIT, new long[(int) s.get(0)]).toFloatArray();
        }
    }

    @Test
    void mapsMatchTheirDefinitions() {
        Shape s = new Shape(1, 1, 1, 5);
        float[] v = {0f, 0.2f, 0.49f, 0.51f, 1f};
        assertArrayEquals(new float[] {0, 0, 0, 1, 1}, apply(new BitDepthReduction(1), v, s), 1e-6f);
        assertArrayEquals(new float[] {0, 0, 0, 1, 1}, apply(new Quantisation(2, null), v, s), 1e-6f);
        assertArrayEquals(new float[] {0, 1f / 3, 2f / 3, 2f / 3, 1}, apply(new BitDepthReduction(2), new float[] {0, 0.3f,
            0.6f, 0.7f, 1f}, s), 1e-6f);
        assertArrayEquals(new float[] {0, 0.5f, 0.5f, 1f, 1f}, apply(new Quantisation(3, new double[] {0.1, 0.5}), v, s), 1e-6f);
        // 3x3 image, 2x2 median (window back one, upper median of 4), edges repeated
        float[] img = {1, 2, 3, 4, 5, 6, 7, 8, 9};
        Shape sq = new Shape(1, 1, 3, 3);
        float[] med = apply(new MedianSmoothing(2), img, sq);
        // out(0,0): window {1,1,1,1} -> 1; out(1,1): {1,2,4,5} -> upper median 4; out(2,2): {5,6,8,9} -> 8
        assertEquals(1f, med[0], 1e-6f);
        assertEquals(4f, med[4], 1e-6f);
        assertEquals(8f, med[8], 1e-6f);
        float[] mean = apply(new SpatialSmoothing(3), img, sq);
        assertEquals(5f, mean[4], 1e-5f);
        assertEquals((1 + 2 + 4 + 5) / 4f, mean[0], 1e-5f);
    }

    @Test
    void naiveGradientOfRoundingIsZeroAndBpdaIsNot() {
        Classifier model = TestModels.mnistLenet();
        PreprocessedClassifier naive = Preprocessors.parse("squeeze:bits=4").wrap(model, false, 0);
        PreprocessedClassifier bpda = naive.withMode(GradientMode.ADAPTIVE);
        assertFalse(naive.preprocessor().differentiable());
        assertEquals("exact", naive.gradientKind());
        assertEquals("bpda", bpda.gradientKind());
        try (NDManager m = Engines.newManager()) {
            NDArray x = DATA.images(m, 0, 20);
            NDArray y = DATA.labels(m, 0, 20);
            assertEquals(0f, naive.lossGradient(x, y).abs().sum().getFloat(), 0f);
            NDArray g = bpda.lossGradient(x, y);
            assertTrue(g.abs().sum().getFloat() > 0);
            // straight-through: the gradient is the model's own at the squeezed input
            NDArray z = naive.preprocessor().apply(x, Bounds.UNIT, new long[20]);
            assertArrayEquals(model.lossGradient(z, y).toFloatArray(), g.toFloatArray(), 1e-6f);
            // predictions go through the squeezer
            assertArrayEquals(model.predictLabels(z).toLongArray(), naive.predictLabels(x).toLongArray());
        }
    }

    @Test
    void bpdaPgdBreaksBitDepthSqueezingWhileNaivePgdFails() {
        Classifier model = TestModels.mnistLenet();
        Pgd pgd = Pgd.linf(0.3).steps(20).stepSize(0.025).build();
        AttackResult undefended = EvasionRunner.run(pgd, model, DATA, null, 80, false);
        PreprocessedClassifier naive = Preprocessors.parse("squeeze:bits=4").wrap(model, false, 0);
        AttackResult n = EvasionRunner.run(pgd, naive, DATA, null, 80, false);
        AttackResult a = EvasionRunner.run(pgd, naive.withMode(GradientMode.ADAPTIVE), DATA, null, 80, false);
        assertTrue(n.cleanAccuracy() > 0.9, "clean accuracy behind the squeezer " + n.cleanAccuracy());
        // the zero gradient leaves only the random start: most samples survive
        assertTrue(n.robustAccuracy() > 0.6, "naive robust " + n.robustAccuracy());
        assertTrue(a.robustAccuracy() <= undefended.robustAccuracy() + 0.1,
                "BPDA robust " + a.robustAccuracy() + " vs undefended " + undefended.robustAccuracy());
        assertTrue(a.successRate() >= undefended.successRate() - 0.1, "BPDA success " + a.successRate());
    }

    @Test
    void medianSmoothingFallsToBpda() {
        Classifier model = TestModels.mnistLenet();
        PreprocessedClassifier med = Preprocessors.parse("median:k=2").wrap(model, true, 0);
        AttackResult a = EvasionRunner.run(Pgd.linf(0.3).steps(20).stepSize(0.025).build(), med, DATA, null, 80, false);
        assertTrue(a.cleanAccuracy() > 0.85, "clean behind median " + a.cleanAccuracy());
        assertTrue(a.robustAccuracy() < 0.15, "BPDA robust accuracy against median smoothing " + a.robustAccuracy());
    }

    @Test
    void eotAveragesSeededDrawsAndIsReproducible() {
        Classifier model = TestModels.mnistLenet();
        PreprocessedClassifier one = Preprocessors.parse("noise:sigma=0.3").wrap(model, false, 7);
        PreprocessedClassifier eot = Preprocessors.parse("noise:sigma=0.3,eot=16").wrap(model, true, 7);
        PreprocessedClassifier eotAgain = Preprocessors.parse("noise:sigma=0.3,eot=16").wrap(model, true, 7);
        assertEquals("eot", eot.gradientKind());
        try (NDManager m = Engines.newManager()) {
            NDArray x = DATA.images(m, 0, 8);
            NDArray y = DATA.labels(m, 0, 8);
            float[] g1 = eot.lossGradient(x, y).toFloatArray();
            assertArrayEquals(g1, eotAgain.lossGradient(x, y).toFloatArray(), 0f, "same seed, same draws");
            // draws differ per call, and depend on the sample, not on its position in the batch
            float[] firstAlone = eotAgain.lossGradient(x.get("0:1"), y.get("0:1")).toFloatArray();
            PreprocessedClassifier fresh = Preprocessors.parse("noise:sigma=0.3,eot=16").wrap(model, true, 7);
            float[] firstInBatch = fresh.lossGradient(x, y).get("0:1").toFloatArray();
            float[] freshAlone = Preprocessors.parse("noise:sigma=0.3,eot=16").wrap(model, true, 7)
                    .lossGradient(x.get("0:1"), y.get("0:1")).toFloatArray();
            assertArrayEquals(firstInBatch, freshAlone, 1e-5f);
            assertFalse(java.util.Arrays.equals(firstAlone, freshAlone), "a later call draws new noise");
            // the EOT mean varies less between seeds than a single draw does
            NDArray e1 = eot.lossGradient(x, y);
            NDArray e2 = Preprocessors.parse("noise:sigma=0.3,eot=16").wrap(model, true, 99).lossGradient(x, y);
            NDArray s1 = one.lossGradient(x, y);
            NDArray s2 = Preprocessors.parse("noise:sigma=0.3").wrap(model, false, 99).lossGradient(x, y);
            // the mean of 16 draws has a quarter of one draw's standard deviation
            float eotSpread = e1.sub(e2).norm().getFloat();
            float singleSpread = s1.sub(s2).norm().getFloat();
            assertTrue(eotSpread < 0.5f * singleSpread, "EOT spread " + eotSpread + " vs single draw " + singleSpread);
        }
    }

    @Test
    void badSpecsAreRejectedByName() {
        assertTrue(assertThrows(DlsecException.class, () -> Preprocessors.parse("blur:k=3")).getMessage().contains("blur"));
        assertTrue(assertThrows(DlsecException.class, () -> Preprocessors.parse("squeeze:bits=0")).getMessage().contains("bits"));
        assertTrue(assertThrows(DlsecException.class, () -> Preprocessors.parse("squeeze:depth=3")).getMessage().contains("depth"));
        assertTrue(assertThrows(DlsecException.class, () -> Preprocessors.parse("smooth:k=2")).getMessage().contains("odd"));
        assertTrue(assertThrows(DlsecException.class, () -> Preprocessors.parse("quantize:levels=3,thresholds=0.6/0.2"))
                .getMessage().contains("thresholds"));
    }
}
