package org.dlsec.audit;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.dlsec.data.DataSource;
import org.dlsec.core.DlsecException;
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
        return served == null ? run(model, model, data, e, key, trainData, null, null)
                : run(served.attackerClient(), served.client(), data, e, key, trainData, served.policy(), served.queryBudget());
    }

    private static ExtractionRecord run(Classifier victim, Classifier evaluator, Dataset data, AuditConfig.ExtractionEntry e,
            String key, Supplier<Dataset> trainData, org.dlsec.defence.postprocess.OutputPolicy policy, Integer quota) {
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        org.dlsec.experiment.ExtractionSpec spec = e.spec(data);
        // an attacker who knows the API's quota spends it, and no more: the API would refuse the rest
        org.dlsec.experiment.ExtractionSpec capped = quota == null ? spec : spec.withBudgetAtMost(quota);
        ExtractionRun run;
        try {
            run = ExtractionRun.prepare(capped, victim, evaluator, data, () -> queryData(e.queryData(), data, trainData),
                    line -> {});
        } catch (DlsecException x) {
            if (capped == spec) {
                throw x;
            }
            throw new DlsecException("extraction " + e.id() + ": within the API's query budget of " + quota + " the attack"
                    + " cannot run (" + x.getMessage() + "): the quota stops it; raise queryBudget or remove the entry", x);
        }
        ExtractionOutcome o = run.run();
        Map<String, Object> params = new LinkedHashMap<>(o.parameters());
        if (policy != null) {
            params.put("servedWithOutput", policy.spec());
        }
        if (quota != null) {
            params.put("apiQueryBudget", quota);
            params.put("requestedBudget", spec.params().budget());
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
