package org.dlsec.audit;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.dlsec.report.AttackRecord;
import org.dlsec.report.AuditReport;
import org.dlsec.report.ExtractionRecord;
import org.dlsec.report.FaultRecord;
import org.dlsec.report.PoisonRecord;
import org.dlsec.report.PrivacyRecord;
import org.dlsec.report.ScanRecord;
import org.dlsec.report.SideChannelRecord;
import org.dlsec.report.CertificationRecord;
import org.dlsec.report.MaskingRecord;

/**
 * The one-line verdict per threat family. Evasion is "vulnerable" when some attack succeeds on at
 * least half of the correctly classified samples within its budget, and otherwise "resists the
 * configured attacks" — never "robust": an audit can show a weakness, not prove its absence.
 * Families this audit did not run are listed as "not evaluated", so the report shows the whole
 * threat model of the surveys.
 */
final class Verdicts {
    private Verdicts() {}

    static List<AuditReport.Family> families(double clean, List<AttackRecord> evasion, List<MaskingRecord> masking,
            String evasionSkipped,
            List<FaultRecord> faults, String faultsSkipped, List<PoisonRecord> poisons, String poisoningSkipped, List<ExtractionRecord> extraction,
            String extractionSkipped,
            List<PrivacyRecord> privacy, String privacySkipped, List<ScanRecord> scans, String scanSkipped,
            List<CertificationRecord> certifications, List<SideChannelRecord> sideChannels, String sideChannelSkipped) {
        List<AuditReport.Family> out = new ArrayList<>();
        out.add(evasion(clean, evasion, masking, evasionSkipped));
        out.add(faults(faults, faultsSkipped));
        out.add(poisoning(poisons, poisoningSkipped));
        out.add(extraction(extraction, extractionSkipped));
        out.add(privacy(privacy, privacySkipped));
        out.add(scan(scans, scanSkipped));
        out.add(certification(certifications));
        out.add(sideChannel(sideChannels, sideChannelSkipped));
        return out;
    }

    /**
     * Side channels are "vulnerable" when an experiment learns what it sets out to under its acceptance rule: the power
     * analysis recovers at least 99% of the first layer's weights exactly within its traces, or the timing attack
     * predicts at least 80% of the held-out depths (with or without its countermeasure: it measures both). The countermeasures the audit tried beside it are named as
     * mitigating when the same attack fails against them within the same budget (a first-order attacker's, and the
     * simulated device's, as {@code docs/side-channels.md} says); the verdict is the weakest configuration's.
     */
    private static AuditReport.Family sideChannel(List<SideChannelRecord> records, String skipped) {
        String title = "Side channels (power, timing)";
        if (records.isEmpty()) {
            return notEvaluated("sidechannel", title, skipped != null ? skipped : "no side-channel experiment configured");
        }
        List<String> parts = new ArrayList<>();
        // a timing run measures the undefended server beside its countermeasure; a power run is one or the other
        boolean vulnerable = records.stream().anyMatch(r -> r.succeeded() || r.undefendedSucceeded());
        List<String> mitigating = records.stream().filter(r -> !r.succeeded() && !r.defence().equals("none")
                && records.stream().anyMatch(o -> o.undefendedSucceeded() && o.attack().equals(r.attack())))
                .map(r -> r.attack() + " " + r.defence()).toList();
        if (!mitigating.isEmpty()) {
            parts.add("mitigated by " + String.join(", ", mitigating));
        }
        for (SideChannelRecord r : records) {
            String against = r.defence().equals("none") ? "" : " against " + r.defence();
            if (r.power() != null) {
                SideChannelRecord.Power p = r.power();
                parts.add(r.defence().equals("none") ? String.format("power CPA on the simulated int8 device recovers %d of"
                        + " %d first-layer weights exactly (%.1f%%, chance %.2f%%) from %,d traces at σ = %s%s", p.exact(),
                        p.weights(), 100 * p.recovered(), 100 * p.chance(), p.traces(), r.parameters().get("sigma"),
                        p.undisclosed() == 0 ? String.format(" (median traces to disclosure %d)", p.disclosureMedian()) : "")
                        : String.format("power CPA%s: %d of %d (%.1f%%) from %,d traces", against, p.exact(), p.weights(),
                                100 * p.recovered(), p.traces()));
            } else {
                SideChannelRecord.Timing t = r.timing();
                parts.add(String.format("timing%s: the depth of %d held-out served models predicted for %.1f%% (chance"
                        + " %.1f%%%s) from %,d queries", against, t.targets(), 100 * t.depthAccuracy(), 100 * t.chance(),
                        r.defence().equals("none") ? "" : String.format("; undefended %.1f%%, the defence costs %.1f ms per"
                                + " query", 100 * t.cleanDepthAccuracy(), t.latencyCostMillis()), t.queries()));
            }
        }
        if (skipped != null) {
            parts.add(skipped);
        }
        return new AuditReport.Family("sidechannel", title, vulnerable ? "vulnerable" : "resists the configured attacks",
                String.join("; ", parts), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(),
                List.of(), records);
    }

