package org.dlsec.experiment;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dlsec.attack.evasion.AttackResult;
import org.dlsec.core.Json;
import org.dlsec.defence.detection.FeatureSqueezingDetector;

/**
 * What an evasion experiment found: one per-sample {@link AttackResult} per budget, and what the detector caught.
 *
 * @param spec what ran
 * @param results one per budget, in the spec's order
 * @param detection the detector's evaluation on the last budget, or null
 */
public record EvasionOutcome(EvasionSpec spec, List<AttackResult> results, FeatureSqueezingDetector.Evaluation detection) {
    /**
     * Copies the result list.
     *
     * @param spec what ran
     * @param results one per budget, in the spec's order
     * @param detection the detector's evaluation on the last budget, or null
     */
    public EvasionOutcome {
        results = List.copyOf(results);
    }

    /**
     * The result at the last budget.
     *
     * @return the last of {@link #results()}
     */
    public AttackResult last() {
        return results.get(results.size() - 1);
    }

    /**
     * The outcome's fields of {@code dlsec attack --json} (the command adds the model, defence, data and provenance).
     *
     * @return a new mutable map
     */
    public Map<String, Object> json() {
        Map<String, Object> out = fields(results, spec.budgets(), spec.normName());
        if (detection != null) {
            out.put("detection", detection.toMap());
        }
        return out;
    }

    /**
     * The attack's fields of {@code dlsec attack --json} for its results at {@code budgets} (one result per budget):
     * the last budget's summary, budget, norm, parameters and per-sample record, every numerical issue, and the
     * curve when there is more than one budget.
     */
    @SuppressWarnings("unchecked")
    static Map<String, Object> fields(List<AttackResult> results, List<Double> budgets, String norm) {
        AttackResult last = results.get(results.size() - 1);
        Map<String, Object> out = new LinkedHashMap<>(Json.MAPPER.convertValue(last.summary(), Map.class));
        out.put("eps", budgets.get(budgets.size() - 1));
        out.put("norm", norm);
        out.put("parameters", last.parameters());
        out.put("numericalIssues", results.stream().flatMap(r -> r.numericalIssues().stream()).toList());
        out.put("perSample", last.perSample()); // the audit's per-sample record (its "samples"), at the largest budget
        if (budgets.size() > 1) {
            List<Map<String, Object>> curve = new ArrayList<>();
            for (int i = 0; i < budgets.size(); i++) {
                Map<String, Object> point = new LinkedHashMap<>(Json.MAPPER.convertValue(results.get(i).summary(), Map.class));
                point.put("eps", budgets.get(i));
                curve.add(point);
            }
            out.put("curve", curve);
        }
        return out;
    }

    /** The line printed for the result at budget index {@code i}. */
    static String line(AttackResult r, double eps) {
        AttackResult.Summary s = r.summary();
        return String.format("%s eps=%s: clean %.2f%%  robust %.2f%%  success %.2f%%  L2 %.3f  Linf %.3f  queries %.1f"
                + "  (%.1f s)", s.attack(), eps, 100 * s.cleanAccuracy(), 100 * s.robustAccuracy(), 100 * s.successRate(),
                s.meanL2(), s.meanLinf(), s.meanQueries(), s.seconds());
    }

    /** The detector's line. */
    static String line(FeatureSqueezingDetector.Evaluation d) {
        return String.format("feature squeezing (threshold %.4f at %.1f%% calibration FPR): detects %.2f%% of %d successful"
                + " adversarial examples; flags %.2f%% of %d clean test images", d.threshold(), 100 * d.targetFpr(),
                100 * d.detectionRate(), d.adversarial(), 100 * d.falsePositiveRate(), d.clean());
    }
}
