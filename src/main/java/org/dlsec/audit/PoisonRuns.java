package org.dlsec.audit;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.dlsec.attack.poisoning.Poisoned;
import org.dlsec.attack.poisoning.PoisoningExperiment;
import org.dlsec.attack.poisoning.Poisons;
import org.dlsec.attack.poisoning.Trigger;
import org.dlsec.core.DlsecException;
import org.dlsec.data.Dataset;
import org.dlsec.model.Architecture;
import org.dlsec.model.Classifier;
import org.dlsec.report.PoisonRecord;
import org.dlsec.train.TrainConfig;

/** Runs the audit's poisoning experiments: the audited architecture retrained on poisoned data. */
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
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        Dataset clean = train.first(Math.min(e.trainSamples(), train.size()));
        TrainConfig tc = TrainConfig.defaults(e.epochs(), config.seed());
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("poison", e.poison());
        params.put("rate", e.rate());
        params.put("trainSamples", clean.size());
        params.put("epochs", e.epochs());
        params.put("architecture", arch.cliName());
        params.put("seed", config.seed());
        PoisoningExperiment.Result r;
        if (e.poison().equals("badnets")) {
            DlsecException.require(e.target() < train.numClasses(), "target", "must be a class in 0.."
                    + (train.numClasses() - 1) + ", got " + e.target());
            Trigger t = new Trigger(e.size(), 1f, e.alpha());
            params.put("target", e.target());
            params.put("triggerSize", e.size());
            params.put("alpha", e.alpha());
            Poisoned p = Poisons.backdoor(clean, t, e.target(), e.rate(), config.seed());
            r = PoisoningExperiment.run(arch, clean, p, test, tc, t, e.target(), progress);
        } else {
            Poisoned p = Poisons.flipLabels(clean, e.rate(), config.seed());
            r = PoisoningExperiment.run(arch, clean, p, test, tc, null, null, progress);
        }
        String grid = null;
        if (r.triggered() != null && r.triggered().size() > 0) {
            int[] keep = java.util.stream.IntStream.range(0, test.size()).filter(i -> test.label(i) != e.target()).toArray();
            grid = java.util.Base64.getEncoder().encodeToString(org.dlsec.report.AdversarialGrids.triggers(
                    test.subset(keep, "labels other than the backdoor target"), r.triggered(), r.triggeredPredictions(), 6)
                    .png());
        }
        return new PoisonRecord(e.id(), key, e.poison(), params, r.cleanModelAccuracy(), r.poisonedModelAccuracy(),
                r.attackSuccessRate(), r.triggerOnCleanModel(), r.poisonedSamples(), r.trainSamples(), started,
                (System.nanoTime() - t0) / 1e9, grid);
    }
}
