package org.dlsec.attack.fault;

import java.util.Locale;
import org.dlsec.core.DlsecException;

/** How many scales a quantised weight tensor has: one for the whole tensor, or one per output channel. */
public enum Granularity {
    PER_LAYER("layer"),
    PER_CHANNEL("channel");

    private final String cliName;

    Granularity(String cliName) {
        this.cliName = cliName;
    }

    public String cliName() {
        return cliName;
    }

    public static Granularity parse(String s) {
        String n = s.trim().toLowerCase(Locale.ROOT);
        for (Granularity g : values()) {
            if (g.cliName.equals(n) || g.name().toLowerCase(Locale.ROOT).equals(n)) {
                return g;
            }
        }
        throw new DlsecException("unknown quantisation granularity '" + org.dlsec.core.Text.echo(s) + "': expected layer or channel");
    }
}
