package org.dlsec.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.dlsec.attack.evasion.AttackResult;
import org.dlsec.metric.Interval;

/**
 * Every figure of an audit as one flat list: family, run, metric, value and, for rates measured on a sample, its 95%
 * interval. {@code report.json} carries it as {@code metrics}; gates and {@code dlsec compare} read it, so the three
 * name a figure the same way: {@code family.run.metric}, with {@code @ε} for one budget of a robustness curve
 * ({@code evasion.pgd.robustAccuracy@0.1}) and {@code @N} for one fault count ({@code fault.random.accuracy@100}).
 * A metric without {@code @} is the one at the largest budget or count.
 */
public final class Metrics {
    /** The families a metric belongs to, as in {@code report.json}. */
    public static final List<String> FAMILIES = List.of("evasion", "fault", "poisoning", "privacy", "extraction", "scan",
            "certification", "sidechannel");

    private static final Map<String, List<String>> NAMES = Map.of(
            "evasion", List.of("robustAccuracy", "successRate", "cleanAccuracy", "meanL0", "meanL2", "medianL2", "meanLinf",
                    "meanQueries", "meanGradients", "gradientMasking", "masked", "detectionRate", "undetectedSuccessRate",
                    "seconds"),
            "fault", List.of("floatAccuracy", "int8Accuracy", "accuracy", "worstAccuracy", "flipsToStop",
                    "trojanedCleanAccuracy", "triggerSuccessRate", "detectionRate", "accuracyAfterRecovery", "seconds"),
            "poisoning", List.of("cleanModelAccuracy", "poisonedModelAccuracy", "attackSuccessRate", "triggerOnCleanModel",
                    "detectionTpr", "detectionFpr", "stripFrr", "stripFar", "defendedAttackSuccessRate", "targetFound",
                    "seconds"),
            "privacy", List.of("auc", "balancedAccuracy", "tprAt01Fpr", "tprAt1Fpr", "meanConfidence", "seconds"),
            "extraction", List.of("fidelity", "substituteAccuracy", "targetAccuracy", "queries", "transferSuccess",
                    "seconds"),
            "scan", List.of("backdoored", "anomalyIndex", "suspectedTarget", "stripFrr", "stripFar", "seconds"),
            "certification", List.of("certifiedAccuracy", "smoothedAccuracy", "abstentions", "seconds"),
            "sidechannel", List.of("recovered", "biasesExact", "disclosureMedian", "disclosureMax", "undisclosed",
                    "depthAccuracy", "cleanDepthAccuracy", "widthAccuracy", "latencyCostMillis", "queries", "seconds"));

    private Metrics() {}

    /**
     * One figure.
     *
     * @param family evasion, fault, poisoning, privacy, extraction, scan, certification or sidechannel
     * @param id the run's id in the audit
     * @param attack the attack, fault or poison it measured
     * @param name the metric, with {@code @ε} or {@code @N} for one point of a curve
     * @param value its value (NaN where it is undefined, e.g. no successful sample to take a distance of)
     * @param interval 95% interval of a rate measured on a sample, or null
     * @param samples how many samples the value was measured on (0 where it is not a rate)
     */
    public record Metric(String family, String id, String attack, String name, double value, Interval interval, int samples) {
        /** {@code family.id.name}: how gates and comparisons name it. */
        public String path() {
            return family + "." + id + "." + name;
        }
    }

    /** The metric names of {@code family} (without {@code @}), or an empty list for an unknown family. */
    public static List<String> names(String family) {
        return NAMES.getOrDefault(family, List.of());
    }

    /** Every figure of {@code report}, in report order. */
    public static List<Metric> of(AuditReport report) {
        List<Metric> out = new ArrayList<>();
        int n = report.dataset().samples();
        for (AuditReport.Family f : report.families()) {
            for (AttackRecord r : f.attacks()) {
                evasion(out, r);
            }
            for (FaultRecord r : f.faults()) {
                fault(out, r, n);
            }
            for (PoisonRecord r : f.poisons()) {
                poison(out, r, n);
            }
            for (PrivacyRecord r : f.privacy()) {
                privacy(out, r);
            }
            for (ExtractionRecord r : f.extraction()) {
                extraction(out, r);
            }
            for (ScanRecord r : f.scans()) {
                scan(out, r);
            }
            for (MaskingRecord r : f.maskingChecks()) {
                Rows m = new Rows(out, "evasion", r.id(), "masking", "");
                m.plain("masked", r.masked() ? 1.0 : 0.0);
                m.plain("seconds", r.seconds());
            }
            for (CertificationRecord r : f.certifications()) {
                certification(out, r);
            }
            for (SideChannelRecord r : f.sideChannels()) {
                sideChannel(out, r);
            }
        }
        return List.copyOf(out);
    }

