package org.dlsec.attack.sidechannel;

import java.util.Map;
import org.dlsec.core.Provenance;

/**
 * A side-channel attack on a model's implementation: the family's common face, as {@code FaultAttack} is the fault
 * family's. It observes a physical or timing quantity of the implementation while the model runs on inputs the attacker
 * chooses or knows, and learns something the API does not answer: the weights ({@link PowerAnalysis}) or the
 * architecture ({@link TimingAttack}). {@link SideChannelAttacks} builds the members from a name and one parameter
 * record.
 */
public interface SideChannelAttack {
    /**
     * The attack's name in {@link SideChannelAttacks#NAMES}.
     *
     * @return {@code power} or {@code timing}
     */
    String name();

    /**
     * The attack's parameters as recorded in results and {@code --json}.
     *
     * @return an insertion-ordered map from parameter name to value (numbers, strings, booleans)
     */
    Map<String, Object> parameters();

    /**
     * Runs the attack against {@code victim}. Blocking and CPU-bound (seconds to minutes); an attack instance runs one
     * victim at a time.
     *
     * @param victim the model and what the attacker observes of it; the attack does not close the model, and the power
     *        attack ignores {@code victim.deployment()}
     * @param progress true to print progress lines to standard error
     * @return the attack's result, a {@link PowerAnalysis.Result} or a {@link TimingAttack.Result}
     * @throws org.dlsec.core.DlsecException if the victim does not suit the attack (the power attack on a model
     *         without an int8 path, the timing attack without a deployment or on a model whose samples are not
     *         images) or serving fails
     */
    Result run(SideChannelVictim victim, boolean progress);

    /** What an attack found: one record per member of the family. */
    sealed interface Result permits PowerAnalysis.Result, TimingAttack.Result {
        /**
         * Where the result comes from.
         *
         * @return the model's hash, the data, the parameters, the seed, the library versions and when the run started
         *         and finished
         */
        Provenance provenance();

        /**
         * The attack that produced the result.
         *
         * @return its registry name, {@code power} or {@code timing}
         */
        String attack();

        /**
         * The countermeasure the attack ran against.
         *
         * @return the device's or the server's countermeasure, {@link Countermeasure#NONE} for none
         */
        Countermeasure defence();

        /**
         * Whether the attack learnt what it set out to under its acceptance rule.
         *
         * @return true when it did: for the power attack, a share of at least {@link PowerAnalysis#SUCCESS_SHARE} of
         *         the first layer's weights recovered exactly; for the timing attack, a depth accuracy of at least
         *         {@link TimingAttack#SUCCESS_ACCURACY} against the countermeasure (the clean trial without one)
         */
        boolean succeeded();
    }
}
