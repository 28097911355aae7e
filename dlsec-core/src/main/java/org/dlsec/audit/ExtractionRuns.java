package org.dlsec.audit;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.dlsec.data.DataSource;
import org.dlsec.data.Dataset;
import org.dlsec.data.QuerySets;
import org.dlsec.data.SourceOptions;
import org.dlsec.experiment.ExtractionOutcome;
import org.dlsec.experiment.ExtractionRun;
import org.dlsec.model.Classifier;
import org.dlsec.report.ExtractionRecord;

/**
 * Runs the audit's model-extraction experiments through {@link ExtractionRun}, as {@code dlsec extract --target MODEL}
 * does, with the audited model as the black-box target and the audited samples as the test images, and stores them
 * as {@link ExtractionRecord}s.
 */
final class ExtractionRuns {
    private ExtractionRuns() {}

    /**
     * Runs {@code e} against {@code model}, or with an output policy against the API {@code served} answers through
     * (dlsec serve's stack in this process), attacked and measured through it as {@code dlsec extract --target URL} does.
     */
    static ExtractionRecord run(Classifier model, ServedModel served, Dataset data, AuditConfig.ExtractionEntry e, String key,
            Supplier<Dataset> trainData) {
        return served == null ? run(model, model, data, e, key, trainData, null)
                : run(served.client(), model, data, e, key, trainData, served.policy());
    }

    private static ExtractionRecord run(Classifier victim, Classifier model, Dataset data, AuditConfig.ExtractionEntry e,
            String key, Supplier<Dataset> trainData, org.dlsec.defence.postprocess.OutputPolicy policy) {
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        ExtractionRun run = ExtractionRun.prepare(e.spec(data), victim, victim, data,
                () -> queryData(e.queryData(), data, trainData), line -> {});
        ExtractionOutcome o = run.run();
        Map<String, Object> params = new LinkedHashMap<>(o.parameters());
        if (policy != null) {
            params.put("servedWithOutput", policy.spec());
        }
        if (e.spec().usesQueryData()) {
            params.put("queryDataSource", e.queryData()); // the attack's own "queryData" names the images it read
        }
        params.put("seedSize", e.spec().attack().equals("jacobian") ? e.spec().seedSize() : null);
        params.put("testLimit", e.spec().testLimit());
        return new ExtractionRecord(e.id(), key, o.attack(), params, o.targetAccuracy(), o.substituteAccuracy(), o.fidelity(),
                o.queries(), o.evaluationQueries(), o.transferSuccess(), o.transferEps(), o.testSamples(), o.transferSamples(),
                o.curve().stream().map(p -> new ExtractionRecord.Point(p.queries(), p.fidelity(), p.substituteAccuracy()))
                        .toList(), started, (System.nanoTime() - t0) / 1e9);
    }

    /** {@code train}: the audited dataset's training split; otherwise an IDX folder, a built-in name or a path. */
    private static Dataset queryData(String name, Dataset task, Supplier<Dataset> trainData) {
        if (name.equals("train")) {
            return QuerySets.requireShape(trainData.get(), name, task);
        }
        return QuerySets.open(name, task, q -> DataSource.open(q, SourceOptions.of("train", Optional.empty())));
    }
}
