package org.dlsec.report;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The gradient-masking checks of Athalye, Carlini and Wagner (ICML 2018, §3.1) and Carlini et al. ("On Evaluating
 * Adversarial Robustness", 2019) on the audited model: a black-box attack beating white-box PGD, more PGD steps
 * helping the defender, an unbounded attack failing. Any flag means the white-box figures may overstate robustness.
 *
 * @param id unique id in the audit
 * @param key what a stored result must match to be reused on resume
 * @param parameters ε, Square's queries, tolerance, seed
 * @param checks each check with its figures
 * @param masked whether any check flags masking
 * @param samples samples checked
 * @param started when it started
 * @param seconds wall time
 */
public record MaskingRecord(String id, String key, Map<String, Object> parameters, List<Check> checks, boolean masked,
        int samples, Instant started, double seconds) implements StoredResult {
    public MaskingRecord {
        parameters = Map.copyOf(parameters);
        checks = List.copyOf(checks);
    }

    /**
     * One check.
     *
     * @param name what is checked
     * @param flagged whether it indicates masking
     * @param figures the robust accuracies it compares
     * @param meaning what a flag means
     */
    public record Check(String name, boolean flagged, Map<String, Double> figures, String meaning) {
        public Check {
            figures = Map.copyOf(figures);
        }
    }
}
