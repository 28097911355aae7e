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

    public static final FaultDefence NONE = new FaultDefence("none", ChecksumGuard.Signature.parse("radar2"), 16,
            ChecksumGuard.Recovery.ZERO);

    public FaultDefence {
        kind = kind == null ? "" : kind.trim().toLowerCase(Locale.ROOT);
        if (!List.of("none", "checksum", "range").contains(kind)) {
            throw new DlsecException("unknown --defence '" + Text.echo(kind) + "': expected none, checksum or range");
        }
        DlsecException.require(groupSize >= 1, "--group-size", "must be at least 1, got " + groupSize);
    }

    /** The defence named {@code kind} with the checksum's options (read only by {@code checksum}). */
    public static FaultDefence parse(String kind, String signature, int groupSize, String recovery) {
        return new FaultDefence(kind, ChecksumGuard.Signature.parse(signature), groupSize,
                ChecksumGuard.Recovery.parse(recovery));
    }

    public boolean none() {
        return kind.equals("none");
    }

    public boolean checksum() {
        return kind.equals("checksum");
    }

    public boolean range() {
        return kind.equals("range");
    }
}
