package org.dlsec.report;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.dlsec.model.ModelInfo;

/**
 * Everything an audit found, as written to {@code report.json} (schema {@link #SCHEMA}, documented
 * in {@code docs/report-schema.json} and {@code docs/report.md}).
 *
 * @param schema schema identifier
 * @param model what was audited
 * @param dataset name, split, samples and origin of the audited data
 * @param cleanAccuracy accuracy on the audited samples before any attack
 * @param config the audit configuration (text and hash)
 * @param families one section per threat family, each with its verdict and attack runs
 * @param versions dlsec, DJL, PyTorch, Java versions
 * @param machine where it ran (cores, memory, OS)
 * @param seed the audit's seed
 * @param started when the audit started
 * @param finished when the report was written
 * @param gates the configured gates and whether each passed (empty when none are configured)
 */
@com.fasterxml.jackson.annotation.JsonIgnoreProperties(value = {"metrics", "threatMatrix"}, allowGetters = true)
public record AuditReport(String schema, ModelInfo model, DataInfo dataset, double cleanAccuracy, ConfigInfo config,
        List<Family> families, Map<String, String> versions, Map<String, Object> machine, long seed, Instant started,
        Instant finished, List<Gate.Result> gates) {

    public AuditReport {
        gates = gates == null ? List.of() : List.copyOf(gates);
    }

    /** Every figure of the audit with its 95% interval where it is a rate ({@code metrics} in {@code report.json}). */
    @com.fasterxml.jackson.annotation.JsonProperty("metrics")
    public List<Metrics.Metric> metrics() {
        return Metrics.of(this);
    }

    /** One row per run across every family on the surveys' axes ({@code threatMatrix} in {@code report.json}). */
    @com.fasterxml.jackson.annotation.JsonProperty("threatMatrix")
    public List<ThreatMatrix.Row> threatMatrix() {
        return ThreatMatrix.of(this);
    }

    /** This report with {@code gates} checked against its figures. */
    public AuditReport withGates(List<Gate> checked) {
        List<Metrics.Metric> m = metrics();
        return new AuditReport(schema, model, dataset, cleanAccuracy, config, families, versions, machine, seed, started,
                finished, checked.stream().map(g -> g.check(m)).toList());
    }

    /** The gates that failed. */
    public List<Gate.Result> failedGates() {
        return gates.stream().filter(g -> !g.passed()).toList();
    }

    public static final String SCHEMA = "dlsec-report/1";

    /**
     * The audited data.
     *
     * @param split test, train, or all (a dataset without splits)
     * @param shape the shape of one sample: (C, H, W) or (d)
     * @param classes the class names in label order (empty when the data names none)
     * @param bounds the input bounds: lower and upper (one value, or one per feature) and where they come from
     */
    public record DataInfo(String name, String split, int samples, String origin, List<Long> shape, int numClasses,
            List<String> classes, Map<String, Object> bounds) {

        /** The description of {@code data}. */
        public static DataInfo of(org.dlsec.data.Dataset data) {
            org.dlsec.data.DataBounds b = data.bounds();
            Map<String, Object> bounds = new java.util.LinkedHashMap<>();
            bounds.put("lower", doubles(b.lower()));
            bounds.put("upper", doubles(b.upper()));
            bounds.put("how", b.how());
            return new DataInfo(data.name(), data.split(), data.size(), data.origin(),
                    java.util.Arrays.stream(data.sampleShape().getShape()).boxed().toList(), data.numClasses(),
                    data.classNames(), bounds);
        }

        private static List<Double> doubles(float[] v) {
            List<Double> l = new java.util.ArrayList<>(v.length);
            for (float f : v) {
                l.add((double) f);
            }
            return l;
        }
    }

    /** The configuration the audit ran. */
    public record ConfigInfo(String source, String sha256, String text) {}

    /**
     * One threat family: a verdict ({@code vulnerable}, {@code robust}, {@code not evaluated}) with a
     * one-line explanation, the attack runs (evasion), the fault experiments (hardware faults), the
     * poisoning experiments, the privacy attacks, the model-extraction experiments, the backdoor scans, the
     * certifications, the gradient-masking checks (in the evasion family) and the side-channel experiments.
     */
    public record Family(String family, String title, String verdict, String summary, List<AttackRecord> attacks,
            List<FaultRecord> faults, List<PoisonRecord> poisons, List<PrivacyRecord> privacy,
            List<ExtractionRecord> extraction, List<ScanRecord> scans, List<CertificationRecord> certifications,
            List<MaskingRecord> maskingChecks, List<SideChannelRecord> sideChannels) {
        public Family {
            sideChannels = sideChannels == null ? List.of() : List.copyOf(sideChannels);
            scans = scans == null ? List.of() : List.copyOf(scans);
            certifications = certifications == null ? List.of() : List.copyOf(certifications);
            maskingChecks = maskingChecks == null ? List.of() : List.copyOf(maskingChecks);
            attacks = attacks == null ? List.of() : List.copyOf(attacks);
            faults = faults == null ? List.of() : List.copyOf(faults);
            poisons = poisons == null ? List.of() : List.copyOf(poisons);
            privacy = privacy == null ? List.of() : List.copyOf(privacy);
            extraction = extraction == null ? List.of() : List.copyOf(extraction);
        }

        /**
         * Whether the audit ran something of this family (a run, a scan, a certification, a masking check or a
         * side-channel experiment).
         */
        public boolean hasRuns() {
            return !attacks.isEmpty() || !faults.isEmpty() || !poisons.isEmpty() || !privacy.isEmpty() || !extraction.isEmpty()
                    || !scans.isEmpty() || !certifications.isEmpty() || !maskingChecks.isEmpty() || !sideChannels.isEmpty();
        }

        /** A family without side-channel experiments. */
        public Family(String family, String title, String verdict, String summary, List<AttackRecord> attacks,
                List<FaultRecord> faults, List<PoisonRecord> poisons, List<PrivacyRecord> privacy,
                List<ExtractionRecord> extraction, List<ScanRecord> scans, List<CertificationRecord> certifications,
                List<MaskingRecord> maskingChecks) {
            this(family, title, verdict, summary, attacks, faults, poisons, privacy, extraction, scans, certifications,
                    maskingChecks, List.of());
        }

        /** A family without backdoor scans, certifications and masking checks. */
        public Family(String family, String title, String verdict, String summary, List<AttackRecord> attacks,
                List<FaultRecord> faults, List<PoisonRecord> poisons, List<PrivacyRecord> privacy,
                List<ExtractionRecord> extraction) {
            this(family, title, verdict, summary, attacks, faults, poisons, privacy, extraction, List.of(), List.of(),
                    List.of());
        }

        /** A family without privacy attacks, extraction experiments and backdoor scans. */
        public Family(String family, String title, String verdict, String summary, List<AttackRecord> attacks,
                List<FaultRecord> faults, List<PoisonRecord> poisons) {
            this(family, title, verdict, summary, attacks, faults, poisons, List.of(), List.of(), List.of(), List.of(),
                    List.of());
        }
    }
}
