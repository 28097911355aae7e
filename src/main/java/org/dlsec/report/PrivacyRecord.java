package org.dlsec.report;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One privacy attack of an audit: a membership-inference attack scored on a member/non-member split
 * (AUC, balanced accuracy, TPR at low FPR, ROC points) or MI-Face model inversion (the model's
 * confidence in each class's reconstruction and the reconstructions as an image grid).
 *
 * @param id unique id in the audit
 * @param key what a stored result must match to be reused on resume
 * @param attack loss, confidence, entropy, labelonly, shadow, lira, lira-offline or inversion
 * @param parameters the attack's parameters, and for membership inference the split (seed, sizes,
 *        where members and non-members came from)
 * @param auc membership: area under the ROC curve (null for inversion)
 * @param balancedAccuracy membership: best balanced accuracy over thresholds (null for inversion)
 * @param tprAt01Fpr membership: true-positive rate at 0.1% false positives (null for inversion)
 * @param tprAt1Fpr membership: true-positive rate at 1% false positives (null for inversion)
 * @param members membership: members audited (0 for inversion)
 * @param nonMembers membership: non-members audited (0 for inversion)
 * @param roc membership: ROC points {fpr, tpr} (at most a few hundred; empty for inversion)
 * @param confidence inversion: the model's confidence in each class's reconstruction (null for membership)
 * @param started when it started
 * @param seconds wall time
 * @param imageGridPng inversion: base64 PNG of the reconstructions above a real image of each class (null for membership)
 */
public record PrivacyRecord(String id, String key, String attack, Map<String, Object> parameters, Double auc,
        Double balancedAccuracy, Double tprAt01Fpr, Double tprAt1Fpr, int members, int nonMembers,
        List<double[]> roc, double[] confidence, Instant started, double seconds, String imageGridPng) {
    public PrivacyRecord {
        parameters = Map.copyOf(parameters);
        roc = roc == null ? List.of() : List.copyOf(roc);
    }

    public boolean inversion() {
        return "inversion".equals(attack);
    }
}
