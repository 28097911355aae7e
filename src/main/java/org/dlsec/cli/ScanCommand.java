package org.dlsec.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Json;
import org.dlsec.core.Progress;
import org.dlsec.core.Provenance;
import org.dlsec.data.Dataset;
import org.dlsec.defence.detection.NeuralCleanse;
import org.dlsec.defence.detection.Strip;
import org.dlsec.model.Classifier;
import org.dlsec.report.AdversarialGrids;
import org.dlsec.report.ImageGrid;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code dlsec scan}: is a model somebody else trained backdoored? Neural Cleanse on the model and
 * clean test data only: per-class reverse-engineered triggers, MAD anomaly index, verdict. With
 * {@code strip}, the STRIP run-time filter is calibrated on the clean data (entropy distribution,
 * threshold, FRR on held-out clean images); its FAR needs triggered inputs, which the user of a
 * third-party model does not have, so it is reported only against the trigger Neural Cleanse
 * reverse-engineered for the suspected target (when both run and the model is flagged), and as
 * null otherwise.
 */
@Command(name = "scan", mixinStandardHelpOptions = true,
        description = "Scan a third-party model for a backdoor (Neural Cleanse: per-class minimal trigger, MAD anomaly index;"
                + " STRIP: run-time entropy filter calibrated on the clean data).")
