package org.dlsec.attack.sidechannel;

import java.util.Locale;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Text;

/**
 * What a register write leaks in the simulation: the Hamming weight of the value written, or the Hamming distance
 * between the register's old and new values (the number of bits that toggle), both in the register's width — 32 bits
 * for products and accumulators (two's complement, sign-extended as a Cortex-M {@code MUL}/{@code ADD} writes them), 8
 * for an output byte.
 */
public enum LeakageModel {
    /**
     * Hamming weight ({@code hw}, the default): a write leaks the number of one bits of the value written, whatever the
     * register held before.
     */
    HAMMING_WEIGHT("hw"),
    /**
     * Hamming distance ({@code hd}): a write leaks the number of bits that differ between the register's previous value
     * and the value written.
     */
    HAMMING_DISTANCE("hd");

    private final String cliName;

    LeakageModel(String cliName) {
        this.cliName = cliName;
    }

    /**
     * The name {@code --leakage} and the audit's {@code sidechannel:} entries use.
     *
     * @return {@code hw} or {@code hd}
     */
    public String cliName() {
        return cliName;
    }

    /**
     * The noise-free leakage of one register write, before the device adds its Gaussian noise.
     *
     * @param previous the register's value before the write, as 32 bits (ignored by {@link #HAMMING_WEIGHT}); a byte
     *        register passes its byte zero-extended
     * @param value the value written, as 32 bits (two's complement for products and accumulators)
     * @return the leakage in bits, 0..32: the Hamming weight of {@code value}, or the Hamming distance between
     *         {@code previous} and {@code value}
     */
    public int leak(int previous, int value) {
        return this == HAMMING_WEIGHT ? Integer.bitCount(value) : Integer.bitCount(previous ^ value);
    }

    /**
     * The leakage model named {@code s} on the command line.
     *
     * @param s {@code hw} or {@code hd}, or the constant's name with a hyphen ({@code hamming-weight},
     *        {@code hamming-distance}); case and surrounding spaces ignored; may be null
     * @return the leakage model of that name
     * @throws org.dlsec.core.DlsecException (one line) if {@code s} is null or names no leakage model
     */
    public static LeakageModel parse(String s) {
        String n = s == null ? "" : s.trim().toLowerCase(Locale.ROOT);
        for (LeakageModel m : values()) {
            if (m.cliName.equals(n) || m.name().toLowerCase(Locale.ROOT).replace('_', '-').equals(n)) {
                return m;
            }
        }
        throw new DlsecException("unknown leakage model '" + Text.echo(s) + "': expected hw or hd");
    }
}
