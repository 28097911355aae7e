package org.dlsec.attack.fault;

import java.util.Map;

/**
 * A hardware fault attack: the family's common face, as ART's {@code FaultAttack}. Each member acts on a
 * different representation of the model — {@link BitFlipAttack} on int8 weight codes, {@link RandomFaultInjection}
 * on int8 or float32 weights or on activations, {@link TrojanInsertion} on the datapath through an activation hook
 * — so the run itself takes that representation; {@link FaultAttacks} builds every member from a name and one
 * parameter record, and {@code org.dlsec.experiment.FaultRun} runs them the same way for the command and the audit.
 */
public interface FaultAttack {
    /** The registry name: {@code random}, {@code bfa} or {@code trojan}. */
    String name();

    /** The attack's parameters as recorded in results. */
    Map<String, Object> parameters();
}
