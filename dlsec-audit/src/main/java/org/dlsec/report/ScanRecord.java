package org.dlsec.report;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One backdoor scan of the audited model ("was this third-party model shipped with a backdoor?"): Neural Cleanse's
 * reverse-engineered trigger per class and its MAD outlier verdict, and STRIP calibrated on the audited clean data.
 *
 * @param id unique id in the audit
 * @param key what a stored result must match to be reused on resume
 * @param detect the detectors run: {@code cleanse}, {@code strip} or {@code cleanse+strip}
 * @param parameters the detectors' parameters
 * @param backdoored Neural Cleanse: whether a class is flagged (null when Neural Cleanse did not run)
 * @param suspectedTarget Neural Cleanse: the flagged class, or −1 (null when it did not run)
 * @param anomalyIndex Neural Cleanse: the largest anomaly index of a class with a smaller-than-median mask
 * @param anomalyThreshold Neural Cleanse: the index above which a class is flagged (the paper's 2)
 * @param classes Neural Cleanse: one row per class (empty when it did not run)
 * @param strip STRIP's figures, or null when it did not run
 * @param note why a requested detector did not run (e.g. no gradients), or null
 * @param started when it started
 * @param seconds wall time
 * @param imageGridPng Neural Cleanse: base64 PNG of the reversed mask and pattern of every class (null when it did not run)
 * @param numericalIssues Neural Cleanse: non-finite steps recovered from or given up on (empty if none)
 */
public record ScanRecord(String id, String key, String detect, Map<String, Object> parameters, Boolean backdoored,
        Integer suspectedTarget, Double anomalyIndex, Double anomalyThreshold, List<ClassTrigger> classes, StripFigures strip,
        String note, Instant started, double seconds, String imageGridPng, List<org.dlsec.core.NumericalIssue> numericalIssues)
        implements StoredResult {
    public ScanRecord {
        parameters = Map.copyOf(parameters);
        classes = classes == null ? List.of() : List.copyOf(classes);
        numericalIssues = numericalIssues == null ? List.of() : List.copyOf(numericalIssues);
    }

    /**
     * Neural Cleanse's smallest trigger for one class.
     *
     * @param label the class
     * @param maskL1 L1 norm of the mask (pixels the trigger needs)
     * @param reversedSuccess share of the last batches the trigger sent to the class
     * @param reached whether it reached the success threshold (a mask that did not cannot be flagged)
     * @param anomalyIndex its anomaly index (negative above the median)
     */
    public record ClassTrigger(int label, double maskL1, double reversedSuccess, boolean reached, double anomalyIndex) {}

    /**
     * STRIP (Gao et al. 2019) calibrated on the clean data: entropy threshold at the target FRR and its FRR on held-out
     * clean inputs; the FAR only against Neural Cleanse's reversed trigger of a flagged class.
     *
     * @param overlays images superimposed on each input
     * @param targetFrr the FRR the threshold was set for
     * @param threshold the entropy threshold (bits)
     * @param frr rejected share of the held-out clean inputs
     * @param heldOutClean held-out clean inputs
     * @param far accepted share of the triggered inputs, or null without triggered inputs
     * @param triggered triggered inputs (0 when none)
     * @param cleanEntropyMean mean entropy of the calibration inputs (bits)
     * @param farNote what the FAR was measured against, or why there is none
     */
    public record StripFigures(int overlays, double targetFrr, double threshold, double frr, int heldOutClean, Double far,
            int triggered, double cleanEntropyMean, String farNote) {}
}
