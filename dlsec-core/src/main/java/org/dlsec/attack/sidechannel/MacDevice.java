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
 *
 * <p>A device is immutable and holds no native memory; {@link #record} draws its randomness (noise, shuffles, masks)
 * from a generator seeded by the device's seed, the layer and the unit, so the same call gives the same traces, and
 * concurrent calls from several threads are safe.
 */
public final class MacDevice {
    private final LeakageModel leakage;
    private final double sigma;
    private final Countermeasure countermeasure;
    private final long seed;

    /**
     * A simulated device.
     *
     * @param leakage what a register write leaks: {@link LeakageModel#HAMMING_WEIGHT} (the command's default) or
     *        {@link LeakageModel#HAMMING_DISTANCE}
     * @param sigma the standard deviation of the Gaussian noise added to every sample, in Hamming-weight units (bits);
     *        finite and &gt; 0 (the command's default is 1)
     * @param countermeasure {@link Countermeasure#NONE}, {@link Countermeasure#SHUFFLE} or {@link Countermeasure#MASK}
     * @param seed the seed of the noise, the shuffles and the masks
     * @throws org.dlsec.core.DlsecException (one line, naming {@code --noise} or {@code --defence}) if {@code sigma} is
     *         not a finite number &gt; 0 or {@code countermeasure} is a timing countermeasure
     */
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

    /**
     * The device's leakage model.
     *
     * @return what a register write leaks
     */
    public LeakageModel leakage() {
        return leakage;
    }

    /**
     * The device's noise level.
     *
     * @return the noise's standard deviation σ, in Hamming-weight units, &gt; 0
     */
    public double sigma() {
        return sigma;
    }

    /**
     * The device's countermeasure.
     *
     * @return {@link Countermeasure#NONE}, {@link Countermeasure#SHUFFLE} or {@link Countermeasure#MASK}
     */
    public Countermeasure countermeasure() {
        return countermeasure;
    }

    /**
     * The length of one unit's trace window.
     *
     * @param layer a MAC layer of the int8 network
     * @return {@code 2K + 1} time samples, {@code K} being the layer's {@linkplain Int8Network.MacLayer#fanIn()
     *         fan-in}, or {@code 2K + 2} for a ReLU layer
     */
    public static int samples(Int8Network.MacLayer layer) {
        return 2 * layer.fanIn() + 1 + (layer.relu() ? 1 : 0);
    }

    /**
     * Records unit {@code unit} of MAC layer {@code l} at its {@linkplain Int8Network.MacLayer#observedPosition()
     * observed position} over {@code n} inferences whose layer inputs (what the device really multiplies) are
     * {@code inputs[t]}.
     *
     * @param layer the MAC layer the device executes, with its true codes, biases and shift
     * @param l the layer's index in its network, used only to seed the randomness
     * @param unit the unit recorded, 0 ≤ unit &lt; {@code layer.units()}
     * @param inputs the layer's input bytes (0..255) of each inference, (C, H, W) row-major; at least {@code n} rows;
     *        not modified
     * @param n the number of traces, &gt; 0
     * @return the traces column-major, {@code [sample][trace]}: {@link #samples} rows of {@code n} values each, in
     *         Hamming-weight units (bits plus noise)
     * @throws IndexOutOfBoundsException if {@code unit} is out of range or {@code inputs} has fewer than {@code n} rows
     *         or rows that are too short
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