    /**
     * Certification is "certified" when randomized smoothing certifies some samples at a radius above 0: a lower bound
     * on robust accuracy that no attack within the radius can break (with probability 1 − α per sample), where every
     * attack gives an upper bound; otherwise "not certified".
     */
    private static AuditReport.Family certification(List<CertificationRecord> records) {
        String title = "Certified robustness (randomized smoothing)";
        if (records.isEmpty()) {
            return notEvaluated("certification", title, "no certification configured");
        }
        List<String> parts = new ArrayList<>();
        boolean certified = false;
        for (CertificationRecord r : records) {
            List<String> at = new ArrayList<>();
            for (int i = 0; i < r.radii().size(); i++) {
                certified |= r.radii().get(i) > 0 && r.certifiedAccuracy().get(i) > 0;
                at.add(String.format("%.1f%% at L2 radius %s", 100 * r.certifiedAccuracy().get(i), trim(r.radii().get(i))));
            }
            parts.add(String.format("σ = %s on %d samples: certified accuracy %s (smoothed accuracy %.1f%%, %d abstentions)",
                    trim(r.sigma()), r.samples(), String.join(", ", at), 100 * r.smoothedAccuracy(), r.abstentions()));
        }
        return new AuditReport.Family("certification", title, certified ? "certified" : "not certified",
                String.join("; ", parts), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), records,
                List.of());
    }

    /**
     * The backdoor scan is "vulnerable" when Neural Cleanse flags a class: some class needs a much smaller trigger than
     * the others (anomaly index above the paper's 2), the sign of a backdoor shipped in the model. A scan that flags
     * nothing "resists the configured attacks": it found no backdoor of the kind it looks for (a small patch trigger),
     * which is not proof that there is none. STRIP alone calibrates a run-time filter and gives no verdict.
     */
    private static AuditReport.Family scan(List<ScanRecord> records, String skipped) {
        String title = "Backdoor scan (was the model shipped with a backdoor?)";
        if (records.isEmpty()) {
            return notEvaluated("scan", title, skipped != null ? skipped : "no backdoor scan configured");
        }
        List<String> parts = new ArrayList<>();
        boolean vulnerable = false;
        boolean judged = false;
        for (ScanRecord r : records) {
            if (r.backdoored() != null) {
                judged = true;
                vulnerable |= r.backdoored();
                parts.add(r.backdoored()
                        ? String.format("Neural Cleanse flags class %d: its smallest trigger is an outlier (anomaly index %.2f >"
                                + " %s)", r.suspectedTarget(), r.anomalyIndex(), trim(r.anomalyThreshold()))
                        : String.format("Neural Cleanse finds no class with an outlying small trigger (largest anomaly index"
                                + " %.2f <= %s)", r.anomalyIndex(), trim(r.anomalyThreshold())));
            }
            if (r.strip() != null) {
                ScanRecord.StripFigures s = r.strip();
                parts.add(String.format("STRIP calibrated at %.1f%% target FRR rejects %.1f%% of %d held-out clean inputs%s",
                        100 * s.targetFrr(), 100 * s.frr(), s.heldOutClean(), s.far() == null ? ""
                                : String.format(", and lets %.1f%% of inputs with the reversed trigger through", 100 * s.far())));
            }
            if (r.note() != null) {
                parts.add(r.note());
            }
        }
        if (skipped != null) {
            parts.add(skipped);
        }
        String verdict = !judged ? "not evaluated" : vulnerable ? "vulnerable" : "resists the configured attacks";
        return new AuditReport.Family("scan", title, verdict, String.join("; ", parts), List.of(), List.of(), List.of(),
                List.of(), List.of(), records, List.of(), List.of());
    }

    /**
     * Privacy is "vulnerable" when a membership-inference attack reaches an AUC of at least 0.6 or
     * finds at least 5% of the members at 1% false positives (5× chance, the low-FPR view of Carlini
     * et al. 2022). Inversion reconstructions are shown for inspection and do not make a verdict.
     */
    private static AuditReport.Family privacy(List<PrivacyRecord> records, String skipped) {
        String title = "Membership inference and inversion";
        List<PrivacyRecord> membership = records.stream().filter(r -> !r.inversion()).toList();
        List<String> parts = new ArrayList<>();
        boolean vulnerable = false;
        for (PrivacyRecord r : membership) {
            if (r.onDpModel()) {
                // the DP-SGD counterpart: what the defence buys and costs, not part of the audited model's verdict
                PrivacyRecord plain = membership.stream().filter(p -> p.id().equals(r.parameters().get("comparedWith")))
                        .findFirst().orElse(null);
                parts.add(String.format("trained with DP-SGD (ε = %.2f, δ = %s; %s): %s AUC %.3f%s, TPR %.1f%% at 1%% FPR;"
                        + " accuracy %.1f%% against the audited model's %.1f%%", ((Number) r.parameters().get("dpEpsilon"))
                                .doubleValue(), r.parameters().get("dpDelta"), r.parameters().get("dpModel"), r.attack(), r.auc(),
                        plain == null ? "" : String.format(" against %.3f", plain.auc()), 100 * r.tprAt1Fpr(),
                        100 * ((Number) r.parameters().get("dpAccuracy")).doubleValue(),
                        100 * ((Number) r.parameters().get("auditedAccuracy")).doubleValue()));
                continue;
            }
            vulnerable |= r.auc() >= 0.6 || r.tprAt1Fpr() >= 0.05;
            parts.add(String.format("%s: AUC %.3f, TPR %.1f%% at 1%% FPR (%d members, %d non-members%s)", r.attack(), r.auc(),
                    100 * r.tprAt1Fpr(), r.members(), r.nonMembers(), Boolean.TRUE.equals(r.parameters().get("membersAssumed"))
                            ? "; members assumed: the model's card does not say which images trained it, so the whole"
                                    + " training split stands for them" : ""));
        }
        records.stream().filter(PrivacyRecord::inversion).forEach(r -> parts.add(String.format(
                "MI-Face reconstructed %d classes (shown below; judge them by eye)", r.confidence().length)));
        if (skipped != null) {
            parts.add(skipped);
        }
        if (records.isEmpty()) {
            return notEvaluated("privacy", title, skipped != null ? skipped : "no privacy attack configured");
        }
        String verdict = membership.isEmpty() ? "not evaluated" : vulnerable ? "vulnerable" : "resists the configured attacks";
        return new AuditReport.Family("privacy", title, verdict, String.join("; ", parts), List.of(), List.of(), List.of(),
                records, List.of());
    }

    /** Fidelity at or above which a stolen substitute counts as a working copy of the model. */
    static final double EXTRACTION_FIDELITY = 0.8;

    /**
     * Model extraction is "vulnerable" when a substitute trained from the model's answers alone agrees with the
     * model on at least {@value #EXTRACTION_FIDELITY} of the test images within its query budget: a copy good
     * enough to replace the model and to craft transfer attacks on it offline.
     */
    private static AuditReport.Family extraction(List<ExtractionRecord> records, String skipped) {
        String title = "Model extraction";
        if (records.isEmpty()) {
            return notEvaluated("extraction", title, skipped != null ? skipped : "no extraction experiment configured");
        }
        List<String> parts = new ArrayList<>();
        boolean vulnerable = false;
        for (ExtractionRecord r : records) {
            vulnerable |= r.fidelity() >= EXTRACTION_FIDELITY;
            Object served = r.parameters().get("servedWithOutput");
            Object quota = r.parameters().get("apiQueryBudget");
            parts.add((served == null ? "" : "through the prediction API answering " + served + ", ")
                    + (quota == null ? "" : "whose per-client quota of " + quota + " queries caps the attack (it asked for "
                            + r.parameters().get("requestedBudget") + "), ") + String.format("%s: with %,d queries a substitute agrees with the model on %.1f%% of %d test images"
                    + " (its accuracy %.1f%%, the model's %.1f%%)%s", r.attack(), r.queries(), 100 * r.fidelity(),
                    r.testSamples(), 100 * r.substituteAccuracy(), 100 * r.targetAccuracy(), r.transferSuccess() == null ? ""
                            : String.format("; FGSM examples crafted on it fool the model on %.1f%%", 100 * r.transferSuccess())));
        }
        return new AuditReport.Family("extraction", title, vulnerable ? "vulnerable" : "resists the configured attacks",
                String.join("; ", parts), List.of(), List.of(), List.of(), List.of(), records);
    }

    private static AuditReport.Family evasion(double clean, List<AttackRecord> records, List<MaskingRecord> masking,
            String skipped) {
        if (records.isEmpty()) {
            return new AuditReport.Family("evasion", "Evasion (adversarial examples)", "not evaluated",
                    skipped != null ? skipped : "no evasion attack configured", List.of(), List.of(), List.of(), List.of(),
                    List.of(), List.of(), List.of(), masking);
        }
        AttackRecord worst = records.stream().min(Comparator.comparingDouble(r -> r.last().robustAccuracy())).orElseThrow();
        double eps = worst.epsilons().get(worst.epsilons().size() - 1);
        String what = String.format("%s (%s) at ε=%s %s drives accuracy from %.1f%% to %.1f%% (success %.1f%%)",
                worst.attack(), worst.knowledge(), trim(eps), worst.norm(), 100 * clean, 100 * worst.last().robustAccuracy(),
                100 * worst.last().successRate());
        // with a detector deployed, an example it flags is rejected: only undetected errors count
        boolean vulnerable = records.stream().anyMatch(r -> (r.undetectedSuccessRate() != null ? r.undetectedSuccessRate()
                : r.last().successRate()) >= 0.5);
        for (AttackRecord r : records) {
            if (r.undetectedSuccessRate() != null) {
                Object rate = r.detection().get("detectionRate");
                what += String.format("; %s%s: the feature-squeezing detector flags %s of the successful examples, %.1f%% of"
                        + " the correctly classified samples become undetected errors", r.id(),
                        r.gradients() == null ? "" : " (" + r.gradients() + ")", rate instanceof Number x
                                ? String.format("%.1f%%", 100 * x.doubleValue()) : "none", 100 * r.undetectedSuccessRate());
            }
        }
        for (AttackRecord r : records) {
            if (r.masking() != null && r.masking().flagged()) {
                what += String.format("; gradient masking: with naive gradients %s leaves %.1f%% robust accuracy, with"
                        + " adaptive ones (%s) %.1f%%: the naive figure overstates robustness", r.attack(),
                        100 * r.masking().naiveRobustAccuracy(), records.stream().filter(a -> a.id().equals(
                                r.masking().adaptiveId())).map(AttackRecord::gradients).findFirst().orElse("adaptive"),
                        100 * r.masking().adaptiveRobustAccuracy());
            }
        }
        for (MaskingRecord m : masking) {
            List<String> flagged = m.checks().stream().filter(MaskingRecord.Check::flagged).map(MaskingRecord.Check::name)
                    .toList();
            what += flagged.isEmpty() ? "; no sign of gradient masking (" + m.checks().size() + " checks on " + m.samples()
                    + " samples)" : "; GRADIENT MASKING suspected (" + String.join(", ", flagged) + "): the white-box figures"
                    + " may overstate robustness";
        }
        return new AuditReport.Family("evasion", "Evasion (adversarial examples)",
                vulnerable ? "vulnerable" : "resists the configured attacks", skipped == null ? what : what + "; " + skipped,
                records, List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), masking);
    }

    /**
     * Hardware faults are "vulnerable" when some fault experiment halves the int8 accuracy within
     * its budget (the BFA typically needs tens of flips among hundreds of thousands of bits), or when a
     * hardware trojan's trigger forces its class on at least half of the triggered inputs while clean
     * accuracy stays within 2 points (it would pass an acceptance test).
     */
    private static AuditReport.Family faults(List<FaultRecord> records, String skipped) {
        String title = "Hardware faults";
        if (skipped != null) {
            return notEvaluated("fault", title, skipped);
        }
        if (records.isEmpty()) {
            return notEvaluated("fault", title, "no fault experiment configured");
        }
        List<String> parts = new ArrayList<>();
        boolean vulnerable = false;
        for (FaultRecord r : records) {
            if (r.trojan() != null) {
                FaultRecord.Trojan t = r.trojan();
                vulnerable |= t.triggerSuccessRate() >= 0.5 && t.cleanAccuracy() - t.trojanedCleanAccuracy() <= 0.02;
                parts.add(String.format("a hardware trojan forces class %d on %.1f%% of triggered inputs while clean accuracy"
                        + " moves from %.1f%% to %.1f%%", t.target(), 100 * t.triggerSuccessRate(), 100 * t.cleanAccuracy(),
                        100 * t.trojanedCleanAccuracy()));
                continue;
            }
            double worst = r.worstAccuracy();
            Object recovered = r.defence() == null ? null : r.defence().get("accuracyAfterRecovery");
            // with a checksum guard the deployed model is the recovered one
            double effective = recovered instanceof Number a ? a.doubleValue() : worst;
            vulnerable |= effective <= 0.5 * r.int8Accuracy();
            int n = r.flips().get(r.flips().size() - 1);
            String on = "activations".equals(r.target()) ? "activation" : "weight";
            if (r.fault().equals("bfa")) {
                parts.add(String.format("the Bit-Flip Attack drives int8 accuracy from %.1f%% to %.1f%% with %d of %,d weight"
                        + " bits flipped", 100 * r.int8Accuracy(), 100 * worst, n, r.weightBits()));
            } else {
                parts.add(String.format("%d random %s bit flips leave %.1f%% on average (worst trial %.1f%%)", n, on,
                        100 * r.accuracy().get(r.accuracy().size() - 1), 100 * worst));
            }
            if (recovered instanceof Number a) {
                parts.add(String.format("a %s checksum detects %.1f%% of the flips and recovery restores %.1f%%",
                        r.defence().get("signature"), 100 * ((Number) r.defence().get("detectionRate")).doubleValue(),
                        100 * a.doubleValue()));
            } else if (r.defence() != null) {
                parts.add("with the activation range guard in place");
            }
        }
        return new AuditReport.Family("fault", title, vulnerable ? "vulnerable" : "resists the configured attacks",
                String.join("; ", parts), List.of(), records, List.of());
    }

    /**
     * Poisoning is "vulnerable" when a backdoor (or a clean-label feature collision) reaches an attack
     * success of at least 50% while the poisoned model stays within 2 points of the clean one (it would
     * pass a clean-accuracy check), or when label flipping or noise costs 5 points or more.
     */
    private static AuditReport.Family poisoning(List<PoisonRecord> records, String skipped) {
        String title = "Poisoning and backdoors";
        if (records.isEmpty()) {
            return notEvaluated("poisoning", title, skipped != null ? skipped : "no poisoning experiment configured");
        }
        List<String> parts = new ArrayList<>();
        boolean vulnerable = false;
        for (PoisonRecord r : records) {
            double drop = r.cleanModelAccuracy() - r.poisonedModelAccuracy();
            double pct = 100.0 * r.poisonedSamples() / r.trainSamples();
            if (r.poison().equals("featurecollision")) {
                vulnerable |= r.attackSuccessRate() >= 0.5 && drop <= 0.02;
                parts.add(String.format("%d clean-label poisons per target (feature collision) send %.0f%% of %d targets to"
                        + " class %s while the retrained model's accuracy moves from %.1f%% to %.1f%%", r.poisonedSamples(),
                        100 * r.attackSuccessRate(), r.triggeredSamples(), r.parameters().get("baseClass"),
                        100 * r.cleanModelAccuracy(), 100 * r.poisonedModelAccuracy()));
            } else if (!Double.isNaN(r.attackSuccessRate())) {
                // a backdoor: patch, blend, sparse or all-to-all trigger
                vulnerable |= r.attackSuccessRate() >= 0.5 && drop <= 0.02;
                parts.add(String.format("a backdoor (%s) in %.1f%% of the training set fires on %.1f%% of triggered inputs"
                        + " while clean accuracy moves from %.1f%% to %.1f%%", r.poison(), pct, 100 * r.attackSuccessRate(),
                        100 * r.cleanModelAccuracy(), 100 * r.poisonedModelAccuracy()));
            } else if (r.poison().equals("noise")) {
                vulnerable |= drop >= 0.05;
                parts.add(String.format("noise on %.1f%% of the training images moves accuracy from %.1f%% to %.1f%%", pct,
                        100 * r.cleanModelAccuracy(), 100 * r.poisonedModelAccuracy()));
            } else {
                vulnerable |= drop >= 0.05;
                parts.add(String.format("flipping %.1f%% of the labels moves accuracy from %.1f%% to %.1f%%", pct,
                        100 * r.cleanModelAccuracy(), 100 * r.poisonedModelAccuracy()));
            }
            String defended = defenceSummary(r);
            if (defended != null) {
                parts.add(defended);
            }
        }
        if (skipped != null) {
            parts.add(skipped);
        }
        return new AuditReport.Family("poisoning", title, vulnerable ? "vulnerable" : "resists the configured attacks",
                String.join("; ", parts), List.of(), List.of(), records);
    }

    /** What the defence configured on a poisoning entry found or repaired, in words, or null without one. */
    private static String defenceSummary(PoisonRecord r) {
        if (r.detection() == null) {
            return null;
        }
        Object det = r.detection().get("detector");
        if ("strip".equals(det)) {
            Double far = r.detectionFigure("far");
            return String.format("STRIP rejects %.1f%% of clean inputs and lets %s of triggered ones through", 100 * orZero(
                    r.detectionFigure("frr")), far == null ? "n/a" : String.format("%.1f%%", 100 * far));
        }
        if ("fineprune".equals(det)) {
            Double asr = r.detectionFigure("attackSuccessRate");
            return String.format("fine-pruning leaves backdoor success at %s with clean accuracy %.1f%%", asr == null ? "n/a"
                    : String.format("%.1f%%", 100 * asr), 100 * orZero(r.detectionFigure("cleanAccuracy")));
        }
        if ("cleanse".equals(det)) {
            return Boolean.TRUE.equals(r.detection().get("targetFound"))
                    ? "Neural Cleanse flags the backdoor's target class" : "Neural Cleanse does not flag the target class";
        }
        Double asr = r.detectionFigure("retrained", "attackSuccessRate");
        return String.format("%s flags %.1f%% of the poisoned samples at %.1f%% false positives%s", det,
                100 * orZero(r.detectionFigure("truePositiveRate")), 100 * orZero(r.detectionFigure("falsePositiveRate")),
                asr == null ? "" : String.format("; retrained without them, backdoor success %.1f%%", 100 * asr));
    }

    private static double orZero(Double d) {
        return d == null ? 0 : d;
    }

    private static AuditReport.Family notEvaluated(String family, String title, String why) {
        return new AuditReport.Family(family, title, "not evaluated", why, List.of(), List.of(), List.of());
    }

    static String trim(double d) {
        String s = String.format("%.4f", d);
        return s.replaceAll("0+$", "").replaceAll("\\.$", "");
    }
}
