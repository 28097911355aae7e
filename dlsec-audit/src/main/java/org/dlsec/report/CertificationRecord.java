package org.dlsec.report;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One randomized-smoothing certification of the audited model (Cohen, Rosenfeld, Kolter, ICML 2019): the smoothed
 * classifier's certified accuracy at L2 radii, a guarantee no attack within the radius can break (with probability
 * 1 − α per sample), where the attacks give upper bounds.
 *
 * @param id unique id in the audit
 * @param key what a stored result must match to be reused on resume
 * @param parameters σ, n0, n, α, batch size, seed
 * @param radii the L2 radii of the table
 * @param certifiedAccuracy certified accuracy at each radius (correct and certified at least that radius)
 * @param smoothedAccuracy the smoothed classifier's accuracy (radius 0, abstentions count as wrong)
 * @param abstentions samples the smoothed classifier abstained on
 * @param samples samples certified
 * @param curve certified accuracy on a 0.01 grid of radii: {radius, accuracy} pairs
 * @param started when it started
 * @param seconds wall time
 */
public record CertificationRecord(String id, String key, Map<String, Object> parameters, List<Double> radii,
        List<Double> certifiedAccuracy, double smoothedAccuracy, int abstentions, int samples, List<double[]> curve,
        Instant started, double seconds) implements StoredResult {
    public CertificationRecord {
        parameters = Map.copyOf(parameters);
        radii = List.copyOf(radii);
        certifiedAccuracy = List.copyOf(certifiedAccuracy);
        curve = curve == null ? List.of() : List.copyOf(curve);
    }

    /** The noise level σ of the smoothing. */
    public double sigma() {
        return ((Number) parameters.get("sigma")).doubleValue();
    }
}
