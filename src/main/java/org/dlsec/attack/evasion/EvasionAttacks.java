package org.dlsec.attack.evasion;

import java.util.List;
import org.dlsec.core.DlsecException;

/**
 * The registry of evasion attacks by CLI name: turns an {@link AttackSpec} into an attack with
 * that attack's defaults. The one place a new attack is wired into the CLI and the audit.
 */
public final class EvasionAttacks {
    /** Every name the CLI accepts, in the order of the documentation. */
    public static final List<String> NAMES = List.of("fgsm", "bim", "pgd", "mim", "cw", "deepfool", "jsma", "uap", "apgd",
            "square", "zoo", "hsj", "boundary", "onepixel", "ensemble");

    private EvasionAttacks() {}

    public static EvasionAttack create(AttackSpec s) {
        return switch (s.name()) {
            case "fgsm" -> Pgd.fgsm(s.norm(), s.epsilon(), s.targeted(), s.seed());
            case "bim" -> Pgd.bim(s.norm(), s.epsilon(), s.stepsOr(10), s.stepSize(), s.targeted(), s.seed());
            case "pgd" -> Pgd.pgd(s.norm(), s.epsilon(), s.stepsOr(40), s.stepSize(), s.restartsOr(1), s.targeted(), s.seed());
            default -> {
                if (NAMES.contains(s.name())) {
                    throw new DlsecException("attack '" + s.name() + "' is not available in this build");
                }
                throw new DlsecException("unknown attack '" + s.name() + "': expected one of " + String.join(", ", NAMES));
            }
        };
    }
}
