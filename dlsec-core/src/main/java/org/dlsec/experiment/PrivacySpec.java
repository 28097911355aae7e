package org.dlsec.experiment;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Text;

/**
 * One privacy experiment, validated: a membership-inference attack scored on a member/non-member split, or
 * MI-Face model inversion.
 *
 * @param attack loss, confidence, entropy, shadow, lira, lira-offline, labelonly or inversion (lower-cased)
 * @param shadows shadow / reference models of the attacks that train them
 * @param params attack-specific key=value options (kept in the order given)
 * @param nonMembers where non-members come from: {@code test} (the held-out split) or {@code train} (training images
 *        that did not train the target)
 * @param members members audited, and as many non-members
 * @param seed seed of the split and of every random choice
 */
public record PrivacySpec(String attack, int shadows, Map<String, String> params, String nonMembers, int members,
        long seed) {
    /**
     * Lower-cases the attack's name, checks it and the non-member source, and copies the options.
     *
     * @param attack loss, confidence, entropy, shadow, lira, lira-offline, labelonly or inversion (lower-cased)
     * @param shadows shadow / reference models of the attacks that train them
     * @param params attack-specific key=value options (kept in the order given)
     * @param nonMembers where non-members come from: {@code test} (the held-out split) or {@code train} (training images
     *        that did not train the target)
     * @param members members audited, and as many non-members
     * @param seed seed of the split and of every random choice
     * @throws org.dlsec.core.DlsecException when the attack is missing or not available, or {@code nonMembers} is
     *         neither {@code test} nor {@code train}
     */
    public PrivacySpec {
        DlsecException.require(attack != null && !attack.isBlank(), "--attack", "is missing");
        attack = attack.toLowerCase(Locale.ROOT);
        if (attack.equals("attribute")) {
            throw new DlsecException("attribute inference needs a dataset with a sensitive attribute; none of the datasets"
                    + " dlsec reads (mnist, gtsrb, fashion-mnist) has one, so it is not available");
        }
        if (!"test".equals(nonMembers) && !"train".equals(nonMembers)) {
            throw new DlsecException("invalid --non-members: expected test or train, got '" + Text.echo(nonMembers) + "'");
        }
        params = Collections.unmodifiableMap(new LinkedHashMap<>(params == null ? Map.of() : params));
    }

    /**
     * Whether this is model inversion (needs the model's gradients only, no split).
     *
     * @return true for {@code inversion}
     */
    public boolean inversion() {
        return attack.equals("inversion");
    }
}
