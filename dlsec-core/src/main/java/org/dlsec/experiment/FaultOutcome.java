package org.dlsec.experiment;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dlsec.attack.fault.AccuracyDistribution;
import org.dlsec.attack.fault.BitFlipAttack;
import org.dlsec.attack.fault.RandomFaultInjection;
import org.dlsec.attack.fault.TrojanInsertion;

/**
 * What a fault experiment found. Exactly one of {@code bfa}, {@code random} and {@code trojan} is set, after
 * the spec's attack.
 *
 * @param spec what ran
 * @param parameters the attack's parameters
 * @param floatAccuracy accuracy of the float32 model on the evaluation data
 * @param int8Accuracy accuracy after int8 quantisation, before any fault (null when the weights stayed float32)
 * @param weightBits bits of the int8 weights (the attack surface; 0 when not quantised)
 * @param attackData BFA: the origin of the attacker's batch (null otherwise)
 * @param attackSamples BFA: its size (0 otherwise)
 * @param bfa the Bit-Flip Attack's result
 * @param random the random faults' accuracy distributions
 * @param trojan the hardware trojan's effect
 * @param defence what the defence did, as recorded (null without one)
 */
public record FaultOutcome(FaultSpec spec, Map<String, Object> parameters, double floatAccuracy, Double int8Accuracy,
        long weightBits, String attackData, int attackSamples, BitFlipAttack.Result bfa, RandomFaultInjection.Result random,
        TrojanInsertion.Result trojan, Map<String, Object> defence) {
    /**
     * Copies the parameters and the defence record.
     *
     * @param spec what ran
     * @param parameters the attack's parameters
     * @param floatAccuracy accuracy of the float32 model on the evaluation data
     * @param int8Accuracy accuracy after int8 quantisation, before any fault (null when the weights stayed float32)
     * @param weightBits bits of the int8 weights (the attack surface; 0 when not quantised)
     * @param attackData BFA: the origin of the attacker's batch (null otherwise)
     * @param attackSamples BFA: its size (0 otherwise)
     * @param bfa the Bit-Flip Attack's result
     * @param random the random faults' accuracy distributions
     * @param trojan the hardware trojan's effect
     * @param defence what the defence did, as recorded (null without one)
     */
    public FaultOutcome {
        parameters = Map.copyOf(parameters);
        defence = defence == null ? null : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(defence));
    }


    /**
     * What the audit stores of a fault experiment and {@code dlsec fault --json} writes, in the audit's terms
     * ({@code $defs/faultRun} of {@code docs/report-schema.json}).
     *
     * @param parameters the fault, the quantisation, the seed, the attack's parameters and (BFA) the attacker's data
     * @param int8Accuracy accuracy of the int8 model before any fault; the float32 accuracy for the trojan (it works
     *        on the float32 model); null when the weights stayed float32
     * @param weightBits bits of the int8 weights (0 when not quantised)
     * @param flips BFA: 0, 1, 2, … flips; random: the fault counts; trojan: empty
     * @param accuracy BFA: accuracy after each number of flips; random: mean over the trials; trojan: empty
     * @param minAccuracy random: worst trial per count; BFA: equal to {@code accuracy}; trojan: empty
     * @param flipsToStop BFA: flips used to reach the stop accuracy, or -1; random, trojan: -1
     * @param seconds the attack's own time
     */
    public record Curve(Map<String, Object> parameters, Double int8Accuracy, long weightBits, List<Integer> flips,
            List<Double> accuracy, List<Double> minAccuracy, int flipsToStop, double seconds) {
        /**
         * Copies the maps and lists.
         *
         * @param parameters the fault, the quantisation, the seed, the attack's parameters and (BFA) the attacker's data
         * @param int8Accuracy accuracy of the int8 model before any fault; the float32 accuracy for the trojan (it works
         *        on the float32 model); null when the weights stayed float32
         * @param weightBits bits of the int8 weights (0 when not quantised)
         * @param flips BFA: 0, 1, 2, … flips; random: the fault counts; trojan: empty
         * @param accuracy BFA: accuracy after each number of flips; random: mean over the trials; trojan: empty
         * @param minAccuracy random: worst trial per count; BFA: equal to {@code accuracy}; trojan: empty
         * @param flipsToStop BFA: flips used to reach the stop accuracy, or -1; random, trojan: -1
         * @param seconds the attack's own time
         */
        public Curve {
            parameters = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
            flips = List.copyOf(flips);
            accuracy = List.copyOf(accuracy);
            minAccuracy = List.copyOf(minAccuracy);
        }
    }

    /**
     * This outcome in the audit's terms.
     *
     * @return the curve of accuracy against faults
     */
    public Curve curve() {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("fault", spec.attack());
        params.put("quantisation", trojan != null ? "none (the trojan works on the float32 model)"
                : spec.int8() ? "int8 per " + spec.granularity().cliName()
                : "none (float32 " + (spec.activations() ? "activations" : "weights") + ")");
        params.put("seed", spec.seed());
        params.putAll(parameters);
        List<Integer> xs = new ArrayList<>();
        List<Double> mean = new ArrayList<>();
        List<Double> min = new ArrayList<>();
        if (trojan != null) {
            return new Curve(params, floatAccuracy, 0, xs, mean, min, -1, 0);
        }
        if (bfa != null) {
            params.put("attackSamples", attackSamples);
            params.put("attackData", attackData);
            for (int i = 0; i < bfa.curve().size(); i++) {
                xs.add(i);
            }
            mean.addAll(bfa.curve());
            min.addAll(bfa.curve());
            return new Curve(params, int8Accuracy, weightBits, xs, mean, min, bfa.flipsToStop(), bfa.seconds());
        }
        for (AccuracyDistribution d : random.distributions()) {
            xs.add(d.faults());
            mean.add(d.mean());
            min.add(d.min());
        }
        return new Curve(params, int8Accuracy, weightBits, xs, mean, min, -1, random.seconds());
    }

    /**
     * The outcome's fields of {@code dlsec fault --json} (the command adds the model, data and provenance): the
     * audit's fault record without its id, key and start time, then what only the command shows — BFA's flips one
     * by one ({@code bitFlips}) and gradient calls, the random faults' full distributions and what they hit, and
     * the defence.
     *
     * @return a new mutable map
     */
    public Map<String, Object> json() {
        Curve c = curve();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("fault", spec.attack());
        out.put("parameters", c.parameters());
        out.put("floatAccuracy", floatAccuracy);
        out.put("int8Accuracy", c.int8Accuracy());
        out.put("weightBits", c.weightBits());
        out.put("flips", c.flips());
        out.put("accuracy", c.accuracy());
        out.put("minAccuracy", c.minAccuracy());
        out.put("flipsToStop", c.flipsToStop());
        out.put("seconds", c.seconds());
        out.put("trojan", trojan);
        if (bfa != null) {
            out.put("bitFlips", bfa.flips());
            out.put("gradientCalls", bfa.gradientCalls());
        }
        if (random != null) {
            out.put("target", random.target().cliName());
            out.put("distributions", random.distributions());
        }
        if (defence != null) {
            out.put("defence", defence);
        }
        return out;
    }

    /**
     * The lines {@code dlsec fault} prints.
     *
     * @return the lines, in order
     */
    public List<String> summary() {
        List<String> lines = new ArrayList<>();
        lines.add(String.format("float32 accuracy %.2f%%", 100 * floatAccuracy));
        if (bfa != null) {
            double stop = ((Number) parameters.get("stopAccuracy")).doubleValue();
            lines.add(String.format("int8 accuracy %.2f%%; BFA: %d flips -> %.2f%% (stop level %.0f%% %s)",
                    100 * bfa.cleanAccuracy(), bfa.flips().size(), 100 * bfa.finalAccuracy(), 100 * stop,
                    bfa.flipsToStop() >= 0 ? "reached after " + bfa.flipsToStop() + " flips" : "not reached"));
            if (defence != null) {
                lines.add(String.format("checksum (%s, groups of %s): detected %s/%d flips (%.1f%%), %s groups %s;"
                        + " accuracy after recovery %.2f%%", defence.get("signature"), defence.get("groupSize"),
                        defence.get("detectedFlips"), bfa.flips().size(), 100 * (double) defence.get("detectionRate"),
                        defence.get("flaggedGroups"), "zero".equals(defence.get("recovery")) ? "zeroed" : "reloaded",
                        100 * (double) defence.get("accuracyAfterRecovery")));
            }
        } else if (random != null) {
            if (int8Accuracy != null) {
                lines.add(String.format("int8 accuracy %.2f%%", 100 * int8Accuracy));
            }
            for (AccuracyDistribution a : random.distributions()) {
                lines.add(String.format("%s %s N=%d (%d trials): mean %.2f%%  min %.2f%%  p5 %.2f%%  median %.2f%%  p95 %.2f%%",
                        random.target().cliName(), spec.params().faultType().cliName(), a.faults(), a.trials(),
                        100 * a.mean(), 100 * a.min(), 100 * a.p5(), 100 * a.median(), 100 * a.p95()));
            }
        } else {
            lines.add(String.format("trojan (neuron %s, target %d): clean accuracy %.2f%% -> %.2f%% (%d predictions changed,"
                    + " fired on %d clean inputs); trigger success %.2f%% on %d inputs", trojan.design().get("neuron"),
                    trojan.target(), 100 * trojan.cleanAccuracy(), 100 * trojan.trojanedCleanAccuracy(),
                    trojan.changedCleanPredictions(), trojan.firedOnClean(), 100 * trojan.triggerSuccessRate(),
                    trojan.triggeredSamples()));
        }
        return lines;
    }
}
