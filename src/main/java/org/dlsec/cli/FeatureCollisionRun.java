package org.dlsec.cli;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dlsec.attack.poisoning.FeatureCollision;
import org.dlsec.attack.poisoning.FeatureCollisionExperiment;
import org.dlsec.attack.poisoning.PoisoningExperiment;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Json;
import org.dlsec.core.Provenance;
import org.dlsec.data.Dataset;
import org.dlsec.model.Architecture;
import org.dlsec.model.Classifier;
import org.dlsec.model.DjlClassifier;
import org.dlsec.model.Models;
import org.dlsec.report.ImageGrid;
import org.dlsec.train.TrainConfig;

/** {@code dlsec poison --attack featurecollision}: Poison Frogs in the transfer-learning setting. */
final class FeatureCollisionRun {
    private FeatureCollisionRun() {}

    static int run(PoisonCommand o, Architecture architecture, TrainConfig config) {
        FeatureCollision attack = new FeatureCollision(o.fc.beta, o.fc.iterations, o.fc.stepSize, o.fc.watermark);
        DlsecException.require(o.fc.headEpochs >= 1 && o.fc.headEpochs <= 1000, "--head-epochs", "must be in 1..1000, got " + o.fc.headEpochs);
        DlsecException.require(o.fc.poisons >= 1 && o.fc.poisons <= 1000, "--poisons", "must be in 1..1000, got " + o.fc.poisons);
        DlsecException.require(o.fc.targetIndex != null || (o.fc.targets >= 1 && o.fc.targets <= 1000), "--targets",
                "must be in 1..1000, got " + o.fc.targets);
        Dataset train = o.sourceFlags.open(o.dataset, "train", o.dataDir);
        Dataset test = o.sourceFlags.open(o.dataset, "test", o.dataDir);
        if (!train.isImage()) {
            throw new org.dlsec.core.DlsecException("--attack featurecollision crafts poison images, but " + train.name()
                    + " holds feature vectors of shape " + train.sampleShape() + ": use --attack labelflip or noise");
        }
        train = o.limit == null ? train : train.first(o.limit);
        test = o.testLimit == null ? test : test.first(o.testLimit);
        DlsecException.require(o.fc.baseClass >= 0 && o.fc.baseClass < train.numClasses(), "--base-class",
                "must be a class in 0.." + (train.numClasses() - 1) + ", got " + o.fc.baseClass);
        TrainConfig head = new TrainConfig(o.fc.headEpochs, 128, "adam", 1e-2, o.seed, "cosine");
        Dataset pretrain = train;
        if (o.fc.fineTune != null) {
            DlsecException.require(o.fc.fineTune >= 10 && o.fc.fineTune < train.size(), "--fine-tune", "must be in 10.."
                    + (train.size() - 1) + " (fewer than the training images), got " + o.fc.fineTune);
            int split = train.size() - o.fc.fineTune;
            pretrain = train.first(split);
            train = train.subset(java.util.stream.IntStream.range(split, train.size()).toArray(), "the victim's last "
                    + o.fc.fineTune + " images for final-layer retraining");
        }
        try (DjlClassifier extractor = extractor(o, architecture, pretrain, config)) {
            int[] targets;
            if (o.fc.targetIndex != null) {
                targets = o.fc.targetIndex.stream().mapToInt(Integer::intValue).toArray();
            } else {
                targets = FeatureCollisionExperiment.chooseTargets(extractor, test, o.fc.baseClass, o.fc.targets, o.seed);
            }
            Map<String, Object> params = new LinkedHashMap<>();
            params.put("attack", "featurecollision");
            params.put("extractor", o.fc.model == null ? architecture.cliName() + " trained here on the clean training set"
                    : o.fc.model.toString());
            params.put("baseClass", o.fc.baseClass);
            params.put("targets", targets);
            params.put("poisonsPerTarget", o.fc.poisons);
            params.put("beta0", o.fc.beta);
            params.put("iterations", o.fc.iterations);
            params.put("stepSize", o.fc.stepSize);
            params.put("watermark", o.fc.watermark);
            params.put("headEpochs", o.fc.headEpochs);
            params.put("fineTune", train.size());
            params.put("epochs", o.epochs);
            Provenance prov = Provenance.start(o.fc.model == null ? "trained-here" : Models.card(o.fc.model).weightsSha256(),
                    extractor.info().describe(),
                    train.origin() + "; test " + test.origin(), params, o.seed);
            FeatureCollisionExperiment.Result r = FeatureCollisionExperiment.run(extractor, train, test, targets, o.fc.baseClass,
                    o.fc.poisons, attack, head, !o.quiet);
            List<Map<String, Object>> rows = new ArrayList<>();
            for (FeatureCollisionExperiment.Target t : r.targets()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("index", t.index());
                m.put("label", t.label());
                m.put("baselinePrediction", t.baselinePrediction());
                m.put("poisonedPrediction", t.poisonedPrediction());
                m.put("success", t.success());
                m.put("cleanAccuracy", t.cleanAccuracy());
                m.put("featureDistanceBefore", t.meanFeatureDistanceBefore());
                m.put("featureDistanceAfter", t.meanFeatureDistanceAfter());
                m.put("pixelL2", t.meanPixelL2());
                m.put("pixelLinf", t.maxPixelLinf());
                m.put("bases", t.bases());
                m.put("numericalIssues", t.crafted().numericalIssues());
                org.dlsec.core.NumericalIssue.lines(t.crafted().numericalIssues(), 5).forEach(System.out::println);
                rows.add(m);
                System.out.printf("target %d (class %d): %d -> %d %s; feature distance %.3f -> %.3f, pixel L2 %.3f to the base%n",
                        t.index(), t.label(), t.baselinePrediction(), t.poisonedPrediction(), t.success() ? "FLIPPED" : "kept",
                        t.meanFeatureDistanceBefore(), t.meanFeatureDistanceAfter(), t.meanPixelL2());
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("attack", "featurecollision");
            out.put("cleanAccuracy", PoisonCommand.orNull(r.meanCleanAccuracy()));
            out.put("cleanAccuracyBaseline", r.cleanAccuracyBaseline());
            out.put("attackSuccessRate", PoisonCommand.orNull(r.successRate()));
            out.put("poisonRate", r.poisonRate());
            out.put("poisoned", r.poisonsPerTarget());
            out.put("trainSamples", train.size());
            out.put("testSamples", test.size());
            out.put("beta", r.targets().get(0).crafted().beta());
            out.put("targets", rows);
            out.put("seconds", r.seconds());
            out.put("provenance", prov.finishedNow());
            System.out.printf("feature collision: %d of %d targets flipped to class %d (%.0f%%) with %d poisons each;"
                    + " final-layer accuracy %.2f%% (clean retraining %.2f%%)%n", r.targets().stream().filter(
                            FeatureCollisionExperiment.Target::success).count(), r.targets().size(), o.fc.baseClass,
                    100 * r.successRate(), o.fc.poisons, 100 * r.meanCleanAccuracy(), 100 * r.cleanAccuracyBaseline());
            if (o.json != null) {
                Json.write(o.json, out);
            }
            if (o.images != null) {
                writeImages(o, r, test);
                System.out.println("images written to " + o.images);
            }
        }
        return Main.EXIT_OK;
    }

    private static DjlClassifier extractor(PoisonCommand o, Architecture architecture, Dataset train, TrainConfig config) {
        if (o.fc.model == null) {
            return PoisoningExperiment.train(architecture, train, config, !o.quiet);
        }
        Classifier c = Models.load(o.fc.model, train.sampleShape());
        if (c instanceof DjlClassifier d && o.fc.model.toFile().isDirectory()) {
            return d;
        }
        c.close();
        throw new DlsecException("--model must be a dlsec model directory (the feature extractor is its penultimate layer), not "
                + o.fc.model);
    }

    /** One row per target: the target, then for up to four poisons the base and the poison. */
    private static void writeImages(PoisonCommand o, FeatureCollisionExperiment.Result r, Dataset test) {
        try {
            Files.createDirectories(o.images);
        } catch (java.io.IOException e) {
            throw new DlsecException("cannot create --images directory " + o.images + ": " + e.getMessage(), e);
        }
        int c = (int) test.sampleShape().get(0);
        int h = (int) test.sampleShape().get(1);
        int w = (int) test.sampleShape().get(2);
        int shown = Math.min(4, r.poisonsPerTarget());
        List<String> header = new ArrayList<>(List.of("target"));
        for (int i = 0; i < shown; i++) {
            header.add("base " + (i + 1));
            header.add("poison " + (i + 1));
        }
        ImageGrid grid = new ImageGrid(header, h <= 28 ? 4 : 3);
        for (FeatureCollisionExperiment.Target t : r.targets()) {
            List<ImageGrid.Panel> row = new ArrayList<>();
            row.add(new ImageGrid.Panel(test.image(t.index()), c, h, w, "#" + t.index() + " " + t.label() + "->"
                    + t.poisonedPrediction(), false));
            for (int i = 0; i < shown; i++) {
                row.add(new ImageGrid.Panel(test.image(t.bases()[i]), c, h, w, "#" + t.bases()[i], false));
                row.add(new ImageGrid.Panel(t.crafted().poisons()[i], c, h, w, String.format("L2 %.2f", t.crafted().pixelL2()[i]),
                        false));
            }
            grid.addRow(row);
        }
        grid.write(o.images.resolve("feature-collision.png"));
    }
}
