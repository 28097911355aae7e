package org.dlsec.defence.preprocess;

import ai.djl.ndarray.NDArray;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.dlsec.core.DlsecException;
import org.dlsec.model.Bounds;

/**
 * Input quantisation to L fixed levels, as in QuSecNets (Khalid, Ali, Hanif, Rehman, Ahmed, Shafique,
 * "QuSecNets: Quantization-based Defense Mechanism for Securing Deep Neural Network against
 * Adversarial Attacks", IOLTS 2019): on the unit range, value x becomes level k/(L − 1) where k is
 * the number of thresholds t₁ &lt; … &lt; t_{L−1} that x exceeds. By default the thresholds are the
 * midpoints between levels (then L = 2^b equals b-bit squeezing); QuSecNets' fixed thresholds can be
 * given instead. Piecewise constant: not differentiable in the useful sense.
 */
public final class Quantisation implements Preprocessor {
    private final int levels;
    private final double[] thresholds;

    /**
     * @param levels L, 2 to 65,536
     * @param thresholds L − 1 increasing thresholds in (0, 1) on the unit range, or null for midpoints
     * @throws org.dlsec.core.DlsecException when a value is out of range or the thresholds are not increasing
     */
    public Quantisation(int levels, double[] thresholds) {
        DlsecException.require(levels >= 2 && levels <= 65_536, "levels", "must be in 2..65536, got " + levels);
        if (thresholds == null) {
            thresholds = new double[levels - 1];
            for (int k = 0; k < levels - 1; k++) {
                thresholds[k] = (k + 0.5) / (levels - 1);
            }
        }
        DlsecException.require(thresholds.length == levels - 1, "thresholds",
                "need levels - 1 = " + (levels - 1) + " of them, got " + thresholds.length);
        for (int k = 0; k < thresholds.length; k++) {
            DlsecException.require(thresholds[k] > 0 && thresholds[k] < 1 && (k == 0 || thresholds[k] > thresholds[k - 1]),
                    "thresholds", "must increase strictly inside (0, 1), got " + Arrays.toString(thresholds));
        }
        this.levels = levels;
        this.thresholds = thresholds.clone();
    }

    @Override
    public String name() {
        return "quantize";
    }

    @Override
    public Map<String, Object> parameters() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("levels", levels);
        m.put("thresholds", thresholds.clone());
        return m;
    }

    @Override
    public boolean differentiable() {
        return false;
    }

    @Override
    public boolean randomised() {
        return false;
    }

    @Override
    public NDArray apply(NDArray x, Bounds b, long[] sampleSeeds) {
        NDArray unit = x.sub(b.min()).div(b.range());
        NDArray count = unit.zerosLike();
        for (double t : thresholds) {
            // x > t as 0/1; the comparison carries no gradient, like the rounding of bit-depth reduction
            count = count.add(unit.sub((float) t).sign().add(1f).div(2f).floor());
        }
        return count.div((float) (levels - 1)).mul(b.range()).add(b.min());
    }
}
