package org.dlsec.attack.sidechannel;

import java.util.SplittableRandom;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Seeds;

/**
 * The simulated device: a microcontroller executing one {@link Int8Network} layer as a sequence of int8
 * multiply-accumulates, and the oscilloscope that records it. dlsec measures no real device; this class generates the
 * traces an ideal probe would see under a stated leakage model, after Batina et al. (CSI NN, USENIX Security 2019).
 *
 * <p>For one output value (a unit at one position), the device computes, for each of the unit's K weights in the
 * (input channel, row, column) order, the product {@code p_k = x_k w_k} and the accumulator
 * {@code a_k = a_(k-1) + p_k} (a_(-1) = 0), both int32, then {@code a_K + b} and, for a ReLU layer, the output byte. Each
 * write is one time sample of the trace: the {@link LeakageModel leakage} of the value (or of the register's toggle)
 * plus Gaussian noise of standard deviation σ (in Hamming-weight units). A trace window therefore has
 * {@code 2K + 1} samples ({@code 2K + 2} for a ReLU layer): sample {@code 2k} is product k, {@code 2k+1} accumulator k,
 * {@code 2K} the biased sum, {@code 2K+1} the output byte.
 *
 * <p>{@link Countermeasure#SHUFFLE} executes the K MACs in a fresh random order in every trace (sample {@code 2k} is
 * then the k-th MAC executed, not weight k); {@link Countermeasure#MASK} writes every value XOR a fresh uniform mask.
 */
public final class MacDevice {
    private final LeakageModel leakage;
    private final double sigma;
    private final Countermeasure countermeasure;
    private final long seed;

    public MacDevice(LeakageModel leakage, double sigma, Countermeasure countermeasure, long seed) {
        DlsecException.require(Double.isFinite(sigma) && sigma > 0, "--noise",
                "σ must be a finite number > 0 Hamming-weight units, got " + sigma);
        DlsecException.require(countermeasure.appliesToPower(), "--defence",
                countermeasure.cliName() + " is a timing defence; the power side channel takes shuffle or mask");
        this.leakage = leakage;
        this.sigma = sigma;
        this.countermeasure = countermeasure;
        this.seed = seed;
    }

    public LeakageModel leakage() {
        return leakage;
    }

    public double sigma() {
        return sigma;
    }

    public Countermeasure countermeasure() {
        return countermeasure;
    }

    /** The number of time samples of one unit's window in {@code layer}. */
    public static int samples(Int8Network.MacLayer layer) {
        return 2 * layer.fanIn() + 1 + (layer.relu() ? 1 : 0);
    }

    /**
     * Records unit {@code unit} of MAC layer {@code l} at its observed position over {@code n} inferences whose layer
     * inputs (what the device really multiplies) are {@code inputs[t]}. Returns the traces column-major:
     * {@code [sample][trace]}.
     */
    public float[][] record(Int8Network.MacLayer layer, int l, int unit, int[][] inputs, int n) {
        int k = layer.fanIn();
        int samples = samples(layer);
        float[][] trace = new float[samples][n];
        int[] x = new int[k];
        int[] order = new int[k];
        int pos = layer.observedPosition();
        SplittableRandom rnd = new SplittableRandom(Seeds.mix(Seeds.mix(seed, l), unit));
        boolean mask = countermeasure == Countermeasure.MASK;
        for (int t = 0; t < n; t++) {
            layer.window(inputs[t], pos, x);
            for (int i = 0; i < k; i++) {
                order[i] = i;
            }
            if (countermeasure == Countermeasure.SHUFFLE) {
                for (int i = k - 1; i > 0; i--) {
                    int j = rnd.nextInt(i + 1);
                    int s = order[i];
                    order[i] = order[j];
                    order[j] = s;
                }
            }
            int acc = 0;
            int prevP = 0;
            int prevA = 0;
            for (int s = 0; s < k; s++) {
                int i = order[s];
                int p = x[i] * layer.code(unit, i);
                acc += p;
                int pw = mask ? p ^ rnd.nextInt() : p;
                int aw = mask ? acc ^ rnd.nextInt() : acc;
                trace[2 * s][t] = (float) (leakage.leak(prevP, pw) + sigma * rnd.nextGaussian());
                trace[2 * s + 1][t] = (float) (leakage.leak(prevA, aw) + sigma * rnd.nextGaussian());
                prevP = pw;
                prevA = aw;
            }
            int sum = acc + layer.bias(unit);
            int sw = mask ? sum ^ rnd.nextInt() : sum;
            trace[2 * k][t] = (float) (leakage.leak(prevA, sw) + sigma * rnd.nextGaussian());
            if (layer.relu()) {
                int y = Int8Network.requantize(sum, layer.shift());
                int yw = mask ? (y ^ rnd.nextInt(256)) : y;
                trace[2 * k + 1][t] = (float) (leakage.leak(0, yw) + sigma * rnd.nextGaussian());
            }
        }
        return trace;
    }
}
