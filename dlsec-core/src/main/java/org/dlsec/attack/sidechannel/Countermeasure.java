package org.dlsec.attack.sidechannel;

import java.util.Locale;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Text;

/**
 * A countermeasure of the simulated device against power/EM analysis ({@link MacDevice}), or of the server against
 * the timing attack ({@link TimingAttack}).
 */
public enum Countermeasure {
    /** None: the device runs the MACs in order and leaks every intermediate in the clear. */
    NONE("none"),
    /**
     * Random shuffling: every inference runs the multiply-accumulates of a unit in a fresh random order, so a time
     * sample no longer belongs to one weight (hiding in time).
     */
    SHUFFLE("shuffle"),
    /**
     * First-order Boolean masking: every intermediate value (product, accumulator, output byte) is held and written as
     * {@code v XOR m} with a fresh uniform mask {@code m} per value and inference; the mask itself is written at another
     * time sample, which a first-order attack does not combine with the masked share. An idealised masking: the
     * arithmetic-to-Boolean conversions a real masked MAC needs are assumed leak-free.
     */
    MASK("mask"),
    /** Constant-time serving: every prediction answer is held back to a fixed latency budget. */
    CONSTANT_TIME("constant-time"),
    /** Random delay: every prediction answer is held back a uniformly random extra time. */
    RANDOM_DELAY("random-delay");

    private final String cliName;

    Countermeasure(String cliName) {
        this.cliName = cliName;
    }

    /**
     * The name the command line ({@code --defence}) and the audit's {@code sidechannel:} entries use.
     *
     * @return the lower-case, hyphenated name: {@code none}, {@code shuffle}, {@code mask}, {@code constant-time} or
     *         {@code random-delay}
     */
    public String cliName() {
        return cliName;
    }

    /**
     * Whether the simulated device ({@link MacDevice}) implements this countermeasure.
     *
     * @return true for {@link #NONE}, {@link #SHUFFLE} and {@link #MASK}, the countermeasures of the power side channel
     */
    public boolean appliesToPower() {
        return this == NONE || this == SHUFFLE || this == MASK;
    }

    /**
     * Whether a served model ({@link ServingDefence}) can take this countermeasure.
     *
     * @return true for {@link #NONE}, {@link #CONSTANT_TIME} and {@link #RANDOM_DELAY}, the countermeasures of the
     *         timing side channel
     */
    public boolean appliesToTiming() {
        return this == NONE || this == CONSTANT_TIME || this == RANDOM_DELAY;
    }

    /**
     * The countermeasure named {@code s} on the command line.
     *
     * @param s a {@linkplain #cliName() command-line name}, case and surrounding spaces ignored; may be null
     * @return the countermeasure of that name
     * @throws org.dlsec.core.DlsecException (one line, listing the valid names) if {@code s} is null or names no
     *         countermeasure
     */
    public static Countermeasure parse(String s) {
        String n = s == null ? "" : s.trim().toLowerCase(Locale.ROOT);
        for (Countermeasure c : values()) {
            if (c.cliName.equals(n)) {
                return c;
            }
        }
        throw new DlsecException("unknown side-channel defence '" + Text.echo(s)
                + "': expected shuffle, mask (power), constant-time or random-delay (timing)");
    }
}
