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
    HAMMING_WEIGHT("hw"),
    HAMMING_DISTANCE("hd");

    private final String cliName;

    LeakageModel(String cliName) {
        this.cliName = cliName;
    }

    public String cliName() {
        return cliName;
    }

    /** The leakage of writing {@code value} over {@code previous}, in bits. */
    public int leak(int previous, int value) {
        return this == HAMMING_WEIGHT ? Integer.bitCount(value) : Integer.bitCount(previous ^ value);
    }

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
