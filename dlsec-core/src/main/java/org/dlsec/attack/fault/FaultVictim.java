package org.dlsec.attack.fault;

import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.dlsec.data.Dataset;
import org.dlsec.model.DjlClassifier;

/**
 * What a {@link FaultAttack} strikes: a model whose weights can be changed in memory (restored when the injection
 * returns), the data the damage is measured on, the attacker's own data, where the faults land, and the hooks an
 * integrity defence uses to watch the representation the faults go into.
 *
 * @param model the model (behind any normalising wrapper: {@code data} is then normalised too)
 * @param data the samples the accuracy is measured on
 * @param attackerData the attacker's samples ({@link FaultAttack#attackerSamples()} of them; the BFA's batch, the
 *        trojan's calibration set), or null when the attack needs none
 * @param target where random faults land: int8 codes, float32 weights or activations (the BFA always strikes int8
 *        codes, the trojan the datapath)
 * @param granularity int8 scales per layer or per output channel
 * @param hooks where a defence watches (never null; {@link Hooks#NONE} for no defence)
 */
public record FaultVictim(DjlClassifier model, Dataset data, Dataset attackerData, FaultTarget target,
        Granularity granularity, Hooks hooks) {
    /**
     * Checks the required components; null hooks become {@link Hooks#NONE}.
     *
     * @param model the model (behind any normalising wrapper: {@code data} is then normalised too)
     * @param data the samples the accuracy is measured on
     * @param attackerData the attacker's samples ({@link FaultAttack#attackerSamples()} of them; the BFA's batch, the
     *        trojan's calibration set), or null when the attack needs none
     * @param target where random faults land: int8 codes, float32 weights or activations (the BFA always strikes int8
     *        codes, the trojan the datapath)
     * @param granularity int8 scales per layer or per output channel
     * @param hooks where a defence watches (never null; {@link Hooks#NONE} for no defence)
     * @throws NullPointerException when the model, data, target or granularity is null
     */
    public FaultVictim {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(granularity, "granularity");
        hooks = hooks == null ? Hooks.NONE : hooks;
    }

    /** Where an integrity defence (checksums of weight groups, activation range checks) plugs into an injection. */
    public interface Hooks {
        /** No defence. */
        Hooks NONE = new Hooks() {};

        /**
         * Called once the int8 model exists, before any fault; returns what runs after each trial's faults are placed
         * (detection and recovery in place), or null.
         *
         * @param q the quantised model
         * @return the check run after each trial's faults, or null
         */
        default Consumer<QuantizedModel> onQuantized(QuantizedModel q) {
            return null;
        }

        /**
         * Called after the Bit-Flip Attack, before its flips are undone.
         *
         * @param q the quantised model, with the flips in place
         * @param result the attack's result
         */
        default void afterBitFlips(QuantizedModel q, BitFlipAttack.Result result) {}

        /**
         * Activation faults: hooks run after the fault hook in the hooked layers ({@code layers}; empty: every
         * convolution and linear layer), e.g. a range check.
         *
         * @param model the model the faults go into
         * @param layers the hooked layers
         * @return the hooks, possibly empty
         */
        default List<ActivationHook> activationHooks(DjlClassifier model, List<Integer> layers) {
            return List.of();
        }
    }
}
