package org.dlsec.attack.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.dlsec.NanInjecting;
import org.dlsec.TestModels;
import org.dlsec.core.NumericalIssue;
import org.junit.jupiter.api.Test;

/** MI-Face meets NaN gradients for one class: that class steps back or is given up, the others are untouched. */
class MiFaceNanTest {
    static final MiFace ATTACK = new MiFace(40, 0.05, 0.5, 1000, 1e-4, 0.0);

    static void assertImagesFinite(MiFace.Result r) {
        for (float[] img : r.images()) {
            for (float v : img) {
                assertTrue(Float.isFinite(v) && v >= 0 && v <= 1, "pixel " + v);
            }
        }
        for (double c : r.confidence()) {
            assertTrue(Double.isFinite(c));
        }
    }

    @Test
    void aNanGradientOfOneClassIsSkippedAndTheClassGoesOnWithHalfTheStep() {
        MiFace.Result plain = ATTACK.infer(TestModels.mnistLenet());
        MiFace.Result r = ATTACK.infer(new NanInjecting(TestModels.mnistLenet(), (call, row) -> call == 3 && row == 2, false));
        assertImagesFinite(r);
        assertEquals(40, r.steps());
        assertEquals(1, r.numericalIssues().size());
        NumericalIssue i = r.numericalIssues().get(0);
        assertEquals("inversion", i.method());
        assertEquals("class 2", i.subject());
        assertEquals(2, i.step());
        assertEquals("non-finite gradient", i.problem());
        assertEquals("restarted from the last finite point with step 0.025", i.action());
        for (int c = 0; c < 10; c++) {
            if (c != 2) {
                assertArrayEquals(plain.images()[c], r.images()[c], "class " + c + " is not affected");
            }
        }
        assertTrue(plain.numericalIssues().isEmpty());
        // class 2 lost one step and went on more slowly, but still climbs towards its class
        assertTrue(r.confidence()[2] > 0.1, "confidence of class 2: " + r.confidence()[2]);
    }

    @Test
    void aClassWhoseGradientNeverRecoversIsGivenUp() {
        MiFace.Result plain = ATTACK.infer(TestModels.mnistLenet());
        MiFace.Result r = ATTACK.infer(new NanInjecting(TestModels.mnistLenet(), (call, row) -> row == 5, true));
        assertImagesFinite(r);
        assertEquals(6, r.numericalIssues().size(), "five retries, then the class is given up");
        assertTrue(r.numericalIssues().stream().allMatch(i -> i.subject().equals("class 5")));
        assertEquals("non-finite confidence", r.numericalIssues().get(0).problem());
        assertTrue(r.numericalIssues().get(5).action().startsWith("gave up after 5 retries"));
        for (int c = 0; c < 10; c++) {
            if (c != 5) {
                assertArrayEquals(plain.images()[c], r.images()[c], "class " + c + " is not affected");
            }
        }
        for (float v : r.images()[5]) {
            assertEquals(0f, v, "class 5 never left its blank start");
        }
    }
}
