package org.dlsec.report;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One model-extraction experiment of an audit, as {@code dlsec extract} measures it: the attacker queries the
 * audited model (a black box: its answers only) to train a substitute, which is then compared with the model on
 * the audited test images.
 *
 * @param id unique id in the audit
 * @param key what a stored result must match to be reused on resume
 * @param attack equation, jacobian, knockoff (with its strategy) or copycat
 * @param parameters the attack's parameters, the query data and the measure's settings
 * @param targetAccuracy the audited model's accuracy on the test images
 * @param substituteAccuracy the substitute's accuracy on them
 * @param fidelity share of the test images on which the substitute and the model agree
 * @param queries model queries the attack made
 * @param evaluationQueries model queries spent on measuring (not part of the attack's budget)
 * @param transferSuccess FGSM transfer success from the substitute to the model (null when not measured)
 * @param transferEps the FGSM budget of the transfer measure
 * @param testSamples test images of the measure
 * @param transferSamples test images of the transfer measure
 * @param curve fidelity and substitute accuracy after intermediate query counts (may be empty)
 * @param started when it started
 * @param seconds wall time of the whole experiment
 */
public record ExtractionRecord(String id, String key, String attack, Map<String, Object> parameters, double targetAccuracy,
        double substituteAccuracy, double fidelity, long queries, long evaluationQueries, Double transferSuccess,
        double transferEps, int testSamples, int transferSamples, List<Point> curve, Instant started, double seconds)
        implements StoredResult {
    public ExtractionRecord {
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        curve = curve == null ? List.of() : List.copyOf(curve);
    }

    /** Fidelity and substitute accuracy after {@code queries} model queries. */
    public record Point(long queries, double fidelity, double substituteAccuracy) {}
}
