package org.dlsec.audit;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.dlsec.report.AttackRecord;
import org.dlsec.report.AuditReport;

/**
 * The one-line verdict per threat family. Evasion is "vulnerable" when some attack succeeds on at
 * least half of the correctly classified samples within its budget, and otherwise "resists the
 * configured attacks" — never "robust": an audit can show a weakness, not prove its absence.
 * Families this audit did not run are listed as "not evaluated", so the report shows the whole
 * threat model of the surveys.
 */
final class Verdicts {
    private Verdicts() {}

    static List<AuditReport.Family> families(double clean, List<AttackRecord> evasion) {
        List<AuditReport.Family> out = new ArrayList<>();
        out.add(evasion(clean, evasion));
        out.add(notEvaluated("fault", "Hardware faults", "not part of this audit"));
        out.add(notEvaluated("poisoning", "Poisoning and backdoors", "not part of this audit (needs the training data)"));
        out.add(notEvaluated("extraction", "Model extraction", "not part of this audit"));
        out.add(notEvaluated("privacy", "Membership inference and inversion", "not part of this audit"));
        return out;
    }

    private static AuditReport.Family evasion(double clean, List<AttackRecord> records) {
        if (records.isEmpty()) {
            return notEvaluated("evasion", "Evasion (adversarial examples)", "no evasion attack configured");
        }
        AttackRecord worst = records.stream().min(Comparator.comparingDouble(r -> r.last().robustAccuracy())).orElseThrow();
        double eps = worst.epsilons().get(worst.epsilons().size() - 1);
        String what = String.format("%s (%s) at ε=%s %s drives accuracy from %.1f%% to %.1f%% (success %.1f%%)",
                worst.attack(), worst.knowledge(), trim(eps), worst.norm(), 100 * clean, 100 * worst.last().robustAccuracy(),
                100 * worst.last().successRate());
        boolean vulnerable = records.stream().anyMatch(r -> r.last().successRate() >= 0.5);
        return new AuditReport.Family("evasion", "Evasion (adversarial examples)",
                vulnerable ? "vulnerable" : "resists the configured attacks", what, records);
    }

    private static AuditReport.Family notEvaluated(String family, String title, String why) {
        return new AuditReport.Family(family, title, "not evaluated", why, List.of());
    }

    static String trim(double d) {
        String s = String.format("%.4f", d);
        return s.replaceAll("0+$", "").replaceAll("\\.$", "");
    }
}
