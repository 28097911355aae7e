package org.dlsec.experiment;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a model-extraction experiment found: the substitute's accuracy and its fidelity to the target on the
 * test images, the queries it cost, the FGSM transfer success from the substitute to the target, and the
 * fidelity curve over the query budget.
 *
 * @param attack the attack's name (knockoff names its strategy)
 * @param parameters the attack's parameters
 * @param substituteAccuracy the substitute's accuracy on the test images, in [0, 1]
 * @param fidelity the share of test images on which substitute and target agree, in [0, 1]
 * @param queries target queries the attack spent
 * @param transferSuccess FGSM transfer success, null when not measured
 * @param seconds wall time of the attack
 * @param targetAccuracy the target's accuracy on the test images
 * @param testSamples test images measured on
 * @param transferSamples test images of the transfer measure
 * @param transferEps the FGSM budget of the transfer measure
 * @param evaluationQueries target queries spent on measuring (not part of the attack's budget)
 * @param curve fidelity and accuracy at points of the query budget, in increasing queries
 */
public record ExtractionOutcome(String attack, Map<String, Object> parameters, double substituteAccuracy, double fidelity,
        long queries, Double transferSuccess, double seconds, double targetAccuracy, int testSamples, int transferSamples,
        double transferEps, long evaluationQueries, List<CurvePoint> curve) {
    /**
     * Copies the parameters and the curve.
     *
     * @param attack the attack's name (knockoff names its strategy)
     * @param parameters the attack's parameters
     * @param substituteAccuracy the substitute's accuracy on the test images, in [0, 1]
     * @param fidelity the share of test images on which substitute and target agree, in [0, 1]
     * @param queries target queries the attack spent
     * @param transferSuccess FGSM transfer success, null when not measured
     * @param seconds wall time of the attack
     * @param targetAccuracy the target's accuracy on the test images
     * @param testSamples test images measured on
     * @param transferSamples test images of the transfer measure
     * @param transferEps the FGSM budget of the transfer measure
     * @param evaluationQueries target queries spent on measuring (not part of the attack's budget)
     * @param curve fidelity and accuracy at points of the query budget, in increasing queries
     */
    public ExtractionOutcome {
        parameters = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        curve = List.copyOf(curve);
    }

    /** Fidelity and substitute accuracy after {@code queries} target queries. */
    public record CurvePoint(long queries, double fidelity, double substituteAccuracy) {
        String line() {
            return String.format("  %7d queries: fidelity %.2f%%, substitute accuracy %.2f%%", queries, 100 * fidelity,
                    100 * substituteAccuracy);
        }
    }

    /**
     * The outcome's fields of {@code dlsec extract --json} (the command adds the target and the provenance).
     *
     * @return a new mutable map
     */
    public Map<String, Object> json() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("attack", attack);
        out.put("substituteAccuracy", substituteAccuracy);
        out.put("fidelity", fidelity);
        out.put("queries", queries);
        out.put("transferSuccess", transferSuccess);
        out.put("seconds", seconds);
        out.put("targetAccuracy", targetAccuracy);
        out.put("testSamples", testSamples);
        out.put("transferSamples", transferSamples);
        out.put("transferEps", transferEps);
        out.put("evaluationQueries", evaluationQueries);
        out.put("curve", curve.stream().map(p -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("queries", p.queries());
            row.put("fidelity", p.fidelity());
            row.put("substituteAccuracy", p.substituteAccuracy());
            return row;
        }).toList());
        out.put("parameters", parameters);
        return out;
    }

    /**
     * The line {@code dlsec extract} prints at the end.
     *
     * @return one line with fidelity, accuracies, queries and transfer success
     */
    public String summary() {
        return String.format("%s: %d queries in %.1f s; substitute accuracy %.2f%% (target %.2f%%), fidelity %.2f%%,"
                + " FGSM eps=%s transfer success %s", attack, queries, seconds, 100 * substituteAccuracy,
                100 * targetAccuracy, 100 * fidelity, transferEps,
                transferSuccess == null ? "n/a" : String.format("%.2f%%", 100 * transferSuccess));
    }
}