    private static void evasion(List<Metric> out, AttackRecord r) {
        boolean curve = r.points().size() > 1;
        for (int i = 0; i < r.points().size(); i++) {
            boolean last = i == r.points().size() - 1;
            String at = curve ? "@" + number(r.epsilons().get(i)) : "";
            AttackResult.Summary s = r.points().get(i);
            for (String suffix : last && curve ? new String[] {"", at} : new String[] {at}) {
                Rows m = new Rows(out, "evasion", r.id(), r.attack(), suffix);
                m.rate("robustAccuracy", s.robustAccuracy(), s.samples());
                m.rate("successRate", s.successRate(), s.correctBefore());
                m.rate("cleanAccuracy", s.cleanAccuracy(), s.samples());
                m.plain("meanL0", s.meanL0());
                m.plain("meanL2", s.meanL2());
                m.plain("medianL2", s.medianL2());
                m.plain("meanLinf", s.meanLinf());
                m.plain("meanQueries", s.meanQueries());
                m.plain("meanGradients", s.meanGradients());
            }
        }
        Rows last = new Rows(out, "evasion", r.id(), r.attack(), "");
        if (r.detection() != null) {
            last.rate("detectionRate", r.detection().get("detectionRate") instanceof Number x ? x.doubleValue() : null,
                    count(r.detection().get("successful")));
            last.rate("undetectedSuccessRate", r.undetectedSuccessRate(), count(r.detection().get("correctBefore")));
        }
        if (r.masking() != null) {
            last.plain("gradientMasking", r.masking().flagged() ? 1.0 : 0.0);
        }
        last.plain("seconds", r.seconds());
    }

    private static void sideChannel(List<Metric> out, SideChannelRecord r) {
        Rows m = new Rows(out, "sidechannel", r.id(), r.attack(), "");
        if (r.power() != null) {
            SideChannelRecord.Power p = r.power();
            m.rate("recovered", p.recovered(), p.weights());
            m.plain("biasesExact", p.biasesExact());
            m.plain("disclosureMedian", p.disclosureMedian());
            m.plain("disclosureMax", p.disclosureMax());
            m.plain("undisclosed", p.undisclosed());
        } else {
            SideChannelRecord.Timing t = r.timing();
            m.rate("depthAccuracy", t.depthAccuracy(), t.targets());
            m.rate("cleanDepthAccuracy", t.cleanDepthAccuracy(), t.targets());
            m.rate("widthAccuracy", t.widthAccuracy(), t.targets());
            m.plain("latencyCostMillis", t.latencyCostMillis());
            m.plain("queries", t.queries());
        }
        m.plain("seconds", r.seconds());
    }

    private static void fault(List<Metric> out, FaultRecord r, int n) {
        Rows m = new Rows(out, "fault", r.id(), r.fault(), "");
        m.rate("floatAccuracy", r.floatAccuracy(), n);
        if (r.trojan() != null) {
            FaultRecord.Trojan t = r.trojan();
            m.rate("trojanedCleanAccuracy", t.trojanedCleanAccuracy(), n);
            m.rate("triggerSuccessRate", t.triggerSuccessRate(), t.triggeredSamples());
            m.plain("worstAccuracy", r.worstAccuracy());
        } else {
            m.rate("int8Accuracy", r.int8Accuracy(), n);
            // BFA: one run, its accuracy a count over the samples; random: a mean over trials, not one count
            boolean single = r.fault().equals("bfa");
            for (int i = 0; i < r.flips().size(); i++) {
                double a = r.accuracy().get(i);
                String name = "accuracy@" + r.flips().get(i);
                if (single) {
                    m.rate(name, a, n);
                } else {
                    m.plain(name, a);
                }
                if (i == r.flips().size() - 1) {
                    if (single) {
                        m.rate("accuracy", a, n);
                    } else {
                        m.plain("accuracy", a);
                    }
                }
            }
            m.plain("worstAccuracy", r.worstAccuracy());
            if (single) {
                m.plain("flipsToStop", r.flipsToStop());
            }
            if (r.defence() != null && r.defence().get("detectionRate") instanceof Number rate) {
                int flips = r.flips().get(r.flips().size() - 1);
                m.rate("detectionRate", rate.doubleValue(), single ? flips : 0);
                m.rate("accuracyAfterRecovery", ((Number) r.defence().get("accuracyAfterRecovery")).doubleValue(), n);
            }
        }
        m.plain("seconds", r.seconds());
    }

