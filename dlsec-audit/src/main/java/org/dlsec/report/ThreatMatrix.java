package org.dlsec.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.dlsec.metric.Interval;

/**
 * The threat matrix: one row per run of an audit, across every family, on the axes the two surveys compare attacks
 * on (He et al., Khalid et al.): the phase of the model's life it strikes, what the adversary knows, the goal, what
 * it costs, and the result in the family's headline figure with its 95% interval. The first section of the page and
 * {@code threatMatrix} in {@code report.json}.
 */
public final class ThreatMatrix {
    private ThreatMatrix() {}

    /**
     * One run.
     *
     * @param family evasion, fault, poisoning, privacy, extraction, scan, certification or sidechannel
     * @param id the run's id
     * @param attack the attack, fault or poison
     * @param phase {@code training}, {@code inference} or {@code hardware}
     * @param knowledge {@code white box} (weights and gradients), {@code scores} (output probabilities),
     *        {@code labels} (top-1 answers only), {@code none} (no access to the model: transfer, random faults),
     *        {@code training data} (a share of the training set, not the model), {@code power traces} (the
     *        architecture and the device's power or EM traces on chosen inputs) or {@code latencies} (how long the
     *        served model takes to answer)
     * @param goal {@code untargeted}, {@code targeted}, {@code degradation}, {@code backdoor}, {@code stealing},
     *        {@code membership}, {@code reconstruction}, or for the defender's runs {@code backdoor detection} (a scan),
     *        {@code masking check} and {@code certification}
     * @param cost what the run spent, in the family's unit (queries and gradients per sample, flipped bits, poisoned
     *        share, shadow models, queries)
     * @param metric the headline figure's name in {@link Metrics}
     * @param value its value
     * @param interval its 95% interval, or null
     * @param result the result in words
     */
    public record Row(String family, String id, String attack, String phase, String knowledge, String goal, String cost,
            String metric, double value, Interval interval, String result) {}

    /** The rows of {@code report}, in report order. */
    public static List<Row> of(AuditReport report) {
        List<Row> rows = new ArrayList<>();
        int n = report.dataset().samples();
        for (AuditReport.Family f : report.families()) {
            for (AttackRecord r : f.attacks()) {
                rows.add(evasion(r));
            }
            for (FaultRecord r : f.faults()) {
                rows.add(fault(r, n));
            }
            for (PoisonRecord r : f.poisons()) {
                rows.add(poison(r, n));
            }
            for (PrivacyRecord r : f.privacy()) {
                rows.add(privacy(r));
            }
            for (ExtractionRecord r : f.extraction()) {
                rows.add(extraction(r));
            }
            for (ScanRecord r : f.scans()) {
                rows.add(scan(r));
            }
            for (MaskingRecord r : f.maskingChecks()) {
                List<String> flagged = r.checks().stream().filter(MaskingRecord.Check::flagged).map(MaskingRecord.Check::name)
                        .toList();
                rows.add(new Row("evasion", r.id(), "masking", "inference", "white box", "masking check",
                        String.format(Locale.ROOT, "PGD-10, PGD-100, Square (%s queries), unbounded PGD on %d samples",
                                r.parameters().get("squareQueries"), r.samples()), "masked", r.masked() ? 1 : 0, null,
                        flagged.isEmpty() ? "no sign of gradient masking" : "gradient masking suspected: "
                                + String.join(", ", flagged)));
            }
            for (SideChannelRecord r : f.sideChannels()) {
                rows.add(sideChannel(r));
            }
            for (CertificationRecord r : f.certifications()) {
                int last = r.radii().size() - 1;
                double acc = r.certifiedAccuracy().get(last);
                rows.add(new Row("certification", r.id(), "smoothing", "inference", "white box", "certification",
                        String.format(Locale.ROOT, "%s noisy predictions per sample", r.parameters().get("n")),
                        "certifiedAccuracy", acc, Interval.wilson(acc, r.samples()), String.format(Locale.ROOT,
                                "certified accuracy %s at L2 radius %s (σ = %s)", HtmlReport.pct(acc),
                                Metrics.number(r.radii().get(last)), Metrics.number(r.sigma()))));
            }
        }
        return List.copyOf(rows);
    }

    private static Row evasion(AttackRecord r) {
        var s = r.last();
        String knowledge = switch (r.knowledge()) {
            case "white-box" -> "white box";
            case "score-based" -> "scores";
            case "label-only" -> "labels";
            default -> "none";
        };
        String cost = String.format(Locale.ROOT, "%s queries, %s gradients per sample", HtmlReport.num(s.meanQueries()),
                HtmlReport.num(s.meanGradients()));
        String budget = HtmlReport.budget(r);
        String result = String.format(Locale.ROOT, "robust accuracy %s at ε %s %s (success %s)", HtmlReport.pct(s.robustAccuracy()),
                budget, r.norm(), HtmlReport.pct(s.successRate()));
        if (r.gradients() != null && !r.gradients().equals("none")) {
            result += r.gradients().equals("naive") ? "; naive gradients through the defence" : "; adaptive gradients ("
                    + r.gradients() + ")";
        }
        if (r.masking() != null && r.masking().flagged()) {
            result += "; GRADIENT MASKING: adaptive " + HtmlReport.pct(r.masking().adaptiveRobustAccuracy());
        }
        if (r.undetectedSuccessRate() != null) {
            result += "; past the detector: " + HtmlReport.pct(r.undetectedSuccessRate());
        }
        return new Row("evasion", r.id(), r.attack(), "inference", knowledge, s.targeted() ? "targeted" : "untargeted", cost,
                "robustAccuracy", s.robustAccuracy(), Interval.wilson(s.robustAccuracy(), s.samples()), result);
    }

