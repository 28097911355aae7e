package org.dlsec.attack.fault;

import java.util.Locale;
import org.dlsec.core.DlsecException;

/** What a fault does to the bit it hits: inverts it (a transient upset or rowhammer flip) or pins it. */
public enum FaultType {
    /**
     * Inverts the bit (a transient upset or a rowhammer flip).
     */
    BIT_FLIP("flip"),
    /**
     * Forces the bit to 0.
     */
    STUCK_AT_0("stuck0"),
    /**
     * Forces the bit to 1.
     */
    STUCK_AT_1("stuck1");

    private final String cliName;

    FaultType(String cliName) {
        this.cliName = cliName;
    }

    /**
     * The name on the command line.
     *
     * @return {@code flip}, {@code stuck0} or {@code stuck1}
     */
    public String cliName() {
        return cliName;
    }

    byte apply(byte code, int bit) {
        return switch (this) {
            case BIT_FLIP -> Bits.flip(code, bit);
            case STUCK_AT_0 -> Bits.stick(code, bit, false);
            case STUCK_AT_1 -> Bits.stick(code, bit, true);
        };
    }

    float apply(float value, int bit) {
        return switch (this) {
            case BIT_FLIP -> Bits.flip(value, bit);
            case STUCK_AT_0 -> Bits.stick(value, bit, false);
            case STUCK_AT_1 -> Bits.stick(value, bit, true);
        };
    }

    /**
     * Reads a fault type's name.
     *
     * @param s the name; case and blanks ignored
     * @return the fault type
     * @throws org.dlsec.core.DlsecException when the name is unknown
     */
    public static FaultType parse(String s) {
        String n = s.trim().toLowerCase(Locale.ROOT);
        for (FaultType t : values()) {
            if (t.cliName.equals(n)) {
                return t;
            }
        }
        throw new DlsecException("unknown fault type '" + org.dlsec.core.Text.echo(s) + "': expected flip, stuck0 or stuck1");
    }
}
