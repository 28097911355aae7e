package org.dlsec.audit;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dlsec.data.Dataset;
import org.dlsec.defence.detection.NeuralCleanse;
import org.dlsec.defence.detection.Strip;
import org.dlsec.experiment.ScanOutcome;
import org.dlsec.experiment.ScanRun;
import org.dlsec.experiment.ScanSpec;
import org.dlsec.model.Classifier;
import org.dlsec.report.AdversarialGrids;
import org.dlsec.report.ScanRecord;

/**
 * Runs the audit's backdoor scans of the audited model through {@link ScanRun}, as {@code dlsec scan} does, on the
 * audited samples as the defender's clean data, and stores them as {@link ScanRecord}s.
 */
final class ScanRuns {
    private ScanRuns() {}

    /** Why no detector of {@code e} can run on {@code model} and {@code data}. */
    static String skipReason(Classifier model, Dataset data, AuditConfig.ScanEntry e) {
        String cleanse = e.cleanse() == null ? null : cleanseUnsupported(model);
        String strip = e.strip() == null ? null : "STRIP needs at least 3 clean samples, the audit has " + data.size();
        return e.id() + ": " + (cleanse == null ? strip : strip == null ? cleanse : cleanse + "; " + strip);
    }

    /** Why Neural Cleanse cannot scan {@code model}, or null when it can. */
    static String cleanseUnsupported(Classifier model) {
        return model.hasGradients() ? null : "Neural Cleanse not run: it optimises a trigger through the model's input"
                + " gradients, and the " + model.info().kind() + " model gives none";
    }

    /**
     * Runs {@code e} on {@code model}; a Neural Cleanse the model cannot take (no gradients), or a STRIP without enough
     * samples to split, is left out with the reason in the record's note, so the other detector still runs. Returns null
     * when nothing of the entry can run ({@link #skipReason} says why).
     */
    static ScanRecord run(Classifier model, Dataset data, AuditConfig.ScanEntry e, String key, boolean progress) {
        String why = e.cleanse() == null ? null : cleanseUnsupported(model);
        NeuralCleanse cleanse = why == null ? e.cleanse() : null;
        Strip stripper = e.strip();
        if (stripper != null && data.size() < 3) {
            stripper = null;
            why = (why == null ? "" : why + "; ") + "STRIP not run: it needs at least 3 clean samples (overlay pool,"
                    + " calibration, held-out), the audit has " + data.size();
        }
        if (cleanse == null && stripper == null) {
            return null;
        }
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        ScanSpec spec = new ScanSpec(e.detect(), cleanse, stripper, e.cleanse() != null ? e.cleanse().seed() : e.strip().seed());
        ScanOutcome o = ScanRun.run(spec, model, data, line -> {}, progress);
        Map<String, Object> params = new LinkedHashMap<>();
        if (cleanse != null) {
            params.putAll(spec.parameters(cleanse.steps(), cleanse.batchSize(), cleanse.anomalyThreshold()));
        } else {
            params.putAll(spec.parameters(0, 0, 0));
        }
        params.put("detect", e.detect());
        params.put("cleanSamples", data.size());
        NeuralCleanse.Result r = o.cleanse();
        List<ScanRecord.ClassTrigger> classes = new ArrayList<>();
        String grid = null;
        if (r != null) {
            for (NeuralCleanse.ClassTrigger t : r.triggers()) {
                classes.add(new ScanRecord.ClassTrigger(t.label(), t.maskL1(), t.attackSuccess(), t.reached(),
                        r.anomalyIndex()[t.label()]));
            }
            grid = !data.isImage() ? null : java.util.Base64.getEncoder().encodeToString(AdversarialGrids.reversedTriggers(r.triggers().stream()
                    .map(t -> new AdversarialGrids.ReversedTrigger(t.label(), t.mask(), t.pattern(), t.maskL1(),
                            r.anomalyIndex()[t.label()]))
                    .toList(), model.inputShape().getShape()).png());
        }
        ScanRecord.StripFigures strip = null;
        if (o.strip() != null) {
            Strip.Result s = o.strip().result();
            strip = new ScanRecord.StripFigures(s.params().overlays(), s.params().frr(), s.threshold(), s.frr(),
                    o.strip().heldOutCleanInputs(), Double.isNaN(s.far()) ? null : s.far(), o.strip().triggeredInputs(),
                    Strip.Summary.of(s.calibration()).mean(), o.strip().farNote());
        }
        return new ScanRecord(e.id(), key, e.detect(), params, r == null ? null : r.backdoored(),
                r == null ? null : r.suspectedTarget(), r == null ? null : r.maxAnomalyIndex(),
                r == null ? null : cleanse.anomalyThreshold(), classes, strip, why, started, (System.nanoTime() - t0) / 1e9,
                grid, r == null ? List.of() : r.numericalIssues());
    }
}