    private static Row fault(FaultRecord r, int n) {
        if (r.trojan() != null) {
            FaultRecord.Trojan t = r.trojan();
            return new Row("fault", r.id(), r.fault(), "hardware", "white box", "backdoor",
                    "one trigger-activated circuit on a first-layer neuron (" + t.design().getOrDefault("patchSize", "?")
                            + "-pixel patch)",
                    "triggerSuccessRate", t.triggerSuccessRate(), Interval.wilson(t.triggerSuccessRate(), t.triggeredSamples()),
                    String.format(Locale.ROOT, "trigger forces class %d on %s, clean accuracy %s → %s", t.target(),
                            HtmlReport.pct(t.triggerSuccessRate()), HtmlReport.pct(t.cleanAccuracy()),
                            HtmlReport.pct(t.trojanedCleanAccuracy())));
        }
        boolean bfa = r.fault().equals("bfa");
        int flips = r.flips().get(r.flips().size() - 1);
        double acc = r.accuracy().get(r.accuracy().size() - 1);
        String cost = String.format(Locale.ROOT, "%d of %,d weight bits", flips, r.weightBits());
        String result = String.format(Locale.ROOT, "int8 accuracy %s → %s%s", HtmlReport.pct(r.int8Accuracy()),
                HtmlReport.pct(acc), bfa ? "" : " (mean of trials; worst " + HtmlReport.pct(r.worstAccuracy()) + ")");
        if ("activations".equals(r.target())) {
            cost = String.format(Locale.ROOT, "%d activation bit faults", flips);
        }
        if (r.defence() != null && r.defence().get("accuracyAfterRecovery") instanceof Number rec) {
            result += "; checksum recovery restores " + HtmlReport.pct(rec.doubleValue());
        } else if (r.defence() != null) {
            result += "; with the " + r.defence().get("defence") + " guard";
        }
        return new Row("fault", r.id(), r.fault(), "hardware", bfa ? "white box" : "none", "degradation", cost, "accuracy",
                acc, bfa ? Interval.wilson(acc, n) : null, result);
    }

    private static Row poison(PoisonRecord r, int n) {
        boolean backdoor = !Double.isNaN(r.attackSuccessRate());
        String cost = String.format(Locale.ROOT, "%s of the training set (%,d of %,d)",
                HtmlReport.pct((double) r.poisonedSamples() / r.trainSamples()), r.poisonedSamples(), r.trainSamples());
        if (r.poison().equals("featurecollision")) {
            int t = r.triggeredSamples() == null ? 0 : r.triggeredSamples();
            return new Row("poisoning", r.id(), r.poison(), "training", "training data, white box",
                    "targeted", String.format(Locale.ROOT, "%d clean-label poisons per target (%s of the retraining set)",
                            r.poisonedSamples(), HtmlReport.pct((double) r.poisonedSamples()
                                    / (r.trainSamples() + r.poisonedSamples()))),
                    "attackSuccessRate", r.attackSuccessRate(), Interval.wilson(r.attackSuccessRate(), t),
                    String.format(Locale.ROOT, "%d of %d targets sent to the base class, accuracy %s → %s",
                            Math.round(r.attackSuccessRate() * t), t, HtmlReport.pct(r.cleanModelAccuracy()),
                            HtmlReport.pct(r.poisonedModelAccuracy())));
        }
        if (backdoor) {
            int t = r.triggeredSamples() == null ? 0 : r.triggeredSamples();
            return new Row("poisoning", r.id(), r.poison(), "training", "training data", "backdoor", cost,
                    "attackSuccessRate", r.attackSuccessRate(), Interval.wilson(r.attackSuccessRate(), t),
                    String.format(Locale.ROOT, "backdoor success %s, clean accuracy %s → %s%s",
                            HtmlReport.pct(r.attackSuccessRate()), HtmlReport.pct(r.cleanModelAccuracy()),
                            HtmlReport.pct(r.poisonedModelAccuracy()), r.detection() == null ? ""
                                    : "; defence: " + r.detection().get("detector")));
        }
        return new Row("poisoning", r.id(), r.poison(), "training", "training data", "degradation", cost,
                "poisonedModelAccuracy", r.poisonedModelAccuracy(), Interval.wilson(r.poisonedModelAccuracy(), n),
                String.format(Locale.ROOT, "accuracy %s → %s", HtmlReport.pct(r.cleanModelAccuracy()),
                        HtmlReport.pct(r.poisonedModelAccuracy())));
    }

