package org.dlsec.experiment;

import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.dlsec.core.NumericalIssue;
import org.dlsec.data.Dataset;
import org.dlsec.defence.detection.NeuralCleanse;
import org.dlsec.defence.detection.Strip;
import org.dlsec.model.Classifier;

/**
 * Runs a backdoor scan: Neural Cleanse on the model and the clean data, then STRIP calibrated on the clean data
 * (split into overlay pool, calibration and held-out thirds), its FAR measured against Neural Cleanse's reversed
 * trigger for the suspected target when there is one.
 */
public final class ScanRun {
    private ScanRun() {}

    /**
     * Runs {@code spec} on {@code model} with clean data {@code data}; {@code log} hears the lines a user sees.
     *
     * @param spec the scan
     * @param model the classifier; not closed
     * @param data clean data, as a defender holds it
     * @param log hears progress lines
     * @param progress whether to show progress bars on stderr
     * @return what the detectors found
     */
    public static ScanOutcome run(ScanSpec spec, Classifier model, Dataset data, Consumer<String> log, boolean progress) {
        NeuralCleanse.Result r = spec.cleanse() == null ? null : cleanse(spec.cleanse(), model, data, log, progress);
        ScanOutcome.StripCheck strip = spec.strip() == null ? null : strip(spec, model, data, r, log, progress);
        return new ScanOutcome(r, strip);
    }

    private static NeuralCleanse.Result cleanse(NeuralCleanse nc, Classifier c, Dataset d, Consumer<String> log,
            boolean progress) {
        NeuralCleanse.Result r = nc.scan(c, d, progress);
        for (NeuralCleanse.ClassTrigger t : r.triggers()) {
            log.accept(String.format("class %2d: trigger L1 %8.2f  reaches the class on %5.1f%%  anomaly index %6.2f%s",
                    t.label(), t.maskL1(), 100 * t.attackSuccess(), r.anomalyIndex()[t.label()],
                    t.label() == r.suspectedTarget() ? "  <- suspected target" : ""));
        }
        NumericalIssue.lines(r.numericalIssues(), 5).forEach(log);
        log.accept(r.backdoored() ? String.format("BACKDOORED: suspected target class %d (anomaly index %.2f > %.1f)",
                r.suspectedTarget(), r.anomalyIndex()[r.suspectedTarget()], nc.anomalyThreshold())
                : String.format("no backdoor found (largest anomaly index %.2f <= %.1f)", r.maxAnomalyIndex(), nc.anomalyThreshold()));
        return r;
    }

    private static ScanOutcome.StripCheck strip(ScanSpec spec, Classifier c, Dataset d, NeuralCleanse.Result cleanse,
            Consumer<String> log, boolean progress) {
        Strip st = spec.strip();
        Dataset[] parts = Strip.split(d, spec.seed());
        Dataset held = parts[2];
        Dataset triggered = null;
        String farNote;
        if (cleanse != null && cleanse.backdoored()) {
            int t = cleanse.suspectedTarget();
            int[] keep = IntStream.range(0, held.size()).filter(i -> held.label(i) != t).toArray();
            triggered = keep.length == 0 ? null : cleanse.triggers().get(t).stamp(held.subset(keep, "outside class " + t));
            farNote = "FAR against the trigger Neural Cleanse reverse-engineered for the suspected target " + t
                    + " (a proxy: the real trigger is unknown)";
        } else {
            farNote = "FAR needs triggered inputs: a scan has clean data only (use dlsec poison --detect strip for FAR against"
                    + " a known trigger)";
        }
        Strip.Result r = st.evaluate(c, parts[0], parts[1], held, triggered, progress);
        Strip.Summary e = Strip.Summary.of(r.calibration());
        log.accept(String.format("STRIP (N=%d): clean entropy mean %.3f bits (sd %.3f, 5%% quantile %.3f); threshold %.4f at"
                + " target FRR %.1f%%; FRR %.2f%% on %d held-out clean inputs; FAR %s", st.overlays(), e.mean(), e.std(),
                e.p05(), r.threshold(), 100 * st.frr(), 100 * r.frr(), held.size(), Double.isNaN(r.far())
                        ? "not available (no triggered inputs)" : String.format("%.2f%% against the reversed trigger", 100 * r.far())));
        return new ScanOutcome.StripCheck(r, parts[1].size(), held.size(), farNote);
    }
}
