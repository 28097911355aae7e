package org.dlsec.audit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dlsec.attack.evasion.AttackResult;
import org.dlsec.attack.evasion.EpsilonAttack;
import org.dlsec.attack.evasion.MinimalPerturbationAttack;
import org.dlsec.attack.evasion.EvasionAttack;
import org.dlsec.attack.evasion.EvasionAttacks;
import org.dlsec.attack.evasion.EvasionRunner;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Hashing;
import org.dlsec.core.Json;
import org.dlsec.core.Versions;
import org.dlsec.data.Dataset;
import org.dlsec.metric.Evaluation;
import org.dlsec.model.Classifier;
import org.dlsec.report.AttackRecord;
import org.dlsec.report.AuditReport;
import org.dlsec.report.ExtractionRecord;
import org.dlsec.report.FaultRecord;
import org.dlsec.report.PoisonRecord;
import org.dlsec.report.PrivacyRecord;
import org.dlsec.report.ReportWriter;
import org.dlsec.report.ScanRecord;
import org.dlsec.report.SideChannelRecord;
import org.dlsec.report.CertificationRecord;
import org.dlsec.report.MaskingRecord;
import org.dlsec.report.StoredResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an audit: every configured attack against one model on one dataset, each result stored in
 * {@code out/results/<id>.json} as soon as it is done; then the report. With {@code resume}, a
 * stored result whose key (model hash, data origin, configuration, seed) matches is reused instead
 * of rerun, so an interrupted audit continues where it stopped and ends with the same report.
 */
public final class AuditRunner {
    private static final Logger LOG = LoggerFactory.getLogger(AuditRunner.class);

    private AuditRunner() {}

    /** Runs the audit on {@code data} (already limited to the configured samples) and writes the report. */
    public static AuditReport run(Classifier model, Dataset data, AuditConfig config, String configSource, Path out,
            boolean resume, boolean progress) {
        return run(model, data, () -> {
            throw new DlsecException("this audit needs the training split (the attacker's images of the BFA, trojan and"
                    + " extraction, the universal perturbation's fitting images); none was given");
        }, false, config, configSource, out, resume, progress);
    }

    /**
     * Runs the audit; {@code trainData} supplies the training split (loaded only when needed): the
     * Bit-Flip Attack's attacker holds a sample of it, and with {@code auditTraining} the poisoning
     * experiments retrain the model's architecture on poisoned copies of it.
     */
    public static AuditReport run(Classifier model, Dataset data, java.util.function.Supplier<Dataset> trainData,
            boolean auditTraining, AuditConfig config, String configSource, Path out, boolean resume, boolean progress) {
        return run(model, data, trainData, auditTraining, config, configSource, out, resume, progress, AttackExecutor.LOCAL);
    }

    /**
     * As above, with the evasion attacks run by {@code executor} (e.g. on Spark); faults, poisoning
     * and the report stay in this process. The stored results do not depend on the executor.
     */
    public static AuditReport run(Classifier model, Dataset data, java.util.function.Supplier<Dataset> trainData,
            boolean auditTraining, AuditConfig config, String configSource, Path out, boolean resume, boolean progress,
            AttackExecutor executor) {
        Path results = out.resolve("results");
        // the directories made here are removed again if the audit fails before writing anything into them
        List<Path> made = org.dlsec.core.AtomicFiles.directory(results, "audit output directory");
        try {
            return runInto(model, data, trainData, auditTraining, config, configSource, out, resume, progress, executor,
                    results);
        } catch (RuntimeException | Error e) {
            org.dlsec.core.AtomicFiles.removeEmpty(made);
            throw e;
        }
    }

    private static AuditReport runInto(Classifier model, Dataset data, java.util.function.Supplier<Dataset> trainData,
            boolean auditTraining, AuditConfig config, String configSource, Path out, boolean resume, boolean progress,
            AttackExecutor executor, Path results) {
        java.util.function.Supplier<Dataset> attackerData = memoize(trainData);
        Instant started = Instant.now();
        AuditConfig.Defence defence = config.defence();
        Deployment dep = Deployment.of(model, config);
        Classifier deployed = dep.deployed();
        double clean = Evaluation.accuracy(deployed, data);
        DetectorCheck detector = defence == null || defence.detector() == null ? null
                : DetectorCheck.calibrate(model, attackerData.get(), data, defence, config.seed());
        // the attackers who see only the prediction API's answers query it through its output policy
        org.dlsec.defence.postprocess.OutputPolicy policy = defence == null ? null : defence.policy();
        String servingSkipped = ServedModel.unsupported(deployed, policy);
        try (ServedModel served = policy == null || servingSkipped != null ? null : new ServedModel(deployed, policy,
                defence.queryBudget())) {
            return runServed(model, data, auditTraining, config, configSource, out, resume, progress, executor, results,
                    attackerData, started, defence, dep, deployed, clean, detector, served, servingSkipped);
        }
    }

