package org.dlsec.attack.poisoning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.function.UnaryOperator;
import org.dlsec.TestModels;
import org.dlsec.TestSupport;
import org.dlsec.core.NumericalIssue;
import org.dlsec.core.Tensors;
import org.dlsec.data.Dataset;
import org.dlsec.model.DjlClassifier;
import org.dlsec.model.FeatureExtractor;
import org.junit.jupiter.api.Test;

/** Feature collision meets a NaN in its own objective: the poison steps back with half the step, or stays put. */
class FeatureCollisionNanTest {
    static final FeatureCollision FC = new FeatureCollision(25, 30, 0.1, 0);

    /** The features of {@code fe}, with NaN added to the rows {@code rows} on the calls {@code from..to} (1-based). */
    static UnaryOperator<NDArray> nanFeatures(FeatureExtractor fe, int from, int to, int... rows) {
        int[] calls = {0};
        return x -> {
            NDArray f = fe.features(x);
            calls[0]++;
            if (calls[0] < from || calls[0] > to) {
                return f;
            }
            int n = (int) f.getShape().get(0);
            int k = (int) f.getShape().get(1);
            float[] mask = new float[n * k];
            for (int r : rows) {
                java.util.Arrays.fill(mask, r * k, (r + 1) * k, Float.NaN);
            }
            return f.add(Tensors.floats(x.getManager(), mask, f.getShape()));
        };
    }

    static void assertPoisonsFinite(FeatureCollision.Crafted c) {
        for (float[] p : c.poisons()) {
            for (float v : p) {
                assertTrue(Float.isFinite(v) && v >= 0 && v <= 1, "poison pixel " + v);
            }
        }
        for (double v : c.featureDistanceAfter()) {
            assertTrue(Double.isFinite(v));
        }
    }

    @Test
    void aNanObjectiveIsUndoneAndThePoisonGoesOnWithHalfTheStep() {
        DjlClassifier model = TestModels.mnistLenet();
        FeatureExtractor fe = FeatureExtractor.penultimate(model);
        Dataset test = TestSupport.mnistTest(60);
        float[][] bases = {test.image(3), test.image(10), test.image(13)}; // three images of class 0
        float[] target = test.image(0);
        try (NDManager m = model.model().getNDManager().newSubManager()) {
            FeatureCollision.Crafted plain = FC.craft(fe::features, m, model.inputShape(), target, bases);
            // calls: 1 the target's features, 2 the distances before, then one per iteration: call 5 is iteration 2
            FeatureCollision.Crafted c = FC.craft(nanFeatures(fe, 5, 5, 0), m, model.inputShape(), target, bases);
            assertPoisonsFinite(c);
            assertTrue(plain.numericalIssues().isEmpty());
            assertEquals(1, c.numericalIssues().size());
            NumericalIssue i = c.numericalIssues().get(0);
            assertEquals("feature-collision", i.method());
            assertEquals("poison 0", i.subject());
            assertEquals(2, i.step());
            assertEquals("non-finite objective", i.problem());
            assertTrue(i.action().startsWith("restarted from the last finite point with step"), i.action());
            assertArrayEquals(plain.poisons()[1], c.poisons()[1], "the other poisons are not affected");
            assertArrayEquals(plain.poisons()[2], c.poisons()[2]);
            assertTrue(c.featureDistanceAfter()[0] < c.featureDistanceBefore()[0], "poison 0 still moved towards the target");
        }
    }

    @Test
    void aPoisonWhoseObjectiveNeverRecoversStaysAtItsLastFinitePoint() {
        DjlClassifier model = TestModels.mnistLenet();
        FeatureExtractor fe = FeatureExtractor.penultimate(model);
        Dataset test = TestSupport.mnistTest(60);
        float[][] bases = {test.image(3), test.image(10)};
        try (NDManager m = model.model().getNDManager().newSubManager()) {
            // every iteration (calls 3..32) gives poison 1 a NaN objective
            FeatureCollision.Crafted c = FC.craft(nanFeatures(fe, 3, 32, 1), m, model.inputShape(),
                    test.image(0), bases);
            assertPoisonsFinite(c);
            assertEquals(6, c.numericalIssues().size());
            assertTrue(c.numericalIssues().stream().allMatch(i -> i.subject().equals("poison 1")));
            assertTrue(c.numericalIssues().get(5).action().startsWith("gave up after 5 retries"));
            for (int k = 0; k < bases[1].length; k++) {
                assertEquals(bases[1][k], c.poisons()[1][k], 1e-6, "poison 1 never left its base");
            }
            assertTrue(c.pixelL2()[0] > 0, "poison 0 was crafted as usual");
        }
    }
}
