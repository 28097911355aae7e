package org.dlsec.attack.sidechannel;

import org.dlsec.core.DlsecException;

/**
 * The server-side countermeasure of the timing side channel.
 *
 * @param kind {@link Countermeasure#NONE}, {@link Countermeasure#CONSTANT_TIME} (every prediction is held back until
 *        {@code budgetMillis} after it started; one that takes longer is answered late and counted) or
 *        {@link Countermeasure#RANDOM_DELAY} (every prediction is held back a uniform random 0..{@code budgetMillis})
 * @param budgetMillis the latency budget or the largest random delay, in milliseconds; finite and &gt; 0 unless
 *        {@code kind} is {@link Countermeasure#NONE}
 */
public record ServingDefence(Countermeasure kind, double budgetMillis) {
    /** No serving countermeasure: predictions are answered as soon as they are computed (budget 0). */
    public static final ServingDefence NONE = new ServingDefence(Countermeasure.NONE, 0);

    /**
     * Validates the countermeasure and its budget.
     *
     * @param kind {@link Countermeasure#NONE}, {@link Countermeasure#CONSTANT_TIME} (every prediction is held back
     *        until {@code budgetMillis} after it started; one that takes longer is answered late and counted) or {@link
     *        Countermeasure#RANDOM_DELAY} (every prediction is held back a uniform random 0..{@code budgetMillis})
     * @param budgetMillis the latency budget or the largest random delay, in milliseconds; finite and &gt; 0 unless
     *        {@code kind} is {@link Countermeasure#NONE}
     * @throws org.dlsec.core.DlsecException (one line, naming {@code --defence} or {@code --budget}) if {@code kind} is
     *         a power countermeasure ({@link Countermeasure#SHUFFLE}, {@link Countermeasure#MASK}), or if it is not
     *         {@link Countermeasure#NONE} and {@code budgetMillis} is not a finite number &gt; 0
     * @throws NullPointerException if {@code kind} is null
     */
    public ServingDefence {
        DlsecException.require(kind.appliesToTiming(), "--defence",
                kind.cliName() + " is a power defence; the timing side channel takes constant-time or random-delay");
        DlsecException.require(kind == Countermeasure.NONE || (Double.isFinite(budgetMillis) && budgetMillis > 0),
                "--budget", "the latency budget must be > 0 ms, got " + budgetMillis);
    }
}