    private static AuditReport runServed(Classifier model, Dataset data, boolean auditTraining, AuditConfig config,
            String configSource, Path out, boolean resume, boolean progress, AttackExecutor executor, Path results,
            java.util.function.Supplier<Dataset> attackerData, Instant started, AuditConfig.Defence defence, Deployment dep,
            Classifier deployed, double clean, DetectorCheck detector, ServedModel served, String servingSkipped) {
        List<AttackRecord> records = new ArrayList<>();
        List<String> evasionSkipped = new ArrayList<>();
        for (AuditConfig.Entry entry : config.attacks()) {
            boolean gradients = entry.needsTargetGradients();
            if (!model.hasGradients() && gradients) {
                // listed with the reason instead of stopping the audit: the black-box attacks still run
                evasionSkipped.add(entry.id());
                continue;
            }
            if (!dep.defended() && (gradients || served == null)) {
                String key = key(model, data, config, entry);
                records.add(storedOrRun(results, entry.id(), key, resume, AttackRecord.class,
                        () -> runOne(model, data, config, entry, entry.id(), false, key, progress, executor, attackerData,
                                null)));
                continue;
            }
            if (!gradients) {
                String key = key(model, data, config, entry);
                // a black box queries the API as deployed (in this process, so not on the cluster); a transfer attack
                // only sends its finished examples, as a query each
                boolean api = served != null && entry.substitute() == null;
                records.add(storedOrRun(results, entry.id(), key, resume, AttackRecord.class,
                        () -> {
                            AttackRecord r = runOne(api ? served.client() : deployed, data, config, entry, entry.id(), false,
                                    key, progress, api ? AttackExecutor.LOCAL : executor, attackerData, detector)
                                    .withGradients("none");
                            return api ? r.withParameter("servedWithOutput", served.policy().spec()) : r;
                        }));
                continue;
            }
            AttackRecord adaptiveRun = null;
            if (dep.adaptive() != null) {
                String key = key(model, data, config, entry);
                adaptiveRun = storedOrRun(results, entry.id(), key, resume, AttackRecord.class,
                        () -> runOne(dep.adaptive(), data, config, entry, entry.id(), false, key, progress, executor,
                                attackerData, detector).withGradients(dep.adaptiveGradients()));
                records.add(adaptiveRun);
            }
            if (dep.naive() != null) {
                String id = dep.adaptive() == null ? entry.id() : entry.id() + AuditConfig.Defence.NAIVE_SUFFIX;
                String key = key(model, data, config, List.of(entry, "naive gradients"));
                AttackRecord n = storedOrRun(results, id, key, resume, AttackRecord.class,
                        () -> runOne(dep.naive(), data, config, entry, id, true, key, progress, executor, attackerData,
                                detector).withGradients("naive"));
                // against a detector the two runs differ in what the detector lets through, not in masked gradients
                records.add(adaptiveRun == null || detector != null ? n : n.comparedWith(adaptiveRun,
                        defence == null ? AuditConfig.Defence.DEFAULT_TOLERANCE : defence.tolerance()));
            }
        }
        List<FaultRecord> faults = new ArrayList<>();
        String faultsSkipped = config.faults().isEmpty() ? null : defence != null ? "fault experiments change the model's"
                + " weights and measure it without the input transformation of the audit's defence; audit the model"
                + " without 'defence:' for them" : org.dlsec.experiment.FaultRun.unsupported(model);
        if (faultsSkipped == null) {
            for (AuditConfig.FaultEntry entry : config.faults()) {
                String key = key(model, data, config, entry);
                faults.add(storedOrRun(results, entry.id(), key, resume, FaultRecord.class,
                        () -> FaultRuns.run(model, data, entry, key, attackerData, progress)));
            }
        }
        List<PoisonRecord> poisons = new ArrayList<>();
        String poisoningSkipped = null;
        if (!config.poisoning().isEmpty()) {
            org.dlsec.model.Architecture arch = PoisonRuns.architecture(model);
            if (!auditTraining) {
                poisoningSkipped = "not part of this audit (give --train-data to retrain on poisoned data)";
            } else if (defence != null) {
                poisoningSkipped = "poisoning retrains the architecture and measures it without the input transformation of"
                        + " the audit's defence; audit the model without 'defence:' for it";
            } else {
                List<String> noArch = new ArrayList<>();
                for (AuditConfig.PoisonEntry entry : config.poisoning()) {
                    // the victim retrains the model's architecture: its card's, or the entry's 'arch' for a model file
                    org.dlsec.model.Architecture victim = arch != null ? arch : entry.arch();
                    if (victim == null) {
                        noArch.add(entry.id());
                        continue;
                    }
                    String key = key(model, data, config, entry);
                    poisons.add(storedOrRun(results, entry.id(), key, resume, PoisonRecord.class,
                            () -> PoisonRuns.run(victim, attackerData.get(), data, config, entry, key, progress)));
                }
                if (!noArch.isEmpty()) {
                    poisoningSkipped = String.join(", ", noArch) + ": the victim retrains the model's architecture, which"
                            + " only a dlsec model directory's card names; give the entry 'arch' (e.g. lenet5, vgg, resnet,"
                            + " mlp) for a model file";
                }
            }
        } else if (auditTraining) {
            poisoningSkipped = "no poisoning experiment configured";
        }
        List<PrivacyRecord> privacy = new ArrayList<>();
        List<String> privacySkipped = new ArrayList<>();
        String inversionSkipped = PrivacyRuns.inversionUnsupported(deployed, data);
        for (AuditConfig.PrivacyEntry entry : config.privacy()) {
            String why = entry.inversion() ? inversionSkipped : PrivacyRuns.membershipUnsupported(deployed, data, entry.attack());
            if (why != null) {
                if (!privacySkipped.contains(why)) {
                    privacySkipped.add(why);
                }
                continue;
            }
            String key = key(model, data, config, entry);
            privacy.add(storedOrRun(results, entry.id(), key, resume, PrivacyRecord.class,
                    () -> PrivacyRuns.run(deployed, data, attackerData, config, entry, key)));
            if (entry.dpModel() != null) {
                // the same attack on the model trained with DP-SGD: what the defence buys, beside what it costs
                AuditConfig.PrivacyEntry dp = entry.onDpModel();
                try (Classifier dpModel = org.dlsec.model.Models.load(java.nio.file.Path.of(entry.dpModel()),
                        data.sampleShape())) {
                    String dpKey = key(dpModel, data, config, dp);
                    privacy.add(storedOrRun(results, dp.id(), dpKey, resume, PrivacyRecord.class,
                            () -> PrivacyRuns.onDpModel(clean, dpModel, data, attackerData, config, dp, dpKey)));
                }
            }
        }
        List<ExtractionRecord> extraction = new ArrayList<>();
        String extractionSkipped = config.extraction().isEmpty() ? null : servingSkipped;
        if (extractionSkipped == null) {
            for (AuditConfig.ExtractionEntry entry : config.extraction()) {
                String key = key(model, data, config, entry);
                extraction.add(storedOrRun(results, entry.id(), key, resume, ExtractionRecord.class,
                        () -> ExtractionRuns.run(deployed, served, data, entry, key, attackerData)));
            }
        }
        List<ScanRecord> scans = new ArrayList<>();
        List<String> scanSkipped = new ArrayList<>();
        for (AuditConfig.ScanEntry entry : config.scan()) {
            String key = key(model, data, config, entry);
            ScanRecord rec = storedOrRun(results, entry.id(), key, resume, ScanRecord.class,
                    () -> ScanRuns.run(deployed, data, entry, key, progress));
            if (rec == null) {
                scanSkipped.add(ScanRuns.skipReason(deployed, data, entry));
            } else {
                scans.add(rec);
            }
        }
        List<CertificationRecord> certifications = new ArrayList<>();
        for (AuditConfig.CertificationEntry entry : config.certification()) {
            String key = key(model, data, config, entry);
            certifications.add(storedOrRun(results, entry.id(), key, resume, CertificationRecord.class,
                    () -> DefenceRuns.certify(deployed, data, entry, key, progress)));
        }
        List<MaskingRecord> masking = new ArrayList<>();
        String maskingSkipped = config.masking().isEmpty() ? null : DefenceRuns.maskingUnsupported(deployed);
        if (maskingSkipped == null) {
            for (AuditConfig.MaskingEntry entry : config.masking()) {
                String key = key(model, data, config, entry);
                masking.add(storedOrRun(results, entry.id(), key, resume, MaskingRecord.class,
                        () -> DefenceRuns.masking(dep.gradientView(), data, entry, key, progress)));
            }
        }
        List<SideChannelRecord> sideChannels = new ArrayList<>();
        java.util.Set<String> sideChannelSkipped = new java.util.LinkedHashSet<>();
        java.util.Map<String, java.util.Optional<String>> sideChannelWhy = new java.util.HashMap<>();
        for (AuditConfig.SideChannelEntry entry : config.sidechannel()) {
            // the implementation of the audited model itself: a deployment's transformation or policy does not change it
            java.util.Optional<String> why = sideChannelWhy.computeIfAbsent(entry.attack(), a -> java.util.Optional.ofNullable(
                    SideChannelRuns.unsupported(a, model, data)));
            if (why.isPresent()) {
                sideChannelSkipped.add(why.get());
                continue;
            }
            String key = key(model, data, config, entry);
            sideChannels.add(storedOrRun(results, entry.id(), key, resume, SideChannelRecord.class,
                    () -> SideChannelRuns.run(model, data, attackerData, entry, key, progress)));
        }
        AuditReport report = new AuditReport(AuditReport.SCHEMA, deployed.info(),
                AuditReport.DataInfo.of(data), clean,
                new AuditReport.ConfigInfo(configSource, config.sha256(), config.text()),
                Verdicts.families(clean, records, masking, evasionNote(evasionSkipped, model, maskingSkipped),
                        faults, faultsSkipped, poisons, poisoningSkipped, extraction, extractionSkipped, privacy,
                        privacySkipped.isEmpty() ? null : String.join("; ", privacySkipped), scans,
                        scanSkipped.isEmpty() ? null : String.join("; ", scanSkipped), certifications, sideChannels,
                        sideChannelSkipped.isEmpty() ? null : String.join("; ", sideChannelSkipped)),
                Versions.all(), machine(), config.seed(), started, Instant.now(), List.of()).withGates(config.gates());
        ReportWriter.write(report, out);
        return report;
    }

