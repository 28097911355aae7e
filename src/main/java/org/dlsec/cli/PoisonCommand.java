package org.dlsec.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import org.dlsec.attack.poisoning.BlendedTrigger;
import org.dlsec.attack.poisoning.Poisoned;
import org.dlsec.attack.poisoning.PoisoningExperiment;
import org.dlsec.attack.poisoning.Poisons;
import org.dlsec.attack.poisoning.SparseTrigger;
import org.dlsec.attack.poisoning.StealthyAttack;
import org.dlsec.attack.poisoning.Trigger;
import org.dlsec.attack.poisoning.TriggerPattern;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Json;
import org.dlsec.core.Progress;
import org.dlsec.core.Provenance;
import org.dlsec.data.Dataset;
import org.dlsec.defence.detection.ActivationClustering;
import org.dlsec.defence.detection.FinePruning;
import org.dlsec.defence.detection.NeuralCleanse;
import org.dlsec.defence.detection.PoisonDetection;
import org.dlsec.defence.detection.PoisonDetector;
import org.dlsec.defence.detection.PoisonScreening;
import org.dlsec.defence.detection.SpectralSignatures;
import org.dlsec.defence.detection.Strip;
import org.dlsec.model.Architecture;
import org.dlsec.report.AdversarialGrids;
import org.dlsec.report.ImageGrid;
import org.dlsec.train.TrainConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code dlsec poison}: poisons the training set, trains the victim on it and on the clean set with
 * the same seed, and reports clean accuracy, attack success and (with {@code --detect}) how well a
 * poison detector finds the changed samples.
 */
@Command(name = "poison", mixinStandardHelpOptions = true,
        description = "Train on poisoned data (label flipping, BadNets, blended trigger, noise, the stealthy sparse-trigger"
                + " attack, clean-label feature collision) and measure the damage; optionally detect the poisons (spectral"
                + " signatures, activation clustering), triggered inputs at run time (STRIP) or remove the backdoor"
                + " (fine-pruning).")
final class PoisonCommand implements Callable<Integer> {
    static final List<String> ATTACKS = List.of("labelflip", "badnets", "badnets-all", "blend", "noise", "stealthy",
            "featurecollision");
    static final List<String> DETECTORS = List.of("spectral", "ac", "strip", "cleanse", "fineprune");

    @Option(names = "--dataset", required = true, description = SourceFlags.DATASET_HELP)
    String dataset;

    @picocli.CommandLine.Mixin
    SourceFlags sourceFlags = new SourceFlags();


    @Option(names = "--data-dir", description = "Folder holding mnist/, gtsrb/, fashion-mnist/ (default: $DLSEC_DATA).")
    Path dataDir;

    @Option(names = "--arch", defaultValue = "lenet5", description = "lenet5, vgg or madry (default: ${DEFAULT-VALUE}).")
    String arch;

    @Option(names = "--attack", required = true, description = "labelflip, badnets (all-to-one), badnets-all (all-to-all),"
            + " blend (Chen et al. blended trigger), noise, stealthy (low-rate sparse trigger) or featurecollision"
            + " (Poison Frogs, transfer learning).")
    String attack;

    @Option(names = "--rate", defaultValue = "0.01", description = "Fraction of the training set poisoned (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--target", defaultValue = "0", description = "Backdoor target class (default: ${DEFAULT-VALUE}).")
    int target;

    @Option(names = "--trigger-size", defaultValue = "3", description = "Side of the corner trigger patch (default: ${DEFAULT-VALUE}).")
    int triggerSize;

    @Option(names = "--alpha", defaultValue = "0.3", description = "blend: blending weight of the trigger (default: ${DEFAULT-VALUE}).")
    double alpha;

    @Option(names = "--blend-pattern", defaultValue = "noise", description = "blend: noise (Chen et al.'s full-image random"
            + " key pattern, drawn from --seed) or square (a white square of --blend-size in the corner) (default:"
            + " ${DEFAULT-VALUE}).")
    String blendPattern;

