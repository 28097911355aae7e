package org.dlsec.metric;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.dlsec.core.DlsecException;
import org.junit.jupiter.api.Test;

/** W and p against SciPy 1.17's scipy.stats.shapiro (which implements the same AS R94) on fixed samples. */
class ShapiroWilkTest {
    static void check(double[] x, double w, double p) {
        ShapiroWilk.Result r = ShapiroWilk.test(x);
        assertEquals(w, r.w(), 2e-4, "W");
        assertEquals(p, r.pValue(), Math.max(2e-3, p * 0.02), "p");
    }

    @Test
    void matchesScipyOnNormalUniformAndExponentialSamples() {
        check(new double[] {0.3456, 0.8216, 0.3304, -1.3032, 0.9054, 0.4464, -0.5370, 0.5811, 0.3646, 0.2941, 0.0284,
            0.5467, -0.7365, -0.1629, -0.4821, 0.5988, 0.0397, -0.2925, -0.7819, -0.2572}, 0.9558458349, 0.4645432476);
        check(new double[] {2.6490, 1.1145, 0.8988, 2.8400, 2.0309, 1.1658, 0.3286, 1.4347, 0.1578, 8.4229, 0.2359,
            2.4781, 1.9023, 0.3199, 1.8012, 0.0478, 1.3557, 1.1966, 0.0592, 1.1037, 3.7561, 0.8013, 0.5656, 0.6062,
            1.1665, 0.5290, 0.2684, 1.0267, 1.4422, 0.8103, 2.2411, 0.1489, 0.3447, 0.1251, 0.0265, 0.6173, 0.8733,
            2.0987, 0.7027, 0.2160, 0.0071, 0.2683, 0.5196, 1.2441, 0.2768, 0.7944, 0.3174, 2.5472, 5.6685, 0.1719},
                0.6981234068, 0.0000000077);
        check(new double[] {0.8947, 0.4227, 0.5895, 0.0245, 0.6735, 0.9191, 0.8268, 0.8855}, 0.8470471832, 0.0889150416);
        check(new double[] {-0.4458, 0.7753, 0.1936, -1.6308, -1.1952}, 0.9682277337, 0.8637616560);
    }

    @Test
    void rejectsTooSmallSamplesAndHandlesConstantOnes() {
        assertThrows(DlsecException.class, () -> ShapiroWilk.test(new double[] {1, 2}));
        assertEquals(0, ShapiroWilk.test(new double[] {3, 3, 3, 3}).w());
    }
}
