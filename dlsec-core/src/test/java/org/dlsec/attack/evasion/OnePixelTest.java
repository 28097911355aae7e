package org.dlsec.attack.evasion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.dlsec.TestModels;
import org.dlsec.TestSupport;
import org.dlsec.core.DlsecException;
import org.dlsec.data.Dataset;
import org.dlsec.model.BlackBoxClassifier;
import org.dlsec.model.Bounds;
import org.dlsec.model.Classifier;
import org.dlsec.model.ModelInfo;
import org.dlsec.model.ScoreKind;
import org.junit.jupiter.api.Test;

/** One-pixel attack (Su, Vargas, Sakurai 2019) by differential evolution. */
class OnePixelTest {
    static final Dataset DATA = TestSupport.mnistTest(20);

    static OnePixel attack(int pixels, int population, int iterations, long seed) {
        return new OnePixel(new OnePixel.Params(pixels, population, iterations, population * (iterations + 1) + 2, 0.5,
                false, seed));
    }

    static void print(String what, AttackResult r) {
        AttackResult.Summary s = r.summary();
        System.out.printf("%s: success %.3f, mean L0 %.2f, mean L2 %.3f, median L2 %.3f, mean queries %.1f, %.1f s%n", what,
                s.successRate(), s.meanL0(), s.meanL2(), s.medianL2(), s.meanQueries(), s.seconds());
    }

    @Test
    void mnistLenetIsFairlyRobustToOnePixelLessToThree() {
        Classifier model = TestModels.mnistLenet();
        // the registry's defaults: population 100, 100 generations
        AttackResult one = BlackBoxTesting.runCounted(attack(1, 100, 100, 0), model, DATA, 20);
        print("onepixel 1 pixel, population 100, 100 generations", one);
        // three pixels on the first half only (the attack costs ~2 s a sample here; the suite must stay short)
        Dataset half = DATA.subset(java.util.stream.IntStream.range(0, 10).toArray(), "first 10");
        AttackResult three = BlackBoxTesting.runCounted(attack(3, 100, 100, 0), model, half, 10);
        print("onepixel 3 pixels, population 100, 100 generations, first 10", three);
        assertTrue(one.cleanAccuracy() > 0.9);
        for (int i = 0; i < three.size(); i++) {
            assertTrue(three.l0()[i] <= 3, "three pixels, L0 " + three.l0()[i]);
            assertEquals(0, (three.queries()[i] - 2) % 100, "whole generations are queried");
        }
        for (int i = 0; i < one.size(); i++) {
            assertTrue(one.l0()[i] <= 1, "one pixel of one channel, L0 " + one.l0()[i]);
            boolean correct = one.cleanPredictions()[i] == one.labels()[i];
            if (!correct) {
                assertEquals(2, one.queries()[i]);
            } else if (!one.success()[i]) {
                assertEquals(100 * 101 + 2, one.queries()[i], "an unfooled sample runs every generation");
            }
            assertEquals(0, (one.queries()[i] - 2) % 100, "whole generations are queried");
        }
        assertTrue(one.successRate() > 0, "some digits fall to one pixel");
        assertTrue(one.successRate() < 0.3, "but most do not: " + one.successRate());
        // on the same 10 images, three pixels fool more than one
        int oneFooled = 0;
        int threeFooled = 0;
        for (int i = 0; i < three.size(); i++) {
            oneFooled += one.success()[i] ? 1 : 0;
            threeFooled += three.success()[i] ? 1 : 0;
        }
        assertTrue(threeFooled >= oneFooled + 1, "three pixels do better on the first 10: " + threeFooled + " vs " + oneFooled);
        // early stop: a fooled sample stops querying, so the successes pull the mean below the full budget
        assertTrue(three.summary().meanQueries() < 100 * 101 + 2, "mean queries " + three.summary().meanQueries());
    }