    @Option(names = "--blend-size", defaultValue = "12", description = "blend: side of the blended square (default: ${DEFAULT-VALUE}).")
    int blendSize;

    @Option(names = "--sigma", defaultValue = "0.5", description = "noise: standard deviation of the noise (default: ${DEFAULT-VALUE}).")
    double sigma;

    @Option(names = "--pixels", defaultValue = "25", description = "stealthy: dots in the sparse trigger (default: ${DEFAULT-VALUE}).")
    int pixels;

    @Option(names = "--amplitude", defaultValue = "1.0", description = "stealthy: brightness added at each dot, L∞ of the"
            + " trigger (default: ${DEFAULT-VALUE}).")
    float amplitude;

    @Option(names = "--model", description = "featurecollision: the pre-trained feature extractor (a dlsec model directory);"
            + " default: train --arch on the clean training set.")
    Path model;

    @Option(names = "--base-class", defaultValue = "3", description = "featurecollision: the class the poisons look like and"
            + " the targets should be sent to (default: ${DEFAULT-VALUE}).")
    int baseClass;

    @Option(names = "--targets", defaultValue = "5", description = "featurecollision: number of target test images drawn"
            + " with --seed (default: ${DEFAULT-VALUE}).")
    int targets;

    @Option(names = "--target-index", split = ",", description = "featurecollision: test-set indices of the targets"
            + " (instead of --targets).")
    List<Integer> targetIndex;

    @Option(names = "--poisons", defaultValue = "20", description = "featurecollision: poisons per target (default: ${DEFAULT-VALUE}).")
    int poisons;

    @Option(names = "--beta", defaultValue = "25", description = "featurecollision: β0, weight of the similarity to the base,"
            + " scaled by (feature dim / input dim)² (default: ${DEFAULT-VALUE}).")
    double beta;

    @Option(names = "--iterations", defaultValue = "200", description = "featurecollision: forward-backward steps (default:"
            + " ${DEFAULT-VALUE}).")
    int iterations;

    @Option(names = "--step-size", defaultValue = "0.1", description = "featurecollision: initial forward step λ (default:"
            + " ${DEFAULT-VALUE}).")
    double stepSize;

    @Option(names = "--watermark", defaultValue = "0", description = "featurecollision: opacity γ of the target blended into"
            + " the base (default: ${DEFAULT-VALUE}).")
    double watermark;

    @Option(names = "--fine-tune", description = "featurecollision: the victim retrains its final layer on the last N training"
            + " images only (the extractor, when trained here, on the others); default: all of them.")
    Integer fineTune;

    @Option(names = "--head-epochs", defaultValue = "10", description = "featurecollision: epochs of final-layer retraining"
            + " (default: ${DEFAULT-VALUE}).")
    int headEpochs;

    @Option(names = "--epochs", defaultValue = "2", description = "Training epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--batch-size", defaultValue = "64", description = "Mini-batch size (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of poisoning, initialisation and shuffling.")
    long seed;

    @Option(names = "--limit", description = "Train on the first N training images only.")
    Integer limit;

    @Option(names = "--test-limit", description = "Score on the first N test images only.")
    Integer testLimit;

    @Option(names = "--detect", description = "Defence: spectral (Tran et al. 2018) or ac (Chen et al. 2018) poison"
            + " detection on the training set; strip (Gao et al. 2019) run-time detection of triggered inputs; cleanse"
            + " (Wang et al. 2019, Neural Cleanse) scan of the victim with half of the clean test set; fineprune"
            + " (Liu et al. 2018) pruning and fine-tuning of the victim on clean data.")
    String detect;

    @picocli.CommandLine.Mixin
    StripOptions stripOptions = new StripOptions();

    @Option(names = "--prune-ratio", description = "fineprune: share of the last conv layer's channels to prune, in [0, 1)"
            + " (default: the largest ratio within --max-accuracy-drop).")
    Double pruneRatio;

    @Option(names = "--max-accuracy-drop", defaultValue = "0.04", description = "fineprune: largest clean-accuracy drop the"
            + " pruning may cause (default: ${DEFAULT-VALUE}).")
    double maxAccuracyDrop;

