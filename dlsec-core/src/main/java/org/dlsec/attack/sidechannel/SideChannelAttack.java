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
    /** The registry name: {@code power} or {@code timing}. */
    String name();

    /** The attack's parameters as recorded in results. */
    Map<String, Object> parameters();

    /** Runs the attack against {@code victim}. */
    Result run(SideChannelVictim victim, boolean progress);

    /** What an attack found: one record per member of the family. */
    sealed interface Result permits PowerAnalysis.Result, TimingAttack.Result {
        /** Where the result comes from. */
        Provenance provenance();

        /** The attack's registry name. */
        String attack();

        /** The countermeasure it ran against. */
        Countermeasure defence();

        /** True when the attack learnt what it set out to (the weights, or the depth) under its acceptance rule. */
        boolean succeeded();
    }
}
