package org.dlsec.defence.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.dlsec.core.DlsecException;
import org.junit.jupiter.api.Test;

class EpsilonWarmupTest {
    @Test
    void rampsLinearlyOverTheWarmupEpochsThenHolds() {
        EpsilonWarmup w = new EpsilonWarmup(2);
        assertEquals(1.0 / 200, w.factor(0, 100), 1e-12, "first batch: a small ε, not 0");
        assertEquals(0.5, w.factor(99, 100), 1e-12, "end of the first of two epochs");
        assertEquals(1.0, w.factor(199, 100), 1e-12);
        assertEquals(1.0, w.factor(5000, 100), 1e-12, "full ε after the warm-up");
        double previous = 0;
        for (long b = 0; b < 300; b++) {
            double f = w.factor(b, 100);
            assertTrue(f >= previous && f > 0 && f <= 1);
            previous = f;
        }
        assertEquals(1.0, EpsilonWarmup.NONE.factor(0, 100), 0);
        assertEquals(1.0, w.factor(0, 0), 0, "unknown epoch length: no warm-up");
        assertThrows(DlsecException.class, () -> new EpsilonWarmup(-1));
        assertThrows(DlsecException.class, () -> new EpsilonWarmup(Double.NaN));
    }
}