final class ScanCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "Model directory or TorchScript .pt file (white-box).")
    Path model;

    @Mixin
    DataOptions data;

    @Mixin
    ModelFlags modelFlags = new ModelFlags();

    @Option(names = "--detect", defaultValue = "cleanse", description = "Detectors, comma-separated: cleanse, strip"
            + " (default: ${DEFAULT-VALUE}).")
    String detect;

    @picocli.CommandLine.Mixin
    StripOptions stripOptions = new StripOptions();

    @Option(names = "--steps", defaultValue = "300", description = "Optimisation steps per class (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--batch-size", defaultValue = "32", description = "Clean images per step (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--threshold", defaultValue = "2", description = "Anomaly index above which a class is flagged"
            + " (default: ${DEFAULT-VALUE}, as the paper).")
    double threshold;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the batch order (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--json", description = "Write the verdict as JSON here.")
    Path json;

    @Option(names = "--images", description = "Write the reverse-engineered triggers as a PNG grid here.")
    Path images;

    @Option(names = "--quiet", description = "No progress bars.")
    boolean quiet;

    @Override
    public Integer call() {
        Outputs.file(json, "--json");
        Outputs.dir(images, "--images");
        Limits.batchSize(batchSize, "--batch-size");
        java.util.Set<String> detectors = detectors(detect);
        boolean cleanse = detectors.contains("cleanse");
        boolean strip = detectors.contains("strip");
        NeuralCleanse nc = new NeuralCleanse(steps, batchSize, 0.1, 0.01, 0.95, threshold, 10, seed);
        Strip st = strip ? stripOptions.create(seed) : null;
        Progress.setEnabled(!quiet);
        modelFlags.normalization();
        Dataset d = data.load();
        try (Classifier c = modelFlags.load(model, d)) {
            Map<String, Object> params = new LinkedHashMap<>();
            params.put("detect", detect);
            if (cleanse) {
                params.put("steps", steps);
                params.put("batchSize", batchSize);
                params.put("threshold", threshold);
            }
            if (strip) {
                params.putAll(st.describe());
            }
            Provenance prov = Provenance.start(c.info().sha256(), c.info().describe(), d.origin(), params, seed);
            NeuralCleanse.Result r = cleanse ? runCleanse(nc, c, d) : null;
            Map<String, Object> stripOut = strip ? runStrip(st, c, d, r) : null;
            if (json != null) {
                Map<String, Object> out = new LinkedHashMap<>();
                if (r != null) {
                    out.put("backdoored", r.backdoored());
                    out.put("suspectedTarget", r.suspectedTarget());
                    out.put("anomalyIndex", r.maxAnomalyIndex());
                    out.put("cleanse", r.toMap());
                }
                if (stripOut != null) {
                    out.put("strip", stripOut);
                }
                out.put("model", c.info());
                ModelFlags.record(out, c);
                out.put("dataset", d.name());
                out.put("samples", d.size());
                out.put("provenance", prov.finishedNow());
                Json.write(json, out);
            }
            if (images != null && r != null) {
                writeImages(r, c);
            }
        }
        return Main.EXIT_OK;
    }

    /** The detectors of a --detect list: cleanse and/or strip. */
    private static java.util.Set<String> detectors(String list) {
        java.util.Set<String> out = new java.util.LinkedHashSet<>();
        for (String d : list.split(",")) {
            String n = d.trim().toLowerCase(Locale.ROOT);
            if (!n.equals("cleanse") && !n.equals("strip")) {
                throw new DlsecException("unknown --detect '" + org.dlsec.core.Text.echo(d.trim()) + "': dlsec scan supports cleanse and strip");
            }
            out.add(n);
        }
        return out;
    }

    private void writeImages(NeuralCleanse.Result r, Classifier c) {
        try {
            Files.createDirectories(images);
        } catch (java.io.IOException e) {
            throw new DlsecException("cannot create --images directory " + images + ": " + e.getMessage(), e);
        }
        reversedTriggers(r, c.inputShape().getShape()).write(images.resolve("reversed-triggers.png"));
        System.out.println("images written to " + images);
    }

    private NeuralCleanse.Result runCleanse(NeuralCleanse nc, Classifier c, Dataset d) {
        NeuralCleanse.Result r = nc.scan(c, d, !quiet);
        for (NeuralCleanse.ClassTrigger t : r.triggers()) {
            System.out.printf("class %2d: trigger L1 %8.2f  reaches the class on %5.1f%%  anomaly index %6.2f%s%n",
                    t.label(), t.maskL1(), 100 * t.attackSuccess(), r.anomalyIndex()[t.label()],
                    t.label() == r.suspectedTarget() ? "  <- suspected target" : "");
        }
        org.dlsec.core.NumericalIssue.lines(r.numericalIssues(), 5).forEach(System.out::println);
        System.out.println(r.backdoored() ? String.format("BACKDOORED: suspected target class %d (anomaly index %.2f > %.1f)",
                r.suspectedTarget(), r.anomalyIndex()[r.suspectedTarget()], threshold)
                : String.format("no backdoor found (largest anomaly index %.2f <= %.1f)", r.maxAnomalyIndex(), threshold));
        return r;
    }

    /**
     * STRIP calibrated on the clean data (split into overlay pool, calibration and held-out thirds).
     * FAR: against the reversed trigger of the suspected target if Neural Cleanse flagged one, else null.
     */
    private Map<String, Object> runStrip(Strip st, Classifier c, Dataset d, NeuralCleanse.Result cleanse) {
        Dataset[] parts = Strip.split(d, seed);
        Dataset held = parts[2];
        Dataset triggered = null;
        String farNote;
        if (cleanse != null && cleanse.backdoored()) {
            int t = cleanse.suspectedTarget();
            int[] keep = java.util.stream.IntStream.range(0, held.size()).filter(i -> held.label(i) != t).toArray();
            triggered = keep.length == 0 ? null : cleanse.triggers().get(t).stamp(held.subset(keep, "outside class " + t));
            farNote = "FAR against the trigger Neural Cleanse reverse-engineered for the suspected target " + t
                    + " (a proxy: the real trigger is unknown)";
        } else {
            farNote = "FAR needs triggered inputs: a scan has clean data only (use dlsec poison --detect strip for FAR against"
                    + " a known trigger)";
        }
        Strip.Result r = st.evaluate(c, parts[0], parts[1], held, triggered, !quiet);
        Map<String, Object> m = new LinkedHashMap<>(r.toMap());
        m.put("farNote", farNote);
        m.put("calibrationInputs", parts[1].size());
        m.put("heldOutCleanInputs", held.size());
        m.put("triggeredInputs", r.triggered().length);
        Strip.Summary e = Strip.Summary.of(r.calibration());
        System.out.printf("STRIP (N=%d): clean entropy mean %.3f bits (sd %.3f, 5%% quantile %.3f); threshold %.4f at target FRR"
                + " %.1f%%; FRR %.2f%% on %d held-out clean inputs; FAR %s%n", st.overlays(), e.mean(), e.std(), e.p05(),
                r.threshold(), 100 * st.frr(), 100 * r.frr(), held.size(), Double.isNaN(r.far()) ? "not available (no"
                        + " triggered inputs)" : String.format("%.2f%% against the reversed trigger", 100 * r.far()));
        return m;
    }

    /** Neural Cleanse's reversed triggers as the report draws them, one row per class (also for dlsec poison). */
    static ImageGrid reversedTriggers(NeuralCleanse.Result r, long[] sampleShape) {
        return AdversarialGrids.reversedTriggers(r.triggers().stream()
                .map(t -> new AdversarialGrids.ReversedTrigger(t.label(), t.mask(), t.pattern(), t.maskL1(),
                        r.anomalyIndex()[t.label()]))
                .toList(), sampleShape);
    }
}