    /** What of the evasion family did not run and why, or null. */
    private static String evasionNote(List<String> skipped, Classifier model, String maskingSkipped) {
        List<String> parts = new ArrayList<>();
        if (!skipped.isEmpty()) {
            parts.add("white-box attacks not run (" + String.join(", ", skipped) + "): the " + model.info().kind()
                    + " model gives no gradients");
        }
        if (maskingSkipped != null) {
            parts.add(maskingSkipped);
        }
        return parts.isEmpty() ? null : String.join("; ", parts);
    }

    private static <T> java.util.function.Supplier<T> memoize(java.util.function.Supplier<T> s) {
        Object[] box = new Object[1];
        return () -> {
            if (box[0] == null) {
                box[0] = s.get();
            }
            @SuppressWarnings("unchecked")
            T t = (T) box[0];
            return t;
        };
    }

    /**
     * The stored result {@code results/<id>.json} when resuming and its key matches; otherwise {@code run}'s result,
     * stored there as soon as it is done.
     */
    private static <R extends StoredResult> R storedOrRun(Path results, String id, String key, boolean resume, Class<R> type,
            java.util.function.Supplier<R> run) {
        Path file = results.resolve(id + ".json");
        R stored = resume ? readStored(file, type) : null;
        if (stored != null && key.equals(stored.key())) {
            LOG.info("resume: {} already done, not rerun", id);
            System.err.println("resume: " + id + " already done, not rerun");
            return stored;
        }
        R rec = run.get();
        if (rec != null) { // null: nothing of the entry applies to the model (the caller lists why)
            Json.write(file, rec);
        }
        return rec;
    }