    @Option(names = "--finetune-epochs", defaultValue = "3", description = "fineprune: epochs of fine-tuning on clean data"
            + " (default: ${DEFAULT-VALUE}).")
    int finetuneEpochs;

    @Option(names = "--finetune-lr", defaultValue = "0.005", description = "fineprune: Adam learning rate of the fine-tuning"
            + " (default: ${DEFAULT-VALUE}).")
    double finetuneLr;

    @Option(names = "--cleanse-steps", defaultValue = "300", description = "cleanse: optimisation steps per class"
            + " (default: ${DEFAULT-VALUE}).")
    int cleanseSteps;

    @Option(names = "--epsilon", description = "spectral: upper bound on the poisoned share of a class"
            + " (default: min(0.5, rate × classes), the whole budget in one class).")
    Double epsilon;

    @Option(names = "--retrain", description = "With --detect: retrain on the samples not flagged and report accuracy and"
            + " attack success after.")
    boolean retrain;

    @Option(names = "--json", description = "Write the results as JSON here.")
    Path json;

    @Option(names = "--images", description = "Write PNGs of the trigger, poisoned samples and triggered test images here.")
    Path images;

    @Option(names = "--quiet", description = "No progress bars.")
    boolean quiet;

    @Override
    public Integer call() {
        Outputs.file(json, "--json");
        Outputs.dir(images, "--images");
        Limits.batchSize(batchSize, "--batch-size");
        String kind = attack.trim().toLowerCase(Locale.ROOT);
        if (!ATTACKS.contains(kind)) {
            throw new DlsecException("unknown --attack '" + org.dlsec.core.Text.echo(attack) + "': expected one of " + String.join(", ", ATTACKS));
        }
        String det = detect == null ? null : detect.trim().toLowerCase(Locale.ROOT);
        if (det != null && !DETECTORS.contains(det)) {
            throw new DlsecException("unknown --detect '" + org.dlsec.core.Text.echo(detect) + "': expected one of " + String.join(", ", DETECTORS));
        }
        if (retrain && (det == null || !(det.equals("spectral") || det.equals("ac")))) {
            throw new DlsecException("--retrain needs --detect spectral or ac (it retrains on the samples the detector keeps)");
        }
        Strip strip = "strip".equals(det) ? stripOptions.create(seed) : null;
        FinePruning fineprune = "fineprune".equals(det) ? new FinePruning(pruneRatio == null ? Double.NaN : pruneRatio,
                maxAccuracyDrop, finetuneEpochs, batchSize, finetuneLr, seed) : null;
        NeuralCleanse cleanse = "cleanse".equals(det) ? NeuralCleanse.defaults(seed).withSteps(cleanseSteps) : null;
        if (limit != null && limit <= 0) {
            throw new DlsecException("invalid --limit: must be positive, got " + limit);
        }
        if (testLimit != null && testLimit <= 0) {
            throw new DlsecException("invalid --test-limit: must be positive, got " + testLimit);
        }
        DlsecException.require(rate > 0 && rate < 1, "--rate", "must be in (0, 1), got " + rate);
        Architecture architecture = Architecture.parse(arch);
        TrainConfig config = new TrainConfig(epochs, batchSize, "adam", 2e-3, seed, "cosine");
        Progress.setEnabled(!quiet);
        if (kind.equals("featurecollision")) {
            DlsecException.require(det == null, "--detect", "is not available with featurecollision (clean-label poisons)");
            return FeatureCollisionRun.run(this, architecture, config);
        }
        Dataset train = sourceFlags.open(dataset, "train", dataDir);
        Dataset test = sourceFlags.open(dataset, "test", dataDir);
        train = limit == null ? train : train.first(limit);
        test = testLimit == null ? test : test.first(testLimit);
        DlsecException.require(target >= 0 && target < train.numClasses(), "--target",
                "must be a class in 0.." + (train.numClasses() - 1) + ", got " + target);
        if (!train.isImage() && !kind.equals("labelflip") && !kind.equals("noise")) {
            throw new DlsecException("--attack " + kind + " stamps a trigger into images, but " + train.name()
                    + " holds feature vectors of shape " + train.sampleShape() + ": use --attack labelflip or noise");
        }
        if (!train.isImage() && det != null && !det.equals("spectral") && !det.equals("ac")) {
            throw new DlsecException("--detect " + det + " looks for an image trigger, but " + train.name()
                    + " holds feature vectors: use --detect spectral or ac");
        }
        int k = train.numClasses();
        PoisonDetector detector = det == null || strip != null || fineprune != null || cleanse != null ? null
                : det.equals("ac") ? ActivationClustering.defaults(seed)
                : new SpectralSignatures(epsilon != null ? epsilon : Math.min(0.5, rate * k), 1.5, 0);

        StealthyAttack stealthy = kind.equals("stealthy") ? new StealthyAttack(target, rate,
                new SparseTrigger(pixels, amplitude, seed)) : null;
        TriggerPattern trigger = switch (kind) {
            case "badnets", "badnets-all" -> Trigger.patch(triggerSize);
            case "blend" -> switch (blendPattern.trim().toLowerCase(java.util.Locale.ROOT)) {
                case "noise" -> new BlendedTrigger(alpha, seed);
                case "square" -> new Trigger(blendSize, 1f, alpha);
                default -> throw new DlsecException("unknown --blend-pattern '" + org.dlsec.core.Text.echo(blendPattern) + "': expected noise or square");
            };
            case "stealthy" -> stealthy.trigger();
            default -> null;
        };
        Poisoned p = switch (kind) {
            case "labelflip" -> Poisons.flipLabels(train, rate, seed);
            case "stealthy" -> stealthy.poison(train, seed);
            case "noise" -> Poisons.noise(train, rate, sigma, seed);
            case "badnets-all" -> Poisons.backdoorAllToAll(train, trigger, rate, seed);
            default -> Poisons.backdoor(train, trigger, target, rate, seed);
        };
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("attack", kind);
        params.put("rate", rate);
        params.put("architecture", architecture.cliName());
        params.put("epochs", epochs);
        params.put("batchSize", batchSize);
        if (trigger instanceof Trigger t) {
            params.put("trigger", Map.of("size", t.size(), "value", t.value(), "alpha", t.alpha()));
        } else if (trigger instanceof BlendedTrigger t) {
            params.put("trigger", Map.of("pattern", "uniform noise, full image", "alpha", t.alpha(), "key", t.seed()));
        } else if (trigger instanceof SparseTrigger t) {
            params.put("trigger", Map.of("pixels", t.pixels(), "amplitude", t.amplitude(), "key", t.seed()));
        }
        if (kind.equals("badnets") || kind.equals("blend") || kind.equals("stealthy")) {
            params.put("target", target);
        }
        if (kind.equals("noise")) {
            params.put("sigma", sigma);
        }
        if (det != null) {
            params.put("detect", det);
        }
        if (strip != null) {
            params.putAll(StripOptions.describe(strip));
        }
        if (fineprune != null) {
            params.put("pruneRatio", pruneRatio == null ? "search" : pruneRatio);
            params.put("maxAccuracyDrop", maxAccuracyDrop);
            params.put("finetuneEpochs", finetuneEpochs);
            params.put("finetuneLr", finetuneLr);
        }
        Provenance prov = Provenance.start("trained-here", architecture.cliName() + " trained by dlsec poison",
                train.origin() + "; test " + test.origin(), params, seed);

        boolean allToAll = kind.equals("badnets-all");
        Integer oneTarget = trigger != null && !allToAll ? target : null;
        TriggerPattern measured = allToAll ? null : trigger;
        final Dataset testSet = test;
        final PoisonDetection[] detection = new PoisonDetection[1];
        final Map<String, Object> defence = new LinkedHashMap<>();
        final double[] allToAllAsr = {Double.NaN};
        final NeuralCleanse.Result[] reversed = new NeuralCleanse.Result[1];
        // Neural Cleanse's defender holds half of the clean test set (the half fine-pruning uses)
        final Dataset cleanseData = cleanse == null ? null : test.splitValidation(0.5, seed)[0];
        PoisoningExperiment.Result r = PoisoningExperiment.run(architecture, train, p, test, config, measured, oneTarget, !quiet,
                model -> {
                    if (allToAll) {
                        allToAllAsr[0] = PoisoningExperiment.allToAllSuccess(model, testSet, trigger);
                    }
                    if (detector != null) {
                        detection[0] = PoisonScreening.screen(model, p.data(), detector);
                    }
                    if (strip != null) {
                        defence.putAll(runStrip(strip, model, testSet, trigger, allToAll));
                    }
                    if (fineprune != null) {
                        defence.putAll(runFinePruning(fineprune, model, testSet, trigger, allToAll));
                    }
                    if (cleanse != null) {
                        reversed[0] = cleanse.scan(model, cleanseData, !quiet);
                        defence.putAll(describeCleanse(reversed[0], cleanseData.size(), allToAll));
                    }
                });
        double asr = allToAll ? allToAllAsr[0] : r.attackSuccessRate();

        Map<String, Object> out = new LinkedHashMap<>();
        out.put("attack", kind);
        out.put("cleanAccuracy", r.poisonedModelAccuracy());
        out.put("cleanAccuracyBaseline", r.cleanModelAccuracy());
        out.put("attackSuccessRate", orNull(asr));
        out.put("attackSuccessBaseline", orNull(r.triggerOnCleanModel()));
        out.put("poisonRate", p.rate());
        out.put("poisoned", p.poisoned().length);
        out.put("trainSamples", train.size());
        out.put("testSamples", test.size());
        System.out.printf("%s at rate %.4f: %d of %d training samples poisoned%n", kind, rate, p.poisoned().length, train.size());
        System.out.printf("clean accuracy %.2f%% (unpoisoned model, same seed: %.2f%%)%n", 100 * r.poisonedModelAccuracy(),
                100 * r.cleanModelAccuracy());
        if (!Double.isNaN(asr)) {
            System.out.printf("attack success %.2f%%%s%n", 100 * asr, Double.isNaN(r.triggerOnCleanModel()) ? ""
                    : String.format(" (trigger on the unpoisoned model: %.2f%%)", 100 * r.triggerOnCleanModel()));
        }
        if (stealthy != null) {
            StealthyAttack.Outcome o = new StealthyAttack.Outcome(r);
            Map<String, Object> sm = new LinkedHashMap<>();
            sm.put("cleanDrop", o.cleanDrop());
            sm.put("maxCleanDrop", StealthyAttack.MAX_CLEAN_DROP);
            sm.put("minSuccess", StealthyAttack.MIN_SUCCESS);
            sm.put("meetsAcceptance", o.stealthy());
            out.put("stealthy", sm);
            System.out.printf("stealthy: clean drop %.2f points (≤ %.1f asked), success %.2f%% (≥ %.0f%% asked): %s%n",
                    100 * o.cleanDrop(), 100 * StealthyAttack.MAX_CLEAN_DROP, 100 * o.success(), 100 * StealthyAttack.MIN_SUCCESS,
                    o.stealthy() ? "met" : "NOT met");
        }
        if (detection[0] != null) {
            PoisonDetection d = detection[0];
            PoisonDetection.Score s = d.score(p.poisoned());
            Map<String, Object> dm = new LinkedHashMap<>(d.toMap());
            dm.put("truePositiveRate", orNull(s.truePositiveRate()));
            dm.put("falsePositiveRate", orNull(s.falsePositiveRate()));
            dm.put("precision", orNull(s.precision()));
            dm.put("truePositives", s.truePositives());
            dm.put("falsePositives", s.falsePositives());
            System.out.printf("%s flags %d samples: %.2f%% of the poisons (TPR), %.2f%% of the clean samples (FPR);"
                    + " suspicious classes %s%n", d.method(), d.flaggedIndices().length, 100 * s.truePositiveRate(),
                    100 * s.falsePositiveRate(), dm.get("suspiciousClasses"));
            if (retrain) {
                java.util.function.ToDoubleFunction<org.dlsec.model.Classifier> success = trigger == null ? null
                        : allToAll ? m -> PoisoningExperiment.allToAllSuccess(m, testSet, trigger)
                        : m -> PoisoningExperiment.attackSuccess(m, testSet, trigger, target);
                PoisonScreening.Retrained rt = PoisonScreening.retrain(architecture, p.data(), d, test, config, success, !quiet);
                Map<String, Object> rm = new LinkedHashMap<>(rt.toMap());
                rm.put("attackSuccessRate", orNull(rt.attackSuccessRate()));
                dm.put("retrained", rm);
                System.out.printf("retrained on the %d samples kept: clean accuracy %.2f%%, attack success %s%n",
                        rt.trainSamples(), 100 * rt.cleanAccuracy(), Double.isNaN(rt.attackSuccessRate()) ? "n/a"
                                : String.format("%.2f%%", 100 * rt.attackSuccessRate()));
            }
            out.put("detection", dm);
        }
        if (!defence.isEmpty()) {
            out.put("detection", defence);
        }
        out.put("provenance", prov.finishedNow());
        if (json != null) {
            Json.write(json, out);
        }
        if (images != null) {
            writeImages(p, train, test, r, trigger, allToAll);
            if (reversed[0] != null) {
                ScanCommand.reversedTriggers(reversed[0], train.sampleShape().getShape())
                        .write(images.resolve("reversed-triggers.png"));
            }
            System.out.println("images written to " + images);
        }
        return Main.EXIT_OK;
    }

