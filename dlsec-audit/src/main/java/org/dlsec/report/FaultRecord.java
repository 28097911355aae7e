package org.dlsec.report;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One hardware-fault experiment of an audit: bit flips in the int8-quantised weights (BFA, random), or a hardware
 * trojan inserted into the float32 model.
 *
 * @param id unique id in the audit (file name of its stored result)
 * @param key what a stored result must match to be reused on resume
 * @param fault {@code bfa} (progressive Bit-Flip Attack), {@code random} (random bit flips) or {@code trojan}
 * @param parameters the experiment's parameters
 * @param floatAccuracy accuracy of the float32 model on the audited samples
 * @param int8Accuracy accuracy after int8 quantisation, before any fault (activation faults, which run on the float32
 *        model: equal to {@code floatAccuracy}; trojan: equal to {@code floatAccuracy}, the
 *        trojan works on the float32 model)
 * @param weightBits bits in the quantised weights (the attack surface; trojan: 0)
 * @param flips BFA: 0, 1, 2, … flips; random: the fault counts; trojan: empty
 * @param accuracy BFA: accuracy after each number of flips; random: mean accuracy over the trials; trojan: empty
 * @param minAccuracy random: worst trial per count; BFA: equal to {@code accuracy}; trojan: empty
 * @param flipsToStop BFA: flips used to reach the stop accuracy, or -1; random, trojan: -1
 * @param started when it started
 * @param seconds wall time
 * @param trojan trojan: its effect (null for bit flips)
 * @param target what the faults hit: {@code weights} or {@code activations}
 * @param defence the integrity defence and what it did ({@code checksum}: detected flips, detection rate, accuracy
 *        after recovery; {@code range}: the guarded layers), or null without one
 */
public record FaultRecord(String id, String key, String fault, Map<String, Object> parameters, double floatAccuracy,
        double int8Accuracy, long weightBits, List<Integer> flips, List<Double> accuracy, List<Double> minAccuracy,
        int flipsToStop, Instant started, double seconds, Trojan trojan, String target, Map<String, Object> defence)
        implements StoredResult {
    public FaultRecord {
        defence = defence == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(defence));
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        flips = List.copyOf(flips);
        accuracy = List.copyOf(accuracy);
        minAccuracy = List.copyOf(minAccuracy);
    }

    /** A bit-flip experiment (no trojan). */
    public FaultRecord(String id, String key, String fault, Map<String, Object> parameters, double floatAccuracy,
            double int8Accuracy, long weightBits, List<Integer> flips, List<Double> accuracy, List<Double> minAccuracy,
            int flipsToStop, Instant started, double seconds) {
        this(id, key, fault, parameters, floatAccuracy, int8Accuracy, weightBits, flips, accuracy, minAccuracy, flipsToStop,
                started, seconds, null, "weights", null);
    }

    /**
     * A hardware trojan's effect on the audited samples.
     *
     * @param design where it sits and what wakes it (neuron, threshold, trigger patch)
     * @param target the class its trigger forces
     * @param cleanAccuracy accuracy before the trojan is in place
     * @param trojanedCleanAccuracy accuracy on the same clean samples with the trojan in place
     * @param changedCleanPredictions clean predictions the trojan changed
     * @param firedOnClean how often it fired on clean inputs
     * @param triggerSuccessRate share of the triggered samples (labels other than the target) forced to the target
     * @param triggeredSamples how many samples got the trigger
     */
    public record Trojan(Map<String, Object> design, int target, double cleanAccuracy, double trojanedCleanAccuracy,
            int changedCleanPredictions, long firedOnClean, double triggerSuccessRate, int triggeredSamples) {
        public Trojan {
            design = Collections.unmodifiableMap(new LinkedHashMap<>(design));
        }
    }

    /** The lowest accuracy reached (trojan: on clean samples with the trojan in place). */
    public double worstAccuracy() {
        if (trojan != null) {
            return trojan.trojanedCleanAccuracy();
        }
        return minAccuracy.stream().mapToDouble(Double::doubleValue).min().orElse(int8Accuracy);
    }
}
