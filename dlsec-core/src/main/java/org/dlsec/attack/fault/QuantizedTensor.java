package org.dlsec.attack.fault;

import java.util.Arrays;

/**
 * One weight tensor in symmetric 8-bit form: int8 codes in [-127, 127] and float scales, one per
 * tensor or one per output channel (the first dimension). The weight the network computes with is
 * {@code code * scale}. Codes are mutable, so faults can flip their bits; the flat index is the
 * tensor's row-major order.
 */
public final class QuantizedTensor {
    /** The largest code magnitude symmetric quantisation produces (-128 is reachable only through faults). */
    public static final int QMAX = 127;

    private final String name;
    private final long[] shape;
    private final byte[] codes;
    private final float[] scales;
    private final int channelSize;

    private QuantizedTensor(String name, long[] shape, byte[] codes, float[] scales, int channelSize) {
        this.name = name;
        this.shape = shape;
        this.codes = codes;
        this.scales = scales;
        this.channelSize = channelSize;
    }

    /**
     * Quantises {@code weights} of the given shape: scale = max|w| / 127 over the tensor or over each
     * output channel, code = round(w / scale). An all-zero group gets scale 1 (its codes are 0).
     *
     * @param name the parameter's name
     * @param weights the float32 weights; not kept
     * @param shape their shape (output channels first)
     * @param granularity per-tensor or per-output-channel scales
     * @return the quantised tensor
     */
    public static QuantizedTensor quantize(String name, float[] weights, long[] shape, Granularity granularity) {
        long size = 1;
        for (long d : shape) {
            size *= d;
        }
        if (size != weights.length || shape.length < 2) {
            throw new IllegalArgumentException("weights of " + name + " do not match shape " + Arrays.toString(shape));
        }
        int groups = granularity == Granularity.PER_CHANNEL ? (int) shape[0] : 1;
        int per = weights.length / groups;
        float[] scales = new float[groups];
        byte[] codes = new byte[weights.length];
        for (int g = 0; g < groups; g++) {
            float max = 0f;
            for (int i = g * per; i < (g + 1) * per; i++) {
                max = Math.max(max, Math.abs(weights[i]));
            }
            float s = max > 0f ? max / QMAX : 1f;
            scales[g] = s;
            for (int i = g * per; i < (g + 1) * per; i++) {
                long q = Math.round(weights[i] / s);
                codes[i] = (byte) Math.max(-QMAX, Math.min(QMAX, q));
            }
        }
        return new QuantizedTensor(name, shape.clone(), codes, scales, per);
    }

    /**
     * The parameter's name.
     *
     * @return e.g. {@code 01Conv2d_weight}
     */
    public String name() {
        return name;
    }

    /**
     * The weights' shape.
     *
     * @return a copy
     */
    public long[] shape() {
        return shape.clone();
    }

    /**
     * The number of weights.
     *
     * @return the count
     */
    public int size() {
        return codes.length;
    }

    /**
     * Bits of storage of the codes.
     *
     * @return 8 × {@link #size()}
     */
    public long bits() {
        return (long) codes.length * Bits.INT8_BITS;
    }

    /**
     * Code {@code i}.
     *
     * @param i the weight's flat index
     * @return the int8 code
     */
    public byte code(int i) {
        return codes[i];
    }

    /**
     * Sets code {@code i} (the model is updated by {@link QuantizedModel#sync}).
     *
     * @param i the weight's flat index
     * @param code the new code
     */
    public void setCode(int i, byte code) {
        codes[i] = code;
    }

    /**
     * The scale that multiplies code {@code i}.
     *
     * @param i the weight's flat index
     * @return the scale
     */
    public float scale(int i) {
        return scales[i / channelSize];
    }

    /**
     * The scales.
     *
     * @return a copy: one, or one per output channel
     */
    public float[] scales() {
        return scales.clone();
    }

    /**
     * The codes.
     *
     * @return a copy
     */
    public byte[] codes() {
        return codes.clone();
    }

    /**
     * Replaces all codes (e.g. to undo the faults of one trial).
     *
     * @param newCodes the codes, {@link #size()} of them; copied
     */
    public void setCodes(byte[] newCodes) {
        if (newCodes.length != codes.length) {
            throw new IllegalArgumentException("expected " + codes.length + " codes, got " + newCodes.length);
        }
        System.arraycopy(newCodes, 0, codes, 0, codes.length);
    }

    /**
     * The weight the network sees for code {@code i}.
     *
     * @param i the weight's flat index
     * @return code × scale
     */
    public float value(int i) {
        return codes[i] * scale(i);
    }

    /**
     * The weights the network sees.
     *
     * @return a new array of {@link #size()} values
     */
    public float[] dequantize() {
        float[] w = new float[codes.length];
        for (int i = 0; i < w.length; i++) {
            w[i] = value(i);
        }
        return w;
    }
}
