package org.dlsec.experiment;

import java.util.LinkedHashMap;
import java.util.Map;
import org.dlsec.defence.detection.NeuralCleanse;

/**
 * What a backdoor scan found: Neural Cleanse's verdict and per-class triggers, and STRIP's calibration on the
 * clean data (its FAR only against the trigger Neural Cleanse reverse-engineered, when it flagged a class).
 *
 * @param cleanse Neural Cleanse's result, or null
 * @param strip STRIP's figures as recorded, or null
 */
public record ScanOutcome(NeuralCleanse.Result cleanse, Map<String, Object> strip) {
    /** The outcome's fields of {@code dlsec scan --json} (the command adds the model, data and provenance). */
    public Map<String, Object> json() {
        Map<String, Object> out = new LinkedHashMap<>();
        if (cleanse != null) {
            out.put("backdoored", cleanse.backdoored());
            out.put("suspectedTarget", cleanse.suspectedTarget());
            out.put("anomalyIndex", cleanse.maxAnomalyIndex());
            out.put("cleanse", cleanse.toMap());
        }
        if (strip != null) {
            out.put("strip", strip);
        }
        return out;
    }
}