    private static <T> T readStored(Path file, Class<T> type) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            return Json.MAPPER.readValue(file.toFile(), type);
        } catch (java.io.IOException e) {
            LOG.warn("ignoring unreadable stored result {}: {}", file, e.getMessage());
            return null;
        }
    }

    /**
     * Runs one evasion entry at each of its budgets; a universal perturbation is first fitted, as {@code dlsec attack}
     * fits it, on the training split ({@code fitData}), which the audited test samples do not come from.
     */
    static AttackRecord runOne(Classifier model, Dataset data, AuditConfig config, AuditConfig.Entry entry, String id,
            boolean naiveGradients, String key, boolean progress, AttackExecutor executor,
            java.util.function.Supplier<Dataset> fitData, DetectorCheck detector) {
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        EvasionAttack attack = EvasionAttacks.create(entry.spec());
        if (attack instanceof org.dlsec.attack.evasion.UniversalAttack u && !u.isFitted()) {
            attack = u.fit(model, fitData.get());
        }
        if (entry.substitute() != null) {
            // crafted on the attacker's own model, as dlsec attack --substitute; the audited model only classifies them
            try (Classifier sub = org.dlsec.model.Models.load(java.nio.file.Path.of(entry.substitute()), data.sampleShape(),
                    model.bounds())) {
                if (sub.numClasses() != model.numClasses()) {
                    throw new DlsecException("audit attack '" + entry.id() + "': the substitute " + entry.substitute() + " has "
                            + sub.numClasses() + " outputs, the audited model " + model.numClasses());
                }
                return sweep(model, data, config, entry, id, naiveGradients, key, progress, executor,
                        org.dlsec.attack.evasion.TransferAttack.of(attack, sub), t0, started, detector);
            }
        }
        return sweep(model, data, config, entry, id, naiveGradients, key, progress, executor, attack, t0, started, detector);
    }

    private static AttackRecord sweep(Classifier model, Dataset data, AuditConfig config, AuditConfig.Entry entry, String id,
            boolean naiveGradients, String key, boolean progress, AttackExecutor executor, EvasionAttack attack, long t0,
            Instant started, DetectorCheck detector) {
        if (entry.epsilons().size() > 1 && !(attack instanceof EpsilonAttack) && !(attack instanceof MinimalPerturbationAttack)) {
            throw new DlsecException("audit attack '" + org.dlsec.core.Text.echo(entry.id()) + "': " + attack.name()
                    + " has no ε budget and does not minimise a distance, give one eps");
        }
        int[] targets = attack.targeted() ? EvasionRunner.randomTargets(data, config.seed()) : null;
        List<AttackResult> results = EvasionRunner.sweep(attack, entry.epsilons(), (a, eps) -> executor.run(
                new AttackExecutor.Job(config, entry, eps, a, naiveGradients, naiveGradients ? 0
                        : Deployment.distillationTemperature(model).orElse(0)), model, data, targets, progress), data::image);
        String norm = attack instanceof EpsilonAttack ea ? ea.norm().cliName()
                : attack instanceof MinimalPerturbationAttack m && entry.epsilons().size() > 1 ? m.distanceNorm().cliName()
                : entry.spec().norm().cliName();
        AttackRecord rec = AttackRecord.of(id, key, entry.epsilons(), results, norm, data, started,
                (System.nanoTime() - t0) / 1e9);
        return detector == null ? rec : rec.withDetection(detector.evaluate(results.get(results.size() - 1), data));
    }

    /** What a stored result must match to be reused: model, data, the attack entry, and the audit-wide settings. */
    static String key(Classifier model, Dataset data, AuditConfig config, Object entry) {
        Map<String, Object> k = new LinkedHashMap<>();
        k.put("model", model.info().sha256());
        if (model instanceof org.dlsec.model.NormalizedClassifier n) {
            k.put("normalize", n.describe());
        }
        k.put("data", data.origin());
        k.put("entry", entry);
        if (config.defence() != null) {
            k.put("defence", config.defence());
        }
        k.put("seed", config.seed());
        k.put("batchSize", config.batchSize());
        k.put("dlsec", Versions.dlsec());
        return Hashing.sha256(Json.toString(k).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static Map<String, Object> machine() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("maxHeapMiB", Runtime.getRuntime().maxMemory() / (1024 * 1024));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        return m;
    }
}
