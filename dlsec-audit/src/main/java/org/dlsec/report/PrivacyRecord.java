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
 * @param numericalIssues inversion: non-finite steps the optimisation recovered from or gave a class up on (empty if none)
 * @param aucInterval membership: 95% bootstrap interval of the AUC (null for inversion, and in results stored before
 *        intervals were recorded)
 */
public record PrivacyRecord(String id, String key, String attack, Map<String, Object> parameters, Double auc,
        Double balancedAccuracy, Double tprAt01Fpr, Double tprAt1Fpr, int members, int nonMembers,
        List<double[]> roc, double[] confidence, Instant started, double seconds, String imageGridPng,
        List<org.dlsec.core.NumericalIssue> numericalIssues, org.dlsec.metric.Interval aucInterval) implements StoredResult {
    public PrivacyRecord {
        parameters = Map.copyOf(parameters);
        roc = roc == null ? List.of() : List.copyOf(roc);
        numericalIssues = numericalIssues == null ? List.of() : List.copyOf(numericalIssues);
    }

    /** A membership record: no numerical issues (membership inference has no optimisation of its own). */
    public PrivacyRecord(String id, String key, String attack, Map<String, Object> parameters, Double auc,
            Double balancedAccuracy, Double tprAt01Fpr, Double tprAt1Fpr, int members, int nonMembers,
            List<double[]> roc, Instant started, double seconds, org.dlsec.metric.Interval aucInterval) {
        this(id, key, attack, parameters, auc, balancedAccuracy, tprAt01Fpr, tprAt1Fpr, members, nonMembers, roc, null,
                started, seconds, null, List.of(), aucInterval);
    }

    /** An inversion record. */
    public static PrivacyRecord inversion(String id, String key, Map<String, Object> parameters, double[] confidence,
            Instant started, double seconds, String imageGridPng, List<org.dlsec.core.NumericalIssue> numericalIssues) {
        return new PrivacyRecord(id, key, "inversion", parameters, null, null, null, null, 0, 0, List.of(), confidence,
                started, seconds, imageGridPng, numericalIssues, null);
    }

    /** This record with {@code newParameters} in place of its parameters. */
    public PrivacyRecord withParameters(Map<String, Object> newParameters) {
        return new PrivacyRecord(id, key, attack, newParameters, auc, balancedAccuracy, tprAt01Fpr, tprAt1Fpr, members,
                nonMembers, roc, confidence, started, seconds, imageGridPng, numericalIssues, aucInterval);
    }

    /** Whether this run attacked the DP-SGD counterpart of another run ({@code comparedWith}). */
    public boolean onDpModel() {
        return parameters.containsKey("comparedWith");
    }

    public boolean inversion() {
        return "inversion".equals(attack);
    }
}
