package org.dlsec.audit;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.IntStream;
import org.dlsec.attack.poisoning.PoisoningAttack;
import org.dlsec.attack.poisoning.PoisoningAttacks;
import org.dlsec.core.DlsecException;
import org.dlsec.data.Dataset;
import org.dlsec.experiment.PoisoningOutcome;
import org.dlsec.experiment.PoisoningRun;
import org.dlsec.experiment.PoisoningSpec;
import org.dlsec.model.Architecture;
import org.dlsec.model.Classifier;
import org.dlsec.report.AdversarialGrids;
import org.dlsec.report.PoisonRecord;
import org.dlsec.train.TrainConfig;

/**
 * Runs the audit's poisoning experiments: the audited architecture retrained on poisoned data, through
 * the same registry and {@link PoisoningRun} as {@code dlsec poison}.
 */
final class PoisonRuns {
    private PoisonRuns() {}

    /** The architecture to retrain, or null when the model does not name one dlsec can build. */
    static Architecture architecture(Classifier model) {
        String a = model.info().architecture();
        if (a == null || a.isBlank()) {
            return null;
        }
        try {
            return Architecture.parse(a);
        } catch (DlsecException e) {
            return null;
        }
    }

    static PoisonRecord run(Architecture arch, Dataset train, Dataset test, AuditConfig config, AuditConfig.PoisonEntry e,
            String key, boolean progress) {
        if (e.featureCollision()) {
            return collision(arch, train, test, config, e, key, progress);
        }
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        Dataset clean = train.first(Math.min(e.trainSamples(), train.size()));
        TrainConfig tc = victimTraining(e, config);
        PoisoningAttack attack = PoisoningAttacks.create(e.poison(), e.params());
        org.dlsec.experiment.PoisonDefence defence = e.detect() == null ? null : org.dlsec.experiment.PoisonDefence.named(
                e.detect(), e.defence(), config.seed(), e.batchSize(), attack.rate(), clean.numClasses());
        PoisoningOutcome r = PoisoningRun.run(new PoisoningSpec(attack, arch, tc, defence, e.retrain(), config.seed()), clean,
                test, progress);
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("poison", e.poison());
        params.putAll(PoisoningAttacks.describe(attack));
        params.remove("attack");
        params.put("trainSamples", clean.size());
        params.put("epochs", e.epochs());
        params.put("batchSize", e.batchSize());
        params.put("architecture", arch.cliName());
        params.put("seed", config.seed());
        if (e.detect() != null) {
            params.put("detect", e.detect());
            params.put("retrain", e.retrain());
        }
        String grid = null;
        Integer target = attack.targetClass();
        if (target != null && r.experiment().triggered() != null && r.experiment().triggered().size() > 0) {
            int[] keep = IntStream.range(0, test.size()).filter(i -> test.label(i) != target).toArray();
            grid = java.util.Base64.getEncoder().encodeToString(AdversarialGrids.triggers(
                    test.subset(keep, "labels other than the backdoor target"), r.experiment().triggered(),
                    r.experiment().triggeredPredictions(), 6).png());
        }
        return new PoisonRecord(e.id(), key, e.poison(), params, r.experiment().cleanModelAccuracy(),
                r.experiment().poisonedModelAccuracy(), r.attackSuccessRate(), r.experiment().triggerOnCleanModel(),
                r.poisoned().poisoned().length, r.trainSamples(), started, (System.nanoTime() - t0) / 1e9, grid,
                r.experiment().triggered() == null ? null : r.experiment().triggered().size(), r.detection());
    }

    /**
     * Poison Frogs in the transfer-learning setting, as {@code dlsec poison --attack featurecollision} runs it: the
     * victim's architecture is trained on the clean pre-training part of the training samples (the feature extractor
     * a team would download), and for each target a victim retrains the final layer on its clean part plus the
     * target's poisons. The record's attack success is the share of targets sent to the base class, its
     * "triggered samples" the targets, its poisoned samples the poisons of one target.
     */
    private static PoisonRecord collision(Architecture arch, Dataset train, Dataset test, AuditConfig config,
            AuditConfig.PoisonEntry e, String key, boolean progress) {
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        Dataset clean = train.first(Math.min(e.trainSamples(), train.size()));
        org.dlsec.experiment.FeatureCollisionRun run = org.dlsec.experiment.FeatureCollisionRun.prepare(e.collision(), clean,
                test);
        TrainConfig tc = victimTraining(e, config);
        try (org.dlsec.model.DjlClassifier extractor = org.dlsec.attack.poisoning.PoisoningExperiment.train(arch,
                run.pretrain(), tc, progress)) {
            int[] targets = run.targets(extractor);
            Map<String, Object> params = new LinkedHashMap<>(run.parameters(arch.cliName()
                    + " trained here on the clean training samples", targets, e.epochs()));
            params.remove("attack");
            params.put("poison", "featurecollision");
            params.put("trainSamples", clean.size());
            params.put("batchSize", e.batchSize());
            params.put("architecture", arch.cliName());
            params.put("seed", config.seed());
            org.dlsec.attack.poisoning.FeatureCollisionExperiment.Result r = run.run(extractor, targets, progress).result();
            long before = r.targets().stream().filter(t -> t.baselinePrediction() == r.baseClass()).count();
            String grid = java.util.Base64.getEncoder().encodeToString(AdversarialGrids.featureCollision(r, test).png());
            return new PoisonRecord(e.id(), key, e.poison(), params, r.cleanAccuracyBaseline(), r.meanCleanAccuracy(),
                    r.successRate(), (double) before / r.targets().size(), r.poisonsPerTarget(), run.train().size(), started,
                    (System.nanoTime() - t0) / 1e9, grid, r.targets().size(), null);
        }
    }

    /** How every victim (and feature extractor) of an entry trains: the command's Adam at 2e-3 with cosine decay. */
    private static TrainConfig victimTraining(AuditConfig.PoisonEntry e, AuditConfig config) {
        return new TrainConfig(e.epochs(), e.batchSize(), "adam", 2e-3, config.seed(), "cosine");
    }
}
