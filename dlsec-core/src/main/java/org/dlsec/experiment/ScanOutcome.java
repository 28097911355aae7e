package org.dlsec.experiment;

import java.util.LinkedHashMap;
import java.util.Map;
import org.dlsec.defence.detection.NeuralCleanse;
import org.dlsec.defence.detection.Strip;

/**
 * What a backdoor scan found: Neural Cleanse's verdict and per-class triggers, and STRIP's calibration on the
 * clean data (its FAR only against the trigger Neural Cleanse reverse-engineered, when it flagged a class).
 *
 * @param cleanse Neural Cleanse's result, or null
 * @param strip STRIP's calibration and check, or null
 */
public record ScanOutcome(NeuralCleanse.Result cleanse, StripCheck strip) {
    /**
     * STRIP calibrated on a third of the clean data, checked on another third.
     *
     * @param result the detector's figures
     * @param calibrationInputs clean inputs the threshold was set on
     * @param heldOutCleanInputs clean inputs the FRR was measured on
     * @param farNote what the FAR was measured against, or why there is none
     */
    public record StripCheck(Strip.Result result, int calibrationInputs, int heldOutCleanInputs, String farNote) {
        /**
         * Triggered inputs the FAR was measured on (0 when there were none).
         *
         * @return the count
         */
        public int triggeredInputs() {
            return result.triggered().length;
        }

        /**
         * The figures as {@code dlsec scan --json} writes them under {@code strip}.
         *
         * @return a new mutable map
         */
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>(result.toMap());
            m.put("farNote", farNote);
            m.put("calibrationInputs", calibrationInputs);
            m.put("heldOutCleanInputs", heldOutCleanInputs);
            m.put("triggeredInputs", triggeredInputs());
            return m;
        }
    }

    /**
     * The outcome's fields of {@code dlsec scan --json} (the command adds the model, data and provenance).
     *
     * @return a new mutable map
     */
    public Map<String, Object> json() {
        Map<String, Object> out = new LinkedHashMap<>();
        if (cleanse != null) {
            out.put("backdoored", cleanse.backdoored());
            out.put("suspectedTarget", cleanse.suspectedTarget());
            out.put("anomalyIndex", cleanse.maxAnomalyIndex());
            out.put("cleanse", cleanse.toMap());
        }
        if (strip != null) {
            out.put("strip", strip.toMap());
        }
        return out;
    }
}
