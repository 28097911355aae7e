package org.dlsec.attack.evasion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Map;
import org.dlsec.NanInjecting;
import org.dlsec.TestModels;
import org.dlsec.TestSupport;
import org.dlsec.core.Json;
import org.dlsec.core.NumericalIssue;
import org.dlsec.data.Dataset;
import org.junit.jupiter.api.Test;

/** C&W and DeepFool meet NaN gradients of their own making: they recover or give the sample up, never crash. */
class NanRecoveryEvasionTest {
    static final Dataset DATA = TestSupport.mnistTest(12);

    static CarliniWagnerL2 cw() {
        return new CarliniWagnerL2(new CarliniWagnerL2.Params(0, 0.01, 3, 60, 0.05, true, false, 0));
    }

    static void assertFiniteAndInBounds(AttackResult r) {
        for (float v : r.adversarial()) {
            assertTrue(Float.isFinite(v) && v >= 0f && v <= 1f, "adversarial value " + v);
        }
        for (double v : r.l2()) {
            assertTrue(Double.isFinite(v), "l2 " + v);
        }
    }

    static float[] pixels() {
        int d = DATA.sampleSize();
        float[] out = new float[DATA.size() * d];
        for (int i = 0; i < DATA.size(); i++) {
            System.arraycopy(DATA.image(i), 0, out, i * d, d);
        }
        return out;
    }

    static int attacked(AttackResult r) {
        int a = 0;
        for (int i = 0; i < r.size(); i++) {
            a += r.cleanPredictions()[i] == r.labels()[i] ? 1 : 0;
        }
        return a;
    }

    @Test
    void cwRestartsFromTheLastFinitePointAfterANanGradient() {
        AttackResult clean = EvasionRunner.run(cw(), TestModels.mnistLenet(), DATA, null, 12, false);
        // the third gradient call returns NaN for every sample still attacked
        AttackResult r = EvasionRunner.run(cw(), NanInjecting.calls(TestModels.mnistLenet(), 3, 3), DATA, null, 12, false);
        assertFiniteAndInBounds(r);
        assertEquals(0, r.failedCount());
        assertEquals(attacked(r), r.numericalIssues().size(), "one recorded event per attacked sample");
        for (NumericalIssue i : r.numericalIssues()) {
            assertEquals("cw", i.method());
            assertEquals(2, i.step());
            assertEquals("non-finite gradient", i.problem());
            assertTrue(i.action().contains("restarted from the last finite point with step 0.025"), i.action());
        }
        assertTrue(r.successRate() >= clean.successRate() - 0.1, r.successRate() + " vs " + clean.successRate());
        assertEquals(r.numericalIssues().size(), r.summary().numericalIssueCount());
        Map<?, ?> json = Json.MAPPER.convertValue(r, Map.class);
        assertEquals(r.numericalIssues().size(), ((java.util.List<?>) json.get("numericalIssues")).size());
    }

    @Test
    void cwGivesASampleUpWhenItsGradientNeverRecovers() {
        AttackResult r = EvasionRunner.run(cw(), NanInjecting.always(TestModels.mnistLenet()), DATA, null, 12, false);
        assertFiniteAndInBounds(r);
        int a = attacked(r);
        assertTrue(a > 0);
        assertEquals(a, r.failedCount(), "every attacked sample is given up and reported failed");
        assertEquals(0, r.successRate());
        long gaveUp = r.numericalIssues().stream().filter(i -> i.action().startsWith("gave up")).count();
        assertEquals(a, gaveUp);
        assertArrayEquals(pixels(), r.adversarial(), "failed samples keep their original input");
    }

    @Test
    void deepFoolRetriesWithASmallerStepWhenNoCandidateIsFinite() {
        DeepFool df = new DeepFool(DeepFool.Params.defaults(0));
        AttackResult clean = EvasionRunner.run(df, TestModels.mnistLenet(), DATA, null, 12, false);
        // the whole first iteration (one gradient call per candidate class) returns NaN gradients
        int perIteration = Math.min(DeepFool.Params.defaults(0).candidates(), 10) - 1;
        AttackResult r = EvasionRunner.run(df, NanInjecting.calls(TestModels.mnistLenet(), 1, perIteration), DATA, null, 12,
                false);
        assertFiniteAndInBounds(r);
        assertEquals(0, r.failedCount());
        assertEquals(attacked(r), r.numericalIssues().size());
        for (NumericalIssue i : r.numericalIssues()) {
            assertEquals("deepfool", i.method());
            assertEquals(0, i.step());
            assertTrue(i.problem().contains("every candidate class"), i.problem());
        }
        assertEquals(clean.successRate(), r.successRate(), 0.1);
        // the later steps are halved, so the perturbations are no larger than without the accident
        double[] l2 = Arrays.stream(r.l2()).toArray();
        for (int i = 0; i < r.size(); i++) {
            if (r.success()[i] && clean.success()[i]) {
                assertTrue(l2[i] <= clean.l2()[i] * 1.5 + 1e-3, "sample " + i + ": " + l2[i] + " vs " + clean.l2()[i]);
            }
        }
    }

    @Test
    void deepFoolGivesUpWhenTheGradientNeverRecovers() {
        AttackResult r = EvasionRunner.run(new DeepFool(DeepFool.Params.defaults(0)),
                NanInjecting.always(TestModels.mnistLenet()), DATA, null, 12, false);
        assertFiniteAndInBounds(r);
        assertEquals(attacked(r), r.failedCount());
        assertTrue(r.numericalIssues().stream().anyMatch(i -> i.action().startsWith("gave up")));
        assertArrayEquals(pixels(), r.adversarial());
    }
}