    private static void poison(List<Metric> out, PoisonRecord r, int n) {
        Rows m = new Rows(out, "poisoning", r.id(), r.poison(), "");
        m.rate("cleanModelAccuracy", r.cleanModelAccuracy(), n);
        m.rate("poisonedModelAccuracy", r.poisonedModelAccuracy(), n);
        int triggered = r.triggeredSamples() == null ? 0 : r.triggeredSamples();
        m.rate("attackSuccessRate", r.attackSuccessRate(), triggered);
        m.rate("triggerOnCleanModel", r.triggerOnCleanModel(), triggered);
        if (r.detection() != null) {
            Object det = r.detection().get("detector");
            if ("strip".equals(det)) {
                m.rate("stripFrr", r.detectionFigure("frr"), count(r.detection().get("heldOutCleanInputs")));
                m.rate("stripFar", r.detectionFigure("far"), count(r.detection().get("triggeredInputs")));
            } else if ("fineprune".equals(det)) {
                m.rate("defendedAttackSuccessRate", r.detectionFigure("attackSuccessRate"), triggered);
            } else if ("cleanse".equals(det)) {
                m.plain("targetFound", Boolean.TRUE.equals(r.detection().get("targetFound")) ? 1.0 : 0.0);
            } else {
                m.rate("detectionTpr", r.detectionFigure("truePositiveRate"), r.poisonedSamples());
                m.rate("detectionFpr", r.detectionFigure("falsePositiveRate"), r.trainSamples() - r.poisonedSamples());
                m.rate("defendedAttackSuccessRate", r.detectionFigure("retrained", "attackSuccessRate"), triggered);
            }
        }
        m.plain("seconds", r.seconds());
    }

    private static void privacy(List<Metric> out, PrivacyRecord r) {
        Rows m = new Rows(out, "privacy", r.id(), r.attack(), "");
        if (r.inversion()) {
            double[] c = r.confidence() == null ? new double[0] : r.confidence();
            m.plain("meanConfidence", java.util.Arrays.stream(c).average().orElse(Double.NaN));
        } else {
            m.add("auc", r.auc(), r.aucInterval(), r.members() + r.nonMembers());
            m.plain("balancedAccuracy", r.balancedAccuracy());
            // the threshold is read off the same samples: the interval is that of the TPR at that threshold
            m.rate("tprAt01Fpr", r.tprAt01Fpr(), r.members());
            m.rate("tprAt1Fpr", r.tprAt1Fpr(), r.members());
        }
        m.plain("seconds", r.seconds());
    }

    private static void extraction(List<Metric> out, ExtractionRecord r) {
        Rows m = new Rows(out, "extraction", r.id(), r.attack(), "");
        m.rate("fidelity", r.fidelity(), r.testSamples());
        m.rate("substituteAccuracy", r.substituteAccuracy(), r.testSamples());
        m.rate("targetAccuracy", r.targetAccuracy(), r.testSamples());
        m.plain("queries", r.queries());
        if (r.transferSuccess() != null) {
            m.rate("transferSuccess", r.transferSuccess(), r.transferSamples());
        }
        m.plain("seconds", r.seconds());
    }

    /** Certified accuracy per radius ({@code @r}; without {@code @} the largest radius), a count over the samples. */
    private static void certification(List<Metric> out, CertificationRecord r) {
        Rows m = new Rows(out, "certification", r.id(), "smoothing", "");
        m.rate("smoothedAccuracy", r.smoothedAccuracy(), r.samples());
        for (int i = 0; i < r.radii().size(); i++) {
            m.rate("certifiedAccuracy@" + number(r.radii().get(i)), r.certifiedAccuracy().get(i), r.samples());
        }
        m.rate("certifiedAccuracy", r.certifiedAccuracy().get(r.certifiedAccuracy().size() - 1), r.samples());
        m.plain("abstentions", (double) r.abstentions());
        m.plain("seconds", r.seconds());
    }

    /** A scan's verdict as 1 (backdoored) or 0, so that a gate can say {@code scan.cleanse.backdoored == false}. */
    private static void scan(List<Metric> out, ScanRecord r) {
        Rows m = new Rows(out, "scan", r.id(), r.detect(), "");
        if (r.backdoored() != null) {
            m.plain("backdoored", r.backdoored() ? 1.0 : 0.0);
            m.plain("anomalyIndex", r.anomalyIndex());
            m.plain("suspectedTarget", r.suspectedTarget() == null ? null : r.suspectedTarget().doubleValue());
        }
        if (r.strip() != null) {
            m.rate("stripFrr", r.strip().frr(), r.strip().heldOutClean());
            m.rate("stripFar", r.strip().far(), r.strip().triggered());
        }
        m.plain("seconds", r.seconds());
    }

    private static int count(Object o) {
        return o instanceof Number n ? n.intValue() : 0;
    }

    /** ε as written in a metric name: no trailing zeros ({@code 0.1}, {@code 2}). */
    static String number(double v) {
        if (!Double.isFinite(v)) {
            return Double.toString(v);
        }
        return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString().toLowerCase(Locale.ROOT);
    }

    /** Adds the rows of one run. */
    private record Rows(List<Metric> out, String family, String id, String attack, String suffix) {
        void rate(String name, Double rate, int samples) {
            if (rate == null) {
                return;
            }
            // a rate that is not a count out of these samples (none measured) gets no interval
            add(name, rate, Interval.wilson(rate, samples), samples);
        }

        void plain(String name, Double value) {
            if (value != null) {
                add(name, value, null, 0);
            }
        }

        void plain(String name, double value) {
            add(name, value, null, 0);
        }

        void add(String name, Double value, Interval ci, int samples) {
            if (value != null) {
                out.add(new Metric(family, id, attack, name + suffix, value, ci, samples));
            }
        }
    }
}
