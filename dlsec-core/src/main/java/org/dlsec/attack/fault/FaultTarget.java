package org.dlsec.attack.fault;

import java.util.Locale;
import org.dlsec.core.DlsecException;

/** Where random faults land: int8 weight codes, float32 weights, or float32 activations. */
public enum FaultTarget {
    /**
     * Random flips in the int8 codes of quantised weights.
     */
    INT8_WEIGHTS("int8-weights"),
    /**
     * Random flips in the float32 convolution and linear weights.
     */
    FLOAT_WEIGHTS("float-weights"),
    /**
     * Random faults in the float32 outputs of the hooked layers.
     */
    ACTIVATIONS("activations");

    private final String cliName;

    FaultTarget(String cliName) {
        this.cliName = cliName;
    }

    /**
     * The name on the command line.
     *
     * @return e.g. {@code int8-weights}
     */
    public String cliName() {
        return cliName;
    }

    /**
     * Reads a target's name.
     *
     * @param s the name; case and blanks ignored
     * @return the target
     * @throws org.dlsec.core.DlsecException when the name is unknown
     */
    public static FaultTarget parse(String s) {
        String n = s.trim().toLowerCase(Locale.ROOT);
        for (FaultTarget t : values()) {
            if (t.cliName.equals(n)) {
                return t;
            }
        }
        throw new DlsecException("unknown fault target '" + org.dlsec.core.Text.echo(s) + "': expected int8-weights, float-weights or activations");
    }
}
