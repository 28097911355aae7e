package org.dlsec.experiment;

import java.util.LinkedHashMap;
import java.util.Map;
import org.dlsec.core.DlsecException;
import org.dlsec.defence.detection.NeuralCleanse;
import org.dlsec.defence.detection.Strip;

/**
 * One backdoor scan of a third-party model on clean data: Neural Cleanse, STRIP, or both (at least one).
 *
 * @param detect the detector list as given (recorded)
 * @param cleanse Neural Cleanse, or null
 * @param strip STRIP, or null
 * @param seed seed of the batch order and of STRIP's split
 */
public record ScanSpec(String detect, NeuralCleanse cleanse, Strip strip, long seed) {
    /**
     * Checks that a detector is given.
     *
     * @param detect the detector list as given (recorded)
     * @param cleanse Neural Cleanse, or null
     * @param strip STRIP, or null
     * @param seed seed of the batch order and of STRIP's split
     * @throws org.dlsec.core.DlsecException when both detectors are null
     */
    public ScanSpec {
        DlsecException.require(cleanse != null || strip != null, "--detect", "name at least one detector");
    }

    /**
     * The parameters recorded in the provenance.
     *
     * @param steps Neural Cleanse's optimisation steps per class
     * @param batchSize the batch size
     * @param threshold STRIP's entropy threshold, or NaN when not set
     * @return a new mutable map
     */
    public Map<String, Object> parameters(int steps, int batchSize, double threshold) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("detect", detect);
        if (cleanse != null) {
            params.put("steps", steps);
            params.put("batchSize", batchSize);
            params.put("threshold", threshold);
        }
        if (strip != null) {
            params.putAll(strip.describe());
        }
        return params;
    }
}
