package org.dlsec.attack.evasion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.dlsec.TestModels;
import org.dlsec.TestSupport;
import org.dlsec.core.DlsecException;
import org.dlsec.data.Dataset;
import org.dlsec.model.BlackBoxClassifier;
import org.dlsec.model.Classifier;
import org.dlsec.model.ModelInfo;
import org.junit.jupiter.api.Test;

/** Boundary Attack (Brendel, Rauber, Bethge, ICLR 2018) on an undefended MNIST LeNet, through a label-only model. */
class BoundaryTest {
    static final Dataset DATA = TestSupport.mnistTest(10);

    static Boundary attack(int queries, long seed) {
        return new Boundary(new Boundary.Params(queries, 0.01, 0.01, 1.5, 100, seed));
    }

    @Test
    void labelOnlyModelSucceedsEverywhereAndL2ShrinksWithTheBudget() {
        BlackBoxClassifier model = BlackBoxTesting.wrap(TestModels.mnistLenet(), true,
                new ModelInfo("test-label-only", "lenet", "", "lenet5"));
        assertFalse(model.hasGradients());
        AttackResult small = BlackBoxTesting.runCounted(attack(200, 0), model, DATA, 10);
        AttackResult large = BlackBoxTesting.runCounted(attack(1000, 0), model, DATA, 10);
        assertEquals(1.0, small.successRate(), "every correctly classified sample is fooled");
        assertEquals(1.0, large.successRate());
        double m1 = BlackBoxTesting.median(small.l2(), small.success());
        double m2 = BlackBoxTesting.median(large.l2(), large.success());
        System.out.printf("boundary: median L2 %.3f at 200 queries, %.3f at 1000; mean queries %.1f / %.1f;"
                + " %.1f s / %.1f s%n", m1, m2, small.summary().meanQueries(), large.summary().meanQueries(),
                small.summary().seconds(), large.summary().seconds());
        assertTrue(m2 < 0.8 * m1, "median L2 must shrink with the budget: " + m1 + " -> " + m2);
        for (int i = 0; i < large.size(); i++) {
            assertTrue(large.queries()[i] <= 1000, "budget " + large.queries()[i]);
            assertTrue(large.l2()[i] <= small.l2()[i] + 1e-4 || !small.success()[i],
                    "a longer run with the same seed only continues the shorter one: " + small.l2()[i] + " -> " + large.l2()[i]);
            if (large.cleanPredictions()[i] == large.labels()[i]) {
                // the iterations cost 2 queries each: at most one query of the budget stays unused
                assertTrue(large.queries()[i] >= 999, "boundary spends its whole budget, got " + large.queries()[i]);
            } else {
                assertEquals(2, large.queries()[i]);
            }
        }
    }

    @Test
    void sameSeedSameBitsIndependentOfBatching() {
        Classifier model = TestModels.mnistLenet();
        Dataset d = TestSupport.mnistTest(4);
        AttackResult a = EvasionRunner.run(attack(120, 3), model, d, null, 4, false);
        AttackResult b = EvasionRunner.run(attack(120, 3), model, d, null, 3, false);
        assertArrayEquals(a.adversarial(), b.adversarial());
        assertArrayEquals(a.queries(), b.queries());
        AttackResult c = EvasionRunner.run(attack(120, 4), model, d, null, 4, false);
        assertFalse(java.util.Arrays.equals(a.adversarial(), c.adversarial()));
    }

    @Test
    void badParametersAreRejectedByName() {
        assertTrue(assertThrows(DlsecException.class, () -> attack(2, 0)).getMessage().contains("max queries"));
        assertTrue(assertThrows(DlsecException.class, () -> new Boundary.Params(100, 0, 0.01, 1.5, 100, 0))
                .getMessage().contains("spherical step"));
        assertTrue(assertThrows(DlsecException.class, () -> new Boundary.Params(100, 0.01, 1, 1.5, 100, 0))
                .getMessage().contains("source step"));
        assertTrue(assertThrows(DlsecException.class, () -> new Boundary.Params(100, 0.01, 0.01, 1, 100, 0))
                .getMessage().contains("step adaptation"));
        assertTrue(assertThrows(DlsecException.class, () -> new Boundary.Params(100, 0.01, 0.01, 1.5, 0, 0))
                .getMessage().contains("init tries"));
        assertTrue(assertThrows(DlsecException.class, () -> EvasionAttacks.create(new AttackSpec("boundary", 0, Norm.L2, null,
                null, null, true, null, 0, Map.of()))).getMessage().contains("targeted"));
        Boundary bd = (Boundary) EvasionAttacks.create(new AttackSpec("boundary", 0, Norm.L2, null, null, null, false, 1000,
                0, Map.of("source-step", "0.05")));
        assertEquals(1000, bd.params().maxQueries());
        assertEquals(0.05, bd.params().sourceStep());
        assertEquals("boundary", bd.name());
        assertEquals(Knowledge.DECISION_BASED, bd.knowledge());
    }
}
