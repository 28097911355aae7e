package org.dlsec.attack.inference;

import java.util.Locale;
import java.util.Map;
import org.dlsec.core.DlsecException;
import org.dlsec.model.ModelCard;

/** Builds a membership attack from its CLI name and options. */
public final class MembershipAttacks {
    public static final String NAMES = "loss, confidence, entropy";

    private MembershipAttacks() {}

    /**
     * @param name the attack's name
     * @param shadows shadow / reference models (attacks that train them)
     * @param card the target's model card (how shadow models are trained), or null
     * @param params attack-specific key=value options
     * @param seed seed of every random choice
     */
    public static MembershipAttack create(String name, int shadows, ModelCard card, Map<String, String> params, long seed) {
        String n = name == null ? "" : name.toLowerCase(Locale.ROOT);
        MembershipAttack a = switch (n) {
            case "loss" -> new LossThreshold();
            case "confidence" -> new SalemThreshold(SalemThreshold.Statistic.CONFIDENCE);
            case "entropy" -> new SalemThreshold(SalemThreshold.Statistic.ENTROPY);
            default -> throw new DlsecException("unknown privacy attack '" + name + "': expected one of " + NAMES
                    + ", inversion");
        };
        if (!params.isEmpty() && a.parameters().isEmpty()) {
            throw new DlsecException("attack '" + n + "' takes no --param options, got " + params.keySet());
        }
        return a;
    }
}