    /**
     * STRIP on the victim: the test set is split into overlay pool, calibration and held-out thirds;
     * FAR is measured on the held-out images (outside the target class) with the trigger stamped in.
     */
    private Map<String, Object> runStrip(Strip strip, org.dlsec.model.Classifier model, Dataset test, TriggerPattern trigger,
            boolean allToAll) {
        Dataset[] parts = Strip.split(test, seed);
        Dataset held = parts[2];
        Dataset triggered = null;
        if (trigger != null) {
            int[] keep = IntStream.range(0, held.size()).filter(i -> allToAll || held.label(i) != target).toArray();
            triggered = keep.length == 0 ? null : trigger.stamp(held.subset(keep, "held-out images outside the target class"));
        }
        Strip.Result r = strip.evaluate(model, parts[0], parts[1], held, triggered, !quiet);
        Map<String, Object> m = new LinkedHashMap<>(r.toMap());
        m.put("calibrationInputs", parts[1].size());
        m.put("heldOutCleanInputs", held.size());
        m.put("triggeredInputs", r.triggered().length);
        System.out.printf("STRIP (N=%d): threshold %.4f bits at target FRR %.1f%%: FRR %.2f%% on %d held-out clean inputs,"
                + " FAR %s%n", strip.overlays(), r.threshold(), 100 * strip.frr(), 100 * r.frr(), held.size(),
                Double.isNaN(r.far()) ? "n/a (no trigger)" : String.format("%.2f%% on %d triggered inputs", 100 * r.far(),
                        r.triggered().length));
        return m;
    }

