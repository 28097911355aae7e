package org.dlsec.attack.fault;

import java.util.Locale;
import org.dlsec.core.DlsecException;

/** How many scales a quantised weight tensor has: one for the whole tensor, or one per output channel. */
public enum Granularity {
    /**
     * One scale per weight tensor.
     */
    PER_LAYER("layer"),
    /**
     * One scale per output channel.
     */
    PER_CHANNEL("channel");

    private final String cliName;

    Granularity(String cliName) {
        this.cliName = cliName;
    }

    /**
     * The name on the command line.
     *
     * @return {@code layer} or {@code channel}
     */
    public String cliName() {
        return cliName;
    }

    /**
     * Reads a granularity's name.
     *
     * @param s the name; case and blanks ignored
     * @return the granularity
     * @throws org.dlsec.core.DlsecException when the name is unknown
     */
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
