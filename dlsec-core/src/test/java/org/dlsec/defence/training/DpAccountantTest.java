package org.dlsec.defence.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.dlsec.core.DlsecException;
import org.junit.jupiter.api.Test;

class DpAccountantTest {
    /**
     * TensorFlow Privacy's published MNIST table (tutorials/README.md, "Select Parameters"): N = 60,000,
     * batch 256, δ = 1e-5; steps = epochs · 60000 // 256 as in its tutorial.
     */
    @Test
    void matchesTensorFlowPrivacysPublishedMnistFigures() {
        double q = 256.0 / 60_000;
        assertWithin5Percent(2.92, RdpAccountant.epsilon(q, 1.12, 60L * 60_000 / 256, 1e-5).epsilon());
        assertWithin5Percent(9.74, RdpAccountant.epsilon(q, 0.6, 30L * 60_000 / 256, 1e-5).epsilon());
        assertWithin5Percent(1.20, RdpAccountant.epsilon(q, 1.2, 10L * 60_000 / 256, 1e-5).epsilon());
    }

    private static void assertWithin5Percent(double expected, double actual) {
        assertTrue(Math.abs(actual - expected) <= 0.05 * expected, "expected " + expected + " ±5%, got " + actual);
    }

    @Test
    void fullBatchIsTheGaussianMechanism() {
        // q = 1: RDP of the Gaussian mechanism, α/(2σ²), exactly
        assertEquals(3 / (2 * 1.5 * 1.5), RdpAccountant.rdp(1.0, 1.5, 3), 1e-12);
        // and the sampled formula tends to it as q → 1
        assertEquals(RdpAccountant.rdp(1.0, 2.0, 8), RdpAccountant.rdp(1 - 1e-12, 2.0, 8), 1e-6);
        // α = 2 closed form: log(1 + q²(e^{1/σ²} − 1))
        double q = 0.01;
        double s = 0.8;
        assertEquals(Math.log(1 + q * q * (Math.exp(1 / (s * s)) - 1)), RdpAccountant.rdp(q, s, 2), 1e-12);
        // T steps of the full-batch mechanism, minimised by hand over the same orders
        double best = Double.MAX_VALUE;
        for (int a = 2; a <= 256; a++) {
            best = Math.min(best, 10 * a / (2.0 * 4 * 4) + Math.log(1e5) / (a - 1));
        }
        assertEquals(best, RdpAccountant.epsilon(1.0, 4, 10, 1e-5).epsilon(), 1e-12);
    }

    @Test
    void epsilonGrowsWithStepsAndShrinksWithNoise() {
        double q = 0.01;
        double e1 = RdpAccountant.epsilon(q, 1.0, 100, 1e-5).epsilon();
        double e2 = RdpAccountant.epsilon(q, 1.0, 1000, 1e-5).epsilon();
        double e3 = RdpAccountant.epsilon(q, 2.0, 1000, 1e-5).epsilon();
        assertTrue(e1 < e2 && e3 < e2);
        assertEquals(0, RdpAccountant.epsilon(q, 1.0, 0, 1e-5).epsilon());
        assertThrows(DlsecException.class, () -> RdpAccountant.epsilon(0, 1, 10, 1e-5));
        assertThrows(DlsecException.class, () -> RdpAccountant.epsilon(0.1, 0, 10, 1e-5));
        assertThrows(DlsecException.class, () -> RdpAccountant.epsilon(0.1, 1, 10, 1));
    }
}
