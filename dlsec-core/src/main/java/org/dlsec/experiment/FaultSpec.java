package org.dlsec.experiment;

import java.util.LinkedHashMap;
import java.util.Map;
import org.dlsec.attack.fault.FaultAttacks;
import org.dlsec.attack.fault.Granularity;
import org.dlsec.core.DlsecException;

/**
 * One fault experiment, validated: the attack and its parameters, what it faults (weights or activations;
 * int8 codes or float32 weights) and the defence. Combinations that would silently do something else than
 * asked are refused here, before any data is read.
 *
 * @param attack a {@link FaultAttacks} name
 * @param params the attack's parameters (their seed is the experiment's)
 * @param activations fault activations instead of weights (random faults on a dlsec model directory)
 * @param int8 quantise the weights to int8 first (random weight faults may also hit float32 weights)
 * @param granularity int8 scales per layer or per output channel
 * @param defence the integrity defence
 */
public record FaultSpec(String attack, FaultAttacks.Params params, boolean activations, boolean int8,
        Granularity granularity, FaultDefence defence) {
    /**
     * Canonicalises the attack's name and refuses combinations that would do something other than asked (e.g. the
     * BFA on float32 weights, a checksum on activations).
     *
     * @param attack a {@link FaultAttacks} name
     * @param params the attack's parameters (their seed is the experiment's)
     * @param activations fault activations instead of weights (random faults on a dlsec model directory)
     * @param int8 quantise the weights to int8 first (random weight faults may also hit float32 weights)
     * @param granularity int8 scales per layer or per output channel
     * @param defence the integrity defence
     * @throws org.dlsec.core.DlsecException when the name is unknown, the combination is not available, or the
     *         parameters are missing
     */
    public FaultSpec {
        attack = FaultAttacks.canonical(attack);
        switch (attack) {
            case "bfa" -> {
                if (defence.range()) {
                    throw new DlsecException("--defence range guards activations; the BFA attacks weights (use checksum)");
                }
                if (activations) {
                    throw new DlsecException("--target activations: the BFA flips bits of the int8 weights (use --target weights)");
                }
                if (!int8) {
                    throw new DlsecException("--quantize none: the BFA flips bits of int8 weight codes (use --quantize int8)");
                }
            }
            case "trojan" -> {
                if (!defence.none()) {
                    throw new DlsecException("--defence is not available for the trojan mode");
                }
            }
            default -> {
                if (activations && defence.checksum()) {
                    throw new DlsecException("--defence checksum protects int8 weights, not activations (use range)");
                }
                if (!activations && !int8 && !defence.none()) {
                    throw new DlsecException("--defence " + defence.kind() + " is not available for float32 weights");
                }
                if (!activations && int8 && defence.range()) {
                    throw new DlsecException("--defence range guards activations; use checksum for int8 weights");
                }
            }
        }
        DlsecException.require(params != null, "fault parameters", "are missing");
    }

    /**
     * The experiment's seed.
     *
     * @return the parameters' seed
     */
    public long seed() {
        return params.seed();
    }

    /**
     * What the provenance records of the experiment's set-up.
     *
     * @return a new mutable map
     */
    public Map<String, Object> setup() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mode", attack);
        m.put("target", activations ? "activations" : "weights");
        m.put("quantize", int8 ? "int8" : "none");
        m.put("granularity", granularity.cliName());
        m.put("defence", defence.kind());
        return m;
    }
}
