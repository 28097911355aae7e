package org.dlsec.experiment;

import java.util.List;
import java.util.Locale;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Text;
import org.dlsec.defence.integrity.ChecksumGuard;

/**
 * The integrity defence of a fault experiment: none, a weight checksum over int8 groups (RADAR's
 * signature, or a full one, with zeroing or reloading of the flagged groups), or an activation range
 * guard profiled on clean training data.
 *
 * @param kind {@code none}, {@code checksum} or {@code range}
 * @param signature checksum: the group signature
 * @param groupSize checksum: weights per group
 * @param recovery checksum: what happens to a flagged group
 */
public record FaultDefence(String kind, ChecksumGuard.Signature signature, int groupSize, ChecksumGuard.Recovery recovery) {
    /** Clean training samples the range guard is profiled on. */
    public static final int RANGE_PROFILE_SAMPLES = 2000;

    /**
     * No defence.
     */
    public static final FaultDefence NONE = new FaultDefence("none", ChecksumGuard.Signature.parse("radar2"), 16,
            ChecksumGuard.Recovery.ZERO);

    /**
     * Checks the kind and the group size.
     *
     * @param kind {@code none}, {@code checksum} or {@code range}
     * @param signature checksum: the group signature
     * @param groupSize checksum: weights per group
     * @param recovery checksum: what happens to a flagged group
     * @throws org.dlsec.core.DlsecException when the kind is unknown or {@code groupSize} is below 1
     */
    public FaultDefence {
        kind = kind == null ? "" : kind.trim().toLowerCase(Locale.ROOT);
        if (!List.of("none", "checksum", "range").contains(kind)) {
            throw new DlsecException("unknown --defence '" + Text.echo(kind) + "': expected none, checksum or range");
        }
        DlsecException.require(groupSize >= 1, "--group-size", "must be at least 1, got " + groupSize);
    }

    /**
     * The defence named {@code kind} with the checksum's options (read only by {@code checksum}).
     *
     * @param kind {@code none}, {@code checksum} or {@code range}
     * @param signature the checksum's group signature, e.g. {@code radar2}
     * @param groupSize weights per checksum group, at least 1
     * @param recovery {@code zero} or {@code reload}
     * @return the defence
     * @throws org.dlsec.core.DlsecException when a value cannot be parsed
     */
    public static FaultDefence parse(String kind, String signature, int groupSize, String recovery) {
        return new FaultDefence(kind, ChecksumGuard.Signature.parse(signature), groupSize,
                ChecksumGuard.Recovery.parse(recovery));
    }

    /**
     * Whether there is no defence.
     *
     * @return true for {@code none}
     */
    public boolean none() {
        return kind.equals("none");
    }

    /**
     * Whether this is the weight checksum.
     *
     * @return true for {@code checksum}
     */
    public boolean checksum() {
        return kind.equals("checksum");
    }

    /**
     * Whether this is the activation range guard.
     *
     * @return true for {@code range}
     */
    public boolean range() {
        return kind.equals("range");
    }
}