    /**
     * A 3-channel model, class 1 iff some pixel is far more red than green plus blue; the grey images of class
     * 0 can only be flipped by a pixel whose three values are chosen together.
     */
    @Test
    void threeChannelPixelsCarryOneValuePerChannel() {
        int c = 3;
        int h = 8;
        int w = 8;
        int d = c * h * w;
        BlackBoxClassifier model = new BlackBoxClassifier((flat, n) -> {
            float[][] out = new float[n][2];
            for (int i = 0; i < n; i++) {
                float best = -3;
                for (int px = 0; px < h * w; px++) {
                    float r = flat[i * d + px];
                    float g = flat[i * d + h * w + px];
                    float bl = flat[i * d + 2 * h * w + px];
                    best = Math.max(best, r - g - bl);
                }
                out[i][0] = 0.5f;
                out[i][1] = best;
            }
            return out;
        }, ScoreKind.LOGITS, new Shape(c, h, w), 2, Bounds.UNIT, new ModelInfo("test-rgb", "synthetic", "", "rgb"));
        int n = 6;
        float[] pixels = new float[n * d];
        SplittableRandom r = new SplittableRandom(5);
        for (int j = 0; j < pixels.length; j++) {
            pixels[j] = (float) (0.3 + 0.4 * r.nextDouble());
        }
        Dataset data = new Dataset("rgb", "test", c, h, w, 2, pixels, new int[n], null, List.of("grey", "red"), "synthetic");
        AttackResult res = BlackBoxTesting.runCounted(attack(1, 20, 30, 1), model, data, n);
        print("onepixel on the synthetic 3-channel model", res);
        assertEquals(1.0, res.cleanAccuracy());
        assertEquals(1.0, res.successRate(), "a single red pixel flips every image");
        for (int i = 0; i < n; i++) {
            assertTrue(res.l0()[i] <= 3, "one pixel, three channels: L0 " + res.l0()[i]);
            float[] adv = res.adversarialExample(i);
            int changedPosition = -1;
            for (int j = 0; j < d; j++) {
                if (adv[j] != pixels[i * d + j]) {
                    int pos = j % (h * w);
                    assertTrue(changedPosition < 0 || changedPosition == pos, "all changes at one position");
                    changedPosition = pos;
                }
            }
            assertTrue(changedPosition >= 0);
        }
    }

    @Test
    void sameSeedSameBitsIndependentOfBatching() {
        Classifier model = TestModels.mnistLenet();
        Dataset d = TestSupport.mnistTest(6);
        AttackResult a = EvasionRunner.run(attack(3, 20, 5, 3), model, d, null, 6, false);
        AttackResult b = EvasionRunner.run(attack(3, 20, 5, 3), model, d, null, 4, false);
        assertArrayEquals(a.adversarial(), b.adversarial());
        assertArrayEquals(a.queries(), b.queries());
        AttackResult c = EvasionRunner.run(attack(3, 20, 5, 4), model, d, null, 6, false);
        assertFalse(java.util.Arrays.equals(a.adversarial(), c.adversarial()));
    }

    @Test
    void badParametersAreRejectedByName() {
        assertTrue(assertThrows(DlsecException.class, () -> attack(0, 100, 10, 0)).getMessage().contains("pixels"));
        assertTrue(assertThrows(DlsecException.class, () -> attack(1, 3, 10, 0)).getMessage().contains("population"));
        assertTrue(assertThrows(DlsecException.class, () -> attack(1, 100, -1, 0)).getMessage().contains("iterations"));
        assertTrue(assertThrows(DlsecException.class, () -> new OnePixel.Params(1, 100, 10, 50, 0.5, false, 0))
                .getMessage().contains("max queries"));
        assertTrue(assertThrows(DlsecException.class, () -> new OnePixel.Params(1, 100, 10, 5000, 0, false, 0))
                .getMessage().contains("f"));
        assertTrue(assertThrows(DlsecException.class, () -> EvasionAttacks.create(new AttackSpec("onepixel", 0, Norm.L0,
                null, null, null, false, null, 0, Map.of("population", "2")))).getMessage().contains("population"));
        OnePixel o = (OnePixel) EvasionAttacks.create(new AttackSpec("onepixel", 0, Norm.L0, null, null, null, false, null, 0,
                Map.of("pixels", "3")));
        assertEquals(3, o.params().pixels());
        assertEquals(100, o.params().population());
        assertEquals(100, o.params().iterations());
        assertEquals(100 * 101 + 2, o.params().maxQueries());
        assertEquals("onepixel", o.name());
        assertEquals(Knowledge.SCORE_BASED, o.knowledge());
    }
}
