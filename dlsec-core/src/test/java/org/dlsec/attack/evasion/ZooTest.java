package org.dlsec.attack.evasion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Map;
import org.dlsec.TestModels;
import org.dlsec.TestSupport;
import org.dlsec.core.DlsecException;
import org.dlsec.data.Dataset;
import org.dlsec.model.BlackBoxClassifier;
import org.dlsec.model.Classifier;
import org.dlsec.model.ModelInfo;
import org.junit.jupiter.api.Test;

/** ZOO family, NES estimator (Ilyas et al., ICML 2018) on an undefended MNIST LeNet. */
class ZooTest {
    static final Dataset DATA = TestSupport.mnistTest(20);

    static Zoo nes(Norm norm, double eps, int queries, boolean targeted, long seed) {
        return new Zoo(new Zoo.Params(norm, eps, queries, 50, 0.001, 0.1, targeted, seed));
    }

    static void print(String what, AttackResult r) {
        AttackResult.Summary s = r.summary();
        System.out.printf("%s: success %.3f, mean L2 %.3f, median L2 %.3f, mean Linf %.3f, mean L0 %.1f, mean queries %.1f,"
                + " %.1f s%n", what, s.successRate(), s.meanL2(), s.medianL2(), s.meanLinf(), s.meanL0(), s.meanQueries(),
                s.seconds());
    }

    @Test
    void linfEps03FoolsMostSamplesWithinAFewThousandQueries() {
        BlackBoxClassifier model = BlackBoxTesting.wrap(TestModels.mnistLenet(), false,
                new ModelInfo("test-blackbox", "lenet", "", "lenet5"));
        assertFalse(model.hasGradients());
        AttackResult r = BlackBoxTesting.runCounted(nes(Norm.LINF, 0.3, 3000, false, 0), model, DATA, 20);
        print("zoo/nes linf eps 0.3, 3000 queries", r);
        assertTrue(r.cleanAccuracy() > 0.9);
        assertTrue(r.successRate() >= 0.8, "nes linf success " + r.successRate());
        for (int i = 0; i < r.size(); i++) {
            assertTrue(r.linf()[i] <= 0.3 + 1e-6, "linf " + r.linf()[i]);
            assertTrue(r.queries()[i] <= 3000, "budget " + r.queries()[i]);
            if (r.cleanPredictions()[i] != r.labels()[i]) {
                assertEquals(2, r.queries()[i], "misclassified samples cost only the template's queries");
            } else if (!r.success()[i]) {
                assertEquals(3000, r.queries()[i], "an unfooled sample spends its whole budget");
            }
        }
        // early stop: fooled samples stop querying
        assertTrue(r.summary().meanQueries() < 2000, "mean queries " + r.summary().meanQueries());
        // 57 = clean + final + one estimate of 50 + the iterate + a smaller last estimate of 4: the budget is exact
        AttackResult small = BlackBoxTesting.runCounted(nes(Norm.LINF, 0.3, 57, false, 0), model, DATA, 20);
        print("zoo/nes linf eps 0.3, 57 queries", small);
        for (int i = 0; i < small.size(); i++) {
            boolean correct = small.cleanPredictions()[i] == small.labels()[i];
            assertTrue(small.queries()[i] <= 57, "budget " + small.queries()[i]);
            if (correct && !small.success()[i]) {
                assertEquals(57, small.queries()[i], "an unfooled sample spends its whole budget");
            }
        }
        assertTrue(r.successRate() > small.successRate() + 0.3,
                "search " + r.successRate() + " vs one step " + small.successRate());
    }

    @Test
    void l2AndTargetedVariants() {
        Classifier model = TestModels.mnistLenet();
        Dataset d = TestSupport.mnistTest(10);
        AttackResult l2 = BlackBoxTesting.runCounted(nes(Norm.L2, 3.0, 2000, false, 1), model, d, 10);
        print("zoo/nes l2 eps 3, 2000 queries", l2);
        for (double v : l2.l2()) {
            assertTrue(v <= 3.0 + 1e-3, "l2 " + v);
        }
        assertTrue(l2.successRate() >= 0.5, "nes l2 success " + l2.successRate());
        int[] targets = EvasionRunner.randomTargets(d, 5);
        AttackResult t = EvasionRunner.run(nes(Norm.LINF, 0.3, 3000, true, 2), model, d, targets, 10, false);
        print("zoo/nes targeted linf eps 0.3, 3000 queries", t);
        assertTrue(t.successRate() >= 0.5, "targeted success " + t.successRate());
        for (int i = 0; i < t.size(); i++) {
            if (t.success()[i]) {
                assertEquals(targets[i], t.adversarialPredictions()[i]);
            }
        }
    }

    @Test
    void sameSeedSameBitsIndependentOfBatching() {
        Classifier model = TestModels.mnistLenet();
        Dataset d = TestSupport.mnistTest(8);
        AttackResult a = EvasionRunner.run(nes(Norm.LINF, 0.15, 400, false, 7), model, d, null, 8, false);
        AttackResult b = EvasionRunner.run(nes(Norm.LINF, 0.15, 400, false, 7), model, d, null, 3, false);
        assertArrayEquals(a.adversarial(), b.adversarial(), "batching must not change the result");
        assertArrayEquals(a.queries(), b.queries());
        AttackResult c = EvasionRunner.run(nes(Norm.LINF, 0.15, 400, false, 8), model, d, null, 8, false);
        assertFalse(Arrays.equals(a.adversarial(), c.adversarial()), "another seed, another search");
    }

    @Test
    void badParametersAreRejectedByName() {
        assertTrue(assertThrows(DlsecException.class, () -> nes(Norm.LINF, -1, 100, false, 0)).getMessage().contains("eps"));
        assertTrue(assertThrows(DlsecException.class, () -> nes(Norm.LINF, 0.3, 4, false, 0)).getMessage()
                .contains("max queries"));
        assertTrue(assertThrows(DlsecException.class, () -> nes(Norm.L0, 0.3, 100, false, 0)).getMessage().contains("norm"));
        assertTrue(assertThrows(DlsecException.class, () -> new Zoo.Params(Norm.LINF, 0.3, 100, 7, 0.001, 0.1, false, 0))
                .getMessage().contains("samples"));
        assertTrue(assertThrows(DlsecException.class, () -> new Zoo.Params(Norm.LINF, 0.3, 100, 50, 0, 0.1, false, 0))
                .getMessage().contains("sigma"));
        assertTrue(assertThrows(DlsecException.class, () -> new Zoo.Params(Norm.LINF, 0.3, 100, 50, 0.001, 1.5, false, 0))
                .getMessage().contains("step"));
        assertTrue(assertThrows(DlsecException.class, () -> EvasionAttacks.create(new AttackSpec("zoo", 0.3, Norm.LINF, null,
                null, null, false, null, 0, Map.of("sigma", "-1")))).getMessage().contains("sigma"));
        Zoo z = (Zoo) EvasionAttacks.create(new AttackSpec("zoo", 0.2, Norm.L2, null, 0.05, null, true, 777, 3,
                Map.of("samples", "20")));
        assertEquals(777, z.params().maxQueries());
        assertEquals(20, z.params().samples());
        assertEquals(0.25, z.params().stepFraction(), 1e-12);
        assertEquals("zoo", z.name());
        assertEquals(Knowledge.SCORE_BASED, z.knowledge());
        assertTrue(z.targeted());
        assertEquals(0.4, z.withEpsilon(0.4).epsilon());
        assertEquals(0.25, z.withEpsilon(0.4).params().stepFraction(), 1e-12);
    }
}
