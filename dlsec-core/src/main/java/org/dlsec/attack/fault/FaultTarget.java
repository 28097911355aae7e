package org.dlsec.attack.fault;

import java.util.Locale;
import org.dlsec.core.DlsecException;

/** Where random faults land: int8 weight codes, float32 weights, or float32 activations. */
public enum FaultTarget {
    INT8_WEIGHTS("int8-weights"),
    FLOAT_WEIGHTS("float-weights"),
    ACTIVATIONS("activations");

    private final String cliName;

    FaultTarget(String cliName) {
        this.cliName = cliName;
    }

    public String cliName() {
        return cliName;
    }

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
