package org.dlsec.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Progress;
import org.dlsec.core.Provenance;
import org.dlsec.data.Dataset;
import org.dlsec.defence.detection.NeuralCleanse;
import org.dlsec.experiment.CommandOutput;
import org.dlsec.experiment.ScanOutcome;
import org.dlsec.experiment.ScanRun;
import org.dlsec.experiment.ScanSpec;
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
final class ScanCommand extends OutcomeCommand.Seeded {
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

    @Option(names = "--images", description = "Write the reverse-engineered triggers as a PNG grid here.")
    Path images;

    @Override
    public Integer call() {
        Outputs.file(json, "--json");
        Outputs.dir(images, "--images");
        Limits.batchSize(batchSize, "--batch-size");
        java.util.Set<String> detectors = detectors(detect);
        boolean cleanse = detectors.contains("cleanse");
        boolean strip = detectors.contains("strip");
        ScanSpec spec = new ScanSpec(detect, cleanse ? new NeuralCleanse(steps, batchSize, 0.1, 0.01, 0.95, threshold, 10, seed)
                : null, strip ? stripOptions.create(seed) : null, seed);
        Progress.setEnabled(!quiet);
        modelFlags.normalization();
        Dataset d = data.load();
        try (Classifier c = modelFlags.load(model, d)) {
            Provenance prov = c.startProvenance(d.origin(),
                    spec.parameters(steps, batchSize, threshold), seed);
            ScanOutcome o = ScanRun.run(spec, c, d, System.out::println, !quiet);
            CommandOutput.of("scan", o.json()).withModel(c.info(), ModelFlags.describe(c)).withDataName(d.name())
                    .withSamples(d.size()).finishing(prov).write(json);
            if (images != null && o.cleanse() != null) {
                writeImages(o.cleanse(), c);
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

    /** Neural Cleanse's reversed triggers as the report draws them, one row per class (also for dlsec poison). */
    static ImageGrid reversedTriggers(NeuralCleanse.Result r, long[] sampleShape) {
        return AdversarialGrids.reversedTriggers(r.triggers().stream()
                .map(t -> new AdversarialGrids.ReversedTrigger(t.label(), t.mask(), t.pattern(), t.maskL1(),
                        r.anomalyIndex()[t.label()]))
                .toList(), sampleShape);
    }
}