    /**
     * The JSON and the console line of Neural Cleanse run on the victim by a defender who holds half of
     * the clean test set and neither the trigger nor the target; says whether the flagged class is the
     * attacker's target.
     */
    private Map<String, Object> describeCleanse(NeuralCleanse.Result r, int cleanImages, boolean allToAll) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("detector", "cleanse");
        m.put("backdoored", r.backdoored());
        m.put("suspectedTarget", r.backdoored() ? r.suspectedTarget() : null);
        m.put("anomalyIndex", r.maxAnomalyIndex());
        m.put("targetFound", !allToAll && r.backdoored() && r.suspectedTarget() == target);
        m.put("cleanImages", cleanImages);
        m.put("cleanse", r.toMap());
        System.out.println(r.backdoored() ? String.format("Neural Cleanse: BACKDOORED, suspected target %d (anomaly index %.2f)%s",
                r.suspectedTarget(), r.maxAnomalyIndex(), allToAll ? "" : r.suspectedTarget() == target ? ", the attacker's target"
                        : ", not the attacker's target " + target)
                : String.format("Neural Cleanse: no backdoor found (largest anomaly index %.2f)", r.maxAnomalyIndex()));
        return m;
    }

    /**
     * Fine-pruning of the victim: the defender's clean data is half of the test set, and the stages
     * are scored on the other half (clean accuracy, and attack success with the trigger).
     */
    private Map<String, Object> runFinePruning(FinePruning fp, org.dlsec.model.DjlClassifier model, Dataset test,
            TriggerPattern trigger, boolean allToAll) {
        Dataset[] halves = test.splitValidation(0.5, seed);
        Dataset eval = halves[1];
        java.util.function.ToDoubleFunction<org.dlsec.model.Classifier> success = trigger == null ? null
                : allToAll ? m -> PoisoningExperiment.allToAllSuccess(m, eval, trigger)
                : m -> PoisoningExperiment.attackSuccess(m, eval, trigger, target);
        FinePruning.Result r = fp.apply(model, halves[0], eval, success, !quiet);
        System.out.printf("fine-pruning: %d of %d channels of the %s pruned (ratio %.3f); on %d held-out test images:%n",
                r.pruned().length, r.channels(), r.layer(), r.prunedRatio(), eval.size());
        for (Object[] row : new Object[][] {{"before", r.before()}, {"after pruning", r.afterPruning()},
                {"after fine-tuning", r.afterFineTuning()}}) {
            FinePruning.Stage s = (FinePruning.Stage) row[1];
            System.out.printf("  %-18s clean accuracy %.2f%%, attack success %s%n", row[0], 100 * s.cleanAccuracy(),
                    Double.isNaN(s.attackSuccessRate()) ? "n/a" : String.format("%.2f%%", 100 * s.attackSuccessRate()));
        }
        return r.toMap();
    }

    /** JSON null for a figure that does not apply (NaN), e.g. attack success of label flipping. */
    static Double orNull(double v) {
        return Double.isNaN(v) ? null : v;
    }

    private void writeImages(Poisoned p, Dataset train, Dataset test, PoisoningExperiment.Result r, TriggerPattern trigger,
            boolean allToAll) {
        try {
            Files.createDirectories(images);
        } catch (java.io.IOException e) {
            throw new DlsecException("cannot create --images directory " + images + ": " + e.getMessage(), e);
        }
        int c = (int) train.sampleShape().get(0);
        int h = (int) train.sampleShape().get(1);
        int w = (int) train.sampleShape().get(2);
        ImageGrid poisoned = new ImageGrid(List.of("original", "poisoned"), h <= 28 ? 4 : 3);
        int[] idx = p.poisoned();
        for (int i = 0; i < Math.min(8, idx.length); i++) {
            poisoned.addRow(List.of(new ImageGrid.Panel(train.image(idx[i]), c, h, w, "label " + train.label(idx[i]), false),
                    new ImageGrid.Panel(p.data().image(idx[i]), c, h, w, "label " + p.data().label(idx[i]), false)));
        }
        poisoned.write(images.resolve("poisoned-samples.png"));
        if (trigger != null) {
            String caption = trigger instanceof Trigger t ? t.size() + "x" + t.size() + " a=" + t.alpha()
                    : trigger instanceof SparseTrigger s ? s.pixels() + " px +" + s.amplitude() : trigger.toString();
            ImageGrid t = new ImageGrid(List.of("trigger"), h <= 28 ? 4 : 3);
            t.addRow(List.of(new ImageGrid.Panel(trigger.onBlank(c, h, w), c, h, w, caption, false)));
            t.write(images.resolve("trigger.png"));
            if (!allToAll && r.triggered() != null && r.triggered().size() > 0) {
                int[] keep = IntStream.range(0, test.size()).filter(i -> test.label(i) != target).toArray();
                AdversarialGrids.triggers(test.subset(keep, "labels other than the backdoor target"), r.triggered(),
                        r.triggeredPredictions(), 8).write(images.resolve("triggered-test.png"));
            }
        }
    }
}
