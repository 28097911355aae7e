package org.dlsec.attack.sidechannel;

import org.dlsec.core.DlsecException;

/**
 * The server-side countermeasure of the timing side channel.
 *
 * @param kind {@link Countermeasure#NONE}, {@link Countermeasure#CONSTANT_TIME} (every prediction is held back until
 *        {@code budgetMillis} after it started; one that takes longer is answered late and counted) or
 *        {@link Countermeasure#RANDOM_DELAY} (every prediction is held back a uniform random 0..{@code budgetMillis})
 * @param budgetMillis the latency budget or the largest random delay, in milliseconds
 */
public record ServingDefence(Countermeasure kind, double budgetMillis) {
    public static final ServingDefence NONE = new ServingDefence(Countermeasure.NONE, 0);

    public ServingDefence {
        DlsecException.require(kind.appliesToTiming(), "--defence",
                kind.cliName() + " is a power defence; the timing side channel takes constant-time or random-delay");
        DlsecException.require(kind == Countermeasure.NONE || (Double.isFinite(budgetMillis) && budgetMillis > 0),
                "--budget", "the latency budget must be > 0 ms, got " + budgetMillis);
    }
}
