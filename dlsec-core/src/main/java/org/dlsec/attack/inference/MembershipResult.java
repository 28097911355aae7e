package org.dlsec.attack.inference;

import java.util.Map;
import org.dlsec.metric.Roc;

/**
 * The per-sample scores of a membership attack on an audit set, and their ROC.
 *
 * @param attack the attack's name
 * @param parameters its parameters
 * @param scores one score per audit sample (higher: more likely a member)
 * @param member the ground truth
 * @param roc the ROC of the scores against the truth
 * @param queries target queries spent
 * @param seconds wall time
 * @param extra attack-specific figures (shadow models' accuracies ...)
 */
public record MembershipResult(String attack, Map<String, Object> parameters, double[] scores, boolean[] member, Roc roc,
        long queries, double seconds, Map<String, Object> extra) {

    static MembershipResult of(MembershipAttack a, double[] scores, MembershipSplit split, long queries, long startNanos,
            Map<String, Object> extra) {
        return new MembershipResult(a.name(), a.parameters(), scores, split.member(), Roc.of(scores, split.member()), queries,
                (System.nanoTime() - startNanos) / 1e9, extra == null ? Map.of() : Map.copyOf(extra));
    }

    /** The headline figures (Carlini et al. 2022). */
    public record Summary(String attack, double auc, double balancedAccuracy,
            double tprAt01Fpr, double tprAt1Fpr,
            int members, int nonMembers, long queries, double seconds) {}

    /**
     * The headline figures: AUC, balanced accuracy and TPR at 0.1% and 1% FPR.
     *
     * @return the summary
     */
    public Summary summary() {
        return new Summary(attack, roc.auc(), roc.balancedAccuracy(), roc.tprAtFpr(0.001), roc.tprAtFpr(0.01),
                roc.positives(), roc.negatives(), queries, seconds);
    }
}
