package org.dlsec.attack.evasion;

import java.util.Locale;
import org.dlsec.core.DlsecException;

/** The norm in which a perturbation budget ε is measured. */
public enum Norm {
    /**
     * The largest absolute change of any value.
     */
    LINF("linf"),
    /**
     * The Euclidean length of the perturbation over all values of a sample.
     */
    L2("l2"),
    /**
     * The number of values changed.
     */
    L0("l0");

    private final String cliName;

    Norm(String cliName) {
        this.cliName = cliName;
    }

    /**
     * The norm's name on the command line and in results.
     *
     * @return {@code linf}, {@code l2} or {@code l0}
     */
    public String cliName() {
        return cliName;
    }

    /**
     * Reads a norm's name.
     *
     * @param s {@code linf} (also {@code inf}, {@code l_inf}), {@code l2} or {@code l0}; case and blanks ignored
     * @return the norm
     * @throws org.dlsec.core.DlsecException when {@code s} names no norm
     */
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
