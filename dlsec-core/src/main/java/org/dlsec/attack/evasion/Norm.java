package org.dlsec.attack.evasion;

import java.util.Locale;
import org.dlsec.core.DlsecException;

/** The norm in which a perturbation budget ε is measured. */
public enum Norm {
    LINF("linf"),
    L2("l2"),
    L0("l0");

    private final String cliName;

    Norm(String cliName) {
        this.cliName = cliName;
    }

    public String cliName() {
        return cliName;
    }

    public static Norm parse(String s) {
        String n = s.trim().toLowerCase(Locale.ROOT);
        for (Norm v : values()) {
            if (v.cliName.equals(n) || (v == LINF && (n.equals("inf") || n.equals("l_inf")))) {
                return v;
            }
        }
        throw new DlsecException("unknown norm '" + org.dlsec.core.Text.echo(s) + "': expected linf, l2 or l0");
    }

    @Override
    public String toString() {
        return cliName;
    }
}
