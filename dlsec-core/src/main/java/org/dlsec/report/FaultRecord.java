package org.dlsec.report;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One hardware-fault experiment of an audit, on the int8-quantised weights.
 *
 * @param id unique id in the audit (file name of its stored result)
 * @param key what a stored result must match to be reused on resume
 * @param fault {@code bfa} (progressive Bit-Flip Attack) or {@code random} (random bit flips)
 * @param parameters the experiment's parameters
 * @param floatAccuracy accuracy of the float32 model on the audited samples
 * @param int8Accuracy accuracy after int8 quantisation, before any fault
 * @param weightBits bits in the quantised weights (the attack surface)
 * @param flips BFA: 0, 1, 2, … flips; random: the fault counts
 * @param accuracy BFA: accuracy after each number of flips; random: mean accuracy over the trials
 * @param minAccuracy random: worst trial per count; BFA: equal to {@code accuracy}
 * @param flipsToStop BFA: flips used to reach the stop accuracy, or -1; random: -1
 * @param started when it started
 * @param seconds wall time
 */
public record FaultRecord(String id, String key, String fault, Map<String, Object> parameters, double floatAccuracy,
        double int8Accuracy, long weightBits, List<Integer> flips, List<Double> accuracy, List<Double> minAccuracy,
        int flipsToStop, Instant started, double seconds) {
    public FaultRecord {
        parameters = Map.copyOf(parameters);
        flips = List.copyOf(flips);
        accuracy = List.copyOf(accuracy);
        minAccuracy = List.copyOf(minAccuracy);
    }

    /** The lowest accuracy reached. */
    public double worstAccuracy() {
        return minAccuracy.stream().mapToDouble(Double::doubleValue).min().orElse(int8Accuracy);
    }
}
