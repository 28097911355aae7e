package org.dlsec.attack.fault;

import java.util.Map;

/**
 * A hardware fault attack: the family's common face, as ART's {@code FaultAttack}, with one operation,
 * {@link #inject}: the attack places its faults in a {@link FaultVictim} and measures the damage. Each member acts
 * on a different representation of the model — {@link BitFlipAttack} on int8 weight codes, {@link RandomFaultInjection}
 * on int8 or float32 weights or on activations, {@link TrojanInsertion} on the datapath through an activation hook —
 * and returns its own {@link Result}. {@link FaultAttacks} builds every member from a name and one parameter record,
 * and {@code org.dlsec.experiment.FaultRun} runs them the same way for the command and the audit.
 */
public interface FaultAttack {
    /**
     * The registry name: {@code random}, {@code bfa} or {@code trojan}.
     *
     * @return the name
     */
    String name();

    /**
     * The attack's parameters as recorded in results.
     *
     * @return an immutable map
     */
    Map<String, Object> parameters();

    /**
     * How many of the attacker's own samples {@link #inject} needs in {@link FaultVictim#attackerData()} (0: none).
     *
     * @return the number of samples
     */
    default int attackerSamples() {
        return 0;
    }

    /**
     * Places this attack's faults in the victim's model and measures the accuracy on its data; the model's weights
     * are restored before it returns.
     *
     * @param victim the model, its data and the defence's hooks
     * @param progress whether to show a progress bar on stderr
     * @return the attack's result
     */
    Result inject(FaultVictim victim, boolean progress);

    /** What an injection found: one record per member of the family. */
    sealed interface Result permits BitFlipAttack.Result, RandomFaultInjection.Result, TrojanInsertion.Result {}
}
