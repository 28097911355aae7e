package org.dlsec.attack.fault;

/** Bit-level views of the two weight representations: int8 two's-complement codes and IEEE-754 float32. */
public final class Bits {
    /** Bits in an int8 code; bit 7 is the sign bit (weight -128). */
    public static final int INT8_BITS = 8;
    /**
     * Bits in a float32 value; bit 31 is the sign, bits 23 to 30 the exponent.
     */
    public static final int FLOAT_BITS = 32;

    private Bits() {}

    /**
     * The code with bit {@code bit} (0 = least significant) inverted.
     *
     * @param code the int8 code
     * @param bit the bit, 0 to 7
     * @return the new code
     */
    public static byte flip(byte code, int bit) {
        checkBit(bit, INT8_BITS);
        return (byte) (code ^ (1 << bit));
    }

    /**
     * The code with bit {@code bit} forced to {@code value} (a stuck-at fault).
     *
     * @param code the int8 code
     * @param bit the bit, 0 to 7
     * @param value true for stuck-at-1
     * @return the new code
     */
    public static byte stick(byte code, int bit, boolean value) {
        checkBit(bit, INT8_BITS);
        return (byte) (value ? code | (1 << bit) : code & ~(1 << bit));
    }

    /**
     * Whether bit {@code bit} of {@code code} is set.
     *
     * @param code the int8 code
     * @param bit the bit, 0 to 7
     * @return true when set
     */
    public static boolean get(byte code, int bit) {
        checkBit(bit, INT8_BITS);
        return (code >> bit & 1) != 0;
    }

    /**
     * How much the integer value of {@code code} changes when bit {@code bit} is flipped: ±2^bit, or ∓128 for the sign bit.
     *
     * @param code the int8 code
     * @param bit the bit, 0 to 7
     * @return the change of the code's integer value
     */
    public static int flipDelta(byte code, int bit) {
        return flip(code, bit) - code;
    }

    /**
     * The float32 {@code value} with bit {@code bit} of its IEEE-754 representation inverted.
     *
     * @param value the weight or activation
     * @param bit the bit, 0 to 31
     * @return the new value (may be infinite or NaN for exponent bits)
     */
    public static float flip(float value, int bit) {
        checkBit(bit, FLOAT_BITS);
        return Float.intBitsToFloat(Float.floatToRawIntBits(value) ^ (1 << bit));
    }

    /**
     * The float32 {@code value} with bit {@code bit} forced to {@code one} (a stuck-at fault).
     *
     * @param value the weight or activation
     * @param bit the bit, 0 to 31
     * @param one true for stuck-at-1
     * @return the new value
     */
    public static float stick(float value, int bit, boolean one) {
        checkBit(bit, FLOAT_BITS);
        int b = Float.floatToRawIntBits(value);
        return Float.intBitsToFloat(one ? b | (1 << bit) : b & ~(1 << bit));
    }

    private static void checkBit(int bit, int width) {
        if (bit < 0 || bit >= width) {
            throw new IllegalArgumentException("bit " + bit + " outside 0.." + (width - 1));
        }
    }
}
