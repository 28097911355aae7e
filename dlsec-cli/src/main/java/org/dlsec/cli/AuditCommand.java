package org.dlsec.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.dlsec.audit.AttackExecutor;
import org.dlsec.audit.AuditConfig;
import org.dlsec.audit.AuditRunner;
import org.dlsec.audit.ClusterBackend;
import org.dlsec.audit.ModelView;
import org.dlsec.core.Progress;
import org.dlsec.data.Dataset;
import org.dlsec.data.DataSource;
import org.dlsec.data.SourceOptions;
import org.dlsec.model.Classifier;
import org.dlsec.report.AuditReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code dlsec audit}: runs the configured threat model against a model and writes the report. */
@Command(name = "audit", mixinStandardHelpOptions = true,
        description = {"Run a configured set of attacks against a model; write report.json, samples.csv, index.html and"
                + " report.junit.xml.", "Exit code 3 when a gate of the configuration fails."})
final class AuditCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "Model directory, .pt or .onnx file.")
    Path model;

    @Option(names = "--dataset", required = true, description = SourceFlags.DATASET_HELP)
    String dataset;

    @picocli.CommandLine.Mixin
    SourceFlags sourceFlags = new SourceFlags();

    @picocli.CommandLine.Mixin
    ModelFlags modelFlags = new ModelFlags();

    @Option(names = "--data-dir", description = "Folder holding mnist/, gtsrb/, fashion-mnist/ (default: $DLSEC_DATA).")
    Path dataDir;

    @Option(names = "--config", description = "audit.yaml (default: the bundled default, see docs/audit-config.md).")
    Path config;

    @Option(names = "--limit", description = "Attack the first N samples (overrides the configuration's limit).")
    Integer limit;

    @Option(names = "--out", required = true, description = "Directory for the report.")
    Path out;

    @Option(names = "--train-data", description = "Also audit the training pipeline: the configuration's poisoning"
            + " experiments retrain the model's architecture on poisoned copies of the dataset's training split.")
    boolean trainData;

    @Option(names = "--resume", description = "Reuse the results of attacks already finished for the same model, data"
            + " and configuration.")
    boolean resume;

    @Option(names = "--spark", paramLabel = "MASTER", description = "Run the evasion attacks on Apache Spark (e.g. local[2],"
            + " or a cluster URL under spark-submit); needs dlsec-spark (see README). Same results as a local run.")
    String spark;

    @Option(names = "--quiet", description = "No progress bars.")
    boolean quiet;

    @Override
    public Integer call() {
        Outputs.dir(out, "--out");
        Progress.setEnabled(!quiet);
        AuditConfig cfg = config == null ? AuditConfig.defaults() : AuditConfig.read(config);
        String source = config == null ? "default-audit.yaml" : config.toString();
        AuditReport r = audit(model, modelFlags, dataset, sourceFlags.options(cfg.split(), dataDir), cfg, source, limit,
                out, resume, trainData, !quiet, spark);
        printVerdicts(r);
        System.out.println("report: " + out.resolve("index.html").toAbsolutePath());
        for (org.dlsec.report.Gate.Result g : r.failedGates()) {
            System.err.println("gate failed: " + g.gate() + ": " + g.message());
        }
        if (!r.gates().isEmpty()) {
            System.out.println("gates: " + (r.gates().size() - r.failedGates().size()) + " of " + r.gates().size()
                    + " passed");
        }
        return r.failedGates().isEmpty() ? Main.EXIT_OK : Main.EXIT_GATE;
    }

    /** One line per threat family the audit evaluated. */
    static void printVerdicts(AuditReport r) {
        for (AuditReport.Family f : r.families()) {
            if (f.hasRuns()) {
                System.out.printf("%s: %s — %s%n", f.title(), f.verdict(), f.summary());
            }
        }
    }

    static AuditReport audit(Path model, String dataset, SourceOptions data, AuditConfig cfg, String source, Integer limit,
            Path out, boolean resume, boolean auditTraining, boolean progress) {
        return audit(model, new ModelFlags(), dataset, data, cfg, source, limit, out, resume, auditTraining, progress, null);
    }

    /** As above; with {@code sparkMaster} non-null the evasion attacks run on Spark through dlsec-spark. */
    static AuditReport audit(Path model, ModelFlags flags, String dataset, SourceOptions opts, AuditConfig cfg, String source,
            Integer limit, Path out, boolean resume, boolean auditTraining, boolean progress, String sparkMaster) {
        flags.normalization();
        if (limit != null && limit <= 0) {
            throw new org.dlsec.core.DlsecException("invalid --limit: must be positive, got " + limit);
        }
        Dataset data = DataSource.open(dataset, opts.withSplit(cfg.split())).first(limit != null ? limit : cfg.limit());
        try (Classifier c = flags.load(model, data);
                AttackExecutor executor = sparkMaster == null ? AttackExecutor.LOCAL
                        : ClusterBackend.find().attacks(sparkMaster, model, ModelView.of(c))) {
            return AuditRunner.run(c, data, () -> DataSource.open(dataset, opts.withSplit("train")), auditTraining, cfg, source, out, resume,
                    progress, executor);
        }
    }
}
