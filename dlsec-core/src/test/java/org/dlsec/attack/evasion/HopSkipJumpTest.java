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
import org.dlsec.model.NoGradientException;
import org.junit.jupiter.api.Test;

/** HopSkipJump (Chen, Jordan, Wainwright, S&P 2020) on an undefended MNIST LeNet, through a label-only model. */
class HopSkipJumpTest {
    static final Dataset DATA = TestSupport.mnistTest(20);

    static HopSkipJump l2(int queries, long seed) {
        return new HopSkipJump(new HopSkipJump.Params(Norm.L2, queries, 100, 10_000, 1.0, 100, seed));
    }

    static BlackBoxClassifier labelOnly() {
        return BlackBoxTesting.wrap(TestModels.mnistLenet(), true, new ModelInfo("test-label-only", "lenet", "", "lenet5"));
    }

    @Test
    void labelOnlyModelSucceedsEverywhereAndL2ShrinksWithTheBudget() {
        BlackBoxClassifier model = labelOnly();
        assertFalse(model.hasGradients());
        assertThrows(NoGradientException.class, () -> model.lossGradient(null, null));
        AttackResult small = BlackBoxTesting.runCounted(l2(300, 0), model, DATA, 20);
        AttackResult large = BlackBoxTesting.runCounted(l2(1500, 0), model, DATA, 20);
        assertEquals(1.0, small.successRate(), "every correctly classified sample is fooled");
        assertEquals(1.0, large.successRate());
        double m1 = BlackBoxTesting.median(small.l2(), small.success());
        double m2 = BlackBoxTesting.median(large.l2(), large.success());
        System.out.printf("hsj median L2: %.3f at 300 queries, %.3f at 1500%n", m1, m2);
        assertTrue(m2 < 0.85 * m1, "median L2 must shrink with the budget: " + m1 + " -> " + m2);
        assertTrue(m2 < 3.0, "HSJ on MNIST reaches L2 < 3 within 1500 queries, got " + m2);
        for (int i = 0; i < large.size(); i++) {
            assertTrue(large.queries()[i] <= 1500, "budget " + large.queries()[i]);
            if (large.cleanPredictions()[i] == large.labels()[i]) {
                assertEquals(1500, large.queries()[i], "HSJ spends its whole budget refining");
            }
        }
    }

    @Test
    void linfVariantShrinksTheLinfDistance() {
        Classifier model = TestModels.mnistLenet();
        Dataset d = TestSupport.mnistTest(10);
        HopSkipJump a = new HopSkipJump(new HopSkipJump.Params(Norm.LINF, 800, 100, 10_000, 1.0, 100, 0));
        AttackResult r = BlackBoxTesting.runCounted(a, model, d, 10);
        assertEquals(1.0, r.successRate());
        double med = BlackBoxTesting.median(r.linf(), r.success());
        System.out.printf("hsj linf median %.3f%n", med);
        // uniform-noise starts are ~0.5 away in L∞ after the blend; the attack must get well below
        assertTrue(med < 0.4, "median linf " + med);
    }

    @Test
    void sameSeedSameBitsIndependentOfBatching() {
        Classifier model = TestModels.mnistLenet();
        Dataset d = TestSupport.mnistTest(8);
        AttackResult a = EvasionRunner.run(l2(150, 3), model, d, null, 8, false);
        AttackResult b = EvasionRunner.run(l2(150, 3), model, d, null, 3, false);
        assertArrayEquals(a.adversarial(), b.adversarial());
        assertArrayEquals(a.queries(), b.queries());
        AttackResult c = EvasionRunner.run(l2(150, 4), model, d, null, 8, false);
        assertFalse(java.util.Arrays.equals(a.adversarial(), c.adversarial()));
    }

    @Test
    void badParametersAreRejectedByName() {
        assertTrue(assertThrows(DlsecException.class, () -> l2(0, 0)).getMessage().contains("max queries"));
        assertTrue(assertThrows(DlsecException.class, () -> new HopSkipJump.Params(Norm.L0, 100, 100, 1000, 1, 100, 0))
                .getMessage().contains("norm"));
        assertTrue(assertThrows(DlsecException.class, () -> new HopSkipJump.Params(Norm.L2, 100, 100, 10, 1, 100, 0))
                .getMessage().contains("max evals"));
        assertTrue(assertThrows(DlsecException.class, () -> new HopSkipJump.Params(Norm.L2, 100, 100, 1000, 0, 100, 0))
                .getMessage().contains("gamma"));
        assertTrue(assertThrows(DlsecException.class, () -> EvasionAttacks.create(new AttackSpec("hsj", 0, Norm.L2, null,
                null, null, true, null, 0, Map.of()))).getMessage().contains("targeted"));
        HopSkipJump h = (HopSkipJump) EvasionAttacks.create(new AttackSpec("hsj", 0, Norm.L2, null, null, null, false, 1000,
                0, Map.of("init-evals", "50")));
        assertEquals(1000, h.params().maxQueries());
        assertEquals(50, h.params().initEvals());
    }
}
