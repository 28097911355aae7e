package org.dlsec.defence.detection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.dlsec.NanInjecting;
import org.dlsec.TestModels;
import org.dlsec.TestSupport;
import org.dlsec.core.Json;
import org.dlsec.core.NumericalIssue;
import org.dlsec.core.Progress;
import org.dlsec.data.Dataset;
import org.junit.jupiter.api.Test;

/** Neural Cleanse meets NaN gradients of its own optimisation: it steps back, halves the step or gives the class up. */
class NeuralCleanseNanTest {
    static final NeuralCleanse NC = new NeuralCleanse(30, 32, 0.1, 0.01, 0.9, 2.0, 10, 1);

    static void assertTriggerFinite(NeuralCleanse.ClassTrigger t) {
        for (float v : t.mask()) {
            assertTrue(v >= 0 && v <= 1, "mask value " + v);
        }
        for (float v : t.pattern()) {
            assertTrue(v >= 0 && v <= 1, "pattern value " + v);
        }
        assertTrue(Double.isFinite(t.maskL1()));
    }

    @Test
    void aNanGradientIsSkippedAndTheClassGoesOnWithHalfTheStep() {
        Dataset clean = TestSupport.mnistTest(100);
        NeuralCleanse.ClassTrigger plain = NC.reverse(TestModels.mnistLenet(), clean, 4, Progress.none());
        NanInjecting nan = NanInjecting.calls(TestModels.mnistLenet(), 5, 5);
        NeuralCleanse.ClassTrigger t = NC.reverse(nan, clean, 4, Progress.none());
        assertEquals(30, nan.calls(), "every step still ran");
        assertTriggerFinite(t);
        assertEquals(1, t.numericalIssues().size());
        NumericalIssue i = t.numericalIssues().get(0);
        assertEquals("neural-cleanse", i.method());
        assertEquals("class 4", i.subject());
        assertEquals(4, i.step());
        assertEquals("non-finite gradient", i.problem());
        assertEquals("restarted from the last finite point with step 0.05", i.action());
        assertTrue(plain.numericalIssues().isEmpty());
        // after the skipped step the descent went on (with half the step): the mask shrank from its start, ½ everywhere
        double start = 0.5 * 28 * 28;
        assertTrue(t.maskL1() < 0.6 * start, t.maskL1() + " from " + start + " (plain run: " + plain.maskL1() + ")");
        assertTrue(plain.maskL1() <= t.maskL1(), "the plain run, with the full step throughout, gets at least as far");
    }

    @Test
    void aClassWhoseGradientNeverRecoversIsGivenUpAndNeverFlagged() {
        Dataset clean = TestSupport.mnistTest(64);
        NanInjecting nan = NanInjecting.always(TestModels.mnistLenet());
        NeuralCleanse.ClassTrigger t = NC.reverse(nan, clean, 2, Progress.none());
        assertEquals(NeuralCleanse.MAX_RETRIES + 1, nan.calls(), "the class stops after the allowed retries");
        assertEquals(NeuralCleanse.MAX_RETRIES + 1, t.numericalIssues().size());
        assertTrue(t.numericalIssues().get(NeuralCleanse.MAX_RETRIES).action().startsWith("gave up after 5 retries"));
        assertTriggerFinite(t);
        assertFalse(t.reached());
    }

    @Test
    void theScanReportsTheIssuesInItsJson() throws Exception {
        Dataset clean = TestSupport.mnistTest(64);
        NeuralCleanse nc = NC.withSteps(4);
        // the 7th gradient call is the 3rd step of the second class
        NeuralCleanse.Result r = nc.scan(NanInjecting.calls(TestModels.mnistLenet(), 7, 7), clean, false);
        assertEquals(10, r.triggers().size());
        assertEquals(1, r.numericalIssues().size());
        assertEquals("class 1", r.numericalIssues().get(0).subject());
        for (double a : r.anomalyIndex()) {
            assertFalse(Double.isNaN(a));
        }
        Map<?, ?> json = Json.MAPPER.readValue(Json.MAPPER.writeValueAsString(r.toMap()), Map.class);
        List<?> issues = (List<?>) json.get("numericalIssues");
        assertEquals(1, issues.size());
        assertEquals("non-finite gradient", ((Map<?, ?>) issues.get(0)).get("problem"));
    }
}