    private static Row privacy(PrivacyRecord r) {
        if (r.inversion()) {
            double[] c = r.confidence() == null ? new double[0] : r.confidence();
            double mean = java.util.Arrays.stream(c).average().orElse(Double.NaN);
            return new Row("privacy", r.id(), r.attack(), "inference", "white box", "reconstruction",
                    c.length + " classes reconstructed", "meanConfidence", mean, null,
                    "the model's mean confidence in the reconstructions " + HtmlReport.pct(mean));
        }
        String knowledge = r.attack().equals("labelonly") ? "labels" : "scores";
        Object shadows = r.parameters().get("shadows");
        String cost = (shadows != null ? shadows + " shadow models, " : "") + (r.members() + r.nonMembers())
                + " samples scored";
        String onDp = r.onDpModel() ? String.format(Locale.ROOT, " on the DP-SGD model (ε = %.2f)",
                ((Number) r.parameters().get("dpEpsilon")).doubleValue()) : "";
        return new Row("privacy", r.id(), r.attack(), "inference", knowledge, "membership", cost, "auc", r.auc(),
                r.aucInterval(), String.format(Locale.ROOT, "AUC %.3f, TPR %s at 1%% FPR%s", r.auc(), HtmlReport.pct(r.tprAt1Fpr()),
                        onDp));
    }

    /**
     * A scan: the defender's side of the training-time backdoor, run on the shipped model with clean data and white-box
     * access; its headline is Neural Cleanse's anomaly index (flagged above the threshold), or STRIP's FRR alone.
     */
    private static Row scan(ScanRecord r) {
        String cost = r.classes().isEmpty() ? "" : String.format(Locale.ROOT, "%s optimisation steps per class, %d classes",
                r.parameters().getOrDefault("steps", "?"), r.classes().size());
        if (r.strip() != null) {
            cost += (cost.isEmpty() ? "" : "; ") + r.strip().overlays() + " overlays per input";
        }
        if (r.backdoored() != null) {
            String result = r.backdoored()
                    ? String.format(Locale.ROOT, "backdoor suspected: class %d (anomaly index %.2f)", r.suspectedTarget(),
                            r.anomalyIndex())
                    : String.format(Locale.ROOT, "no backdoor found (largest anomaly index %.2f)", r.anomalyIndex());
            return new Row("scan", r.id(), r.detect(), "training", "white box", "backdoor detection", cost, "anomalyIndex",
                    r.anomalyIndex(), null, result);
        }
        ScanRecord.StripFigures s = r.strip();
        return new Row("scan", r.id(), r.detect(), "training", "scores", "backdoor detection", cost, "stripFrr", s.frr(),
                Interval.wilson(s.frr(), s.heldOutClean()), "STRIP rejects " + HtmlReport.pct(s.frr())
                        + " of held-out clean inputs");
    }

    /**
     * A side-channel experiment: on the implementation, so in the hardware phase; its goal is the model's secret (the
     * weights, the architecture), its headline the first layer's share of exact weights or the depth accuracy.
     */
    private static Row sideChannel(SideChannelRecord r) {
        String against = r.defence().equals("none") ? "" : " against " + r.defence();
        if (r.power() != null) {
            SideChannelRecord.Power p = r.power();
            return new Row("sidechannel", r.id(), "power", "hardware", "power traces", "stealing",
                    String.format(Locale.ROOT, "%,d traces per layer", p.traces()), "recovered", p.recovered(),
                    Interval.wilson(p.recovered(), p.weights()), String.format(Locale.ROOT,
                            "%d of %d first-layer weights recovered exactly (%s)%s", p.exact(), p.weights(),
                            HtmlReport.pct(p.recovered()), against));
        }
        SideChannelRecord.Timing t = r.timing();
        return new Row("sidechannel", r.id(), "timing", "hardware", "latencies", "stealing",
                String.format(Locale.ROOT, "%,d queries", t.queries()), "depthAccuracy", t.depthAccuracy(),
                Interval.wilson(t.depthAccuracy(), t.targets()), String.format(Locale.ROOT,
                        "depth right for %s of %d held-out models (chance %s)%s", HtmlReport.pct(t.depthAccuracy()),
                        t.targets(), HtmlReport.pct(t.chance()), r.defence().equals("none") ? "" : against + " (undefended "
                                + HtmlReport.pct(t.cleanDepthAccuracy()) + ")"));
    }

    private static Row extraction(ExtractionRecord r) {
        Map<String, Object> p = r.parameters();
        boolean labels = r.attack().equals("jacobian") || r.attack().equals("copycat")
                || Boolean.TRUE.equals(p.get("labelsOnly"));
        return new Row("extraction", r.id(), r.attack(), "inference", labels ? "labels" : "scores", "stealing",
                String.format(Locale.ROOT, "%,d queries", r.queries()), "fidelity", r.fidelity(),
                Interval.wilson(r.fidelity(), r.testSamples()),
                String.format(Locale.ROOT, "the substitute agrees with the model on %s (its accuracy %s)",
                        HtmlReport.pct(r.fidelity()), HtmlReport.pct(r.substituteAccuracy())));
    }
}
