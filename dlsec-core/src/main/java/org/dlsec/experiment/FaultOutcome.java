package org.dlsec.experiment;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dlsec.attack.fault.AccuracyDistribution;
import org.dlsec.attack.fault.BitFlipAttack;
import org.dlsec.attack.fault.RandomFaultInjection;

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
        Trojan trojan, Map<String, Object> defence) {
    public FaultOutcome {
        parameters = Map.copyOf(parameters);
        defence = defence == null ? null : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(defence));
    }

    /**
     * The trojan's effect: the clean accuracy before and after the trojan is in place, the clean predictions it
     * changed, how often it fired on clean inputs, and how often its trigger forced the target class.
     */
    public record Trojan(Map<String, Object> design, int target, double cleanAccuracy, double trojanedCleanAccuracy,
            int changedCleanPredictions, long firedOnClean, double triggerSuccessRate, int triggeredSamples) {}

    /** The outcome's fields of {@code dlsec fault --json} (the command adds the model, data and provenance). */
    public Map<String, Object> json() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("mode", spec.attack());
        out.put("floatAccuracy", floatAccuracy);
        if (int8Accuracy != null) {
            out.put("int8Accuracy", int8Accuracy);
        }
        if (bfa != null) {
            out.put("parameters", parameters);
            out.put("curve", bfa.curve());
            out.put("flipsUsed", bfa.flips().size());
            out.put("flipsToStop", bfa.flipsToStop());
            out.put("finalAccuracy", bfa.finalAccuracy());
            out.put("flips", bfa.flips());
            out.put("gradientCalls", bfa.gradientCalls());
            out.put("seconds", bfa.seconds());
        } else if (random != null) {
            out.put("target", random.target().cliName());
            out.put("parameters", parameters);
            out.put("distributions", random.distributions());
            out.put("seconds", random.seconds());
        } else {
            out.put("parameters", parameters);
            out.put("trojan", trojan.design());
            out.put("cleanAccuracy", trojan.cleanAccuracy());
            out.put("trojanedCleanAccuracy", trojan.trojanedCleanAccuracy());
            out.put("changedCleanPredictions", trojan.changedCleanPredictions());
            out.put("firedOnClean", trojan.firedOnClean());
            out.put("triggerSuccessRate", trojan.triggerSuccessRate());
            out.put("triggeredSamples", trojan.triggeredSamples());
        }
        if (defence != null) {
            out.put("defence", defence);
        }
        return out;
    }

    /** The lines {@code dlsec fault} prints. */
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
