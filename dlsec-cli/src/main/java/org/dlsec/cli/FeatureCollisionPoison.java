package org.dlsec.cli;

import java.nio.file.Files;
import org.dlsec.attack.poisoning.FeatureCollisionExperiment;
import org.dlsec.attack.poisoning.PoisoningExperiment;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Provenance;
import org.dlsec.data.Dataset;
import org.dlsec.experiment.CommandOutput;
import org.dlsec.experiment.FeatureCollisionOutcome;
import org.dlsec.experiment.FeatureCollisionRun;
import org.dlsec.experiment.FeatureCollisionSpec;
import org.dlsec.model.Architecture;
import org.dlsec.model.Classifier;
import org.dlsec.model.DjlClassifier;
import org.dlsec.model.Models;
import org.dlsec.report.AdversarialGrids;
import org.dlsec.train.TrainConfig;

/** {@code dlsec poison --attack featurecollision}: Poison Frogs in the transfer-learning setting. */
final class FeatureCollisionPoison {
    private FeatureCollisionPoison() {}

    static int run(PoisonCommand o, Architecture architecture, TrainConfig config) {
        FeatureCollisionSpec spec = new FeatureCollisionSpec(o.fc.baseClass, o.fc.targets, o.fc.targetIndex, o.fc.poisons,
                o.fc.beta, o.fc.iterations, o.fc.stepSize, o.fc.watermark, o.fc.fineTune, o.fc.headEpochs, o.seed);
        spec.attack(); // the attack's own checks, before any data is read
        Dataset train = o.sourceFlags.open(o.dataset, "train", o.dataDir);
        Dataset test = o.sourceFlags.open(o.dataset, "test", o.dataDir);
        if (train.isImage()) {
            train = o.limit == null ? train : train.first(o.limit);
        }
        test = o.testLimit == null ? test : test.first(o.testLimit);
        FeatureCollisionRun run = FeatureCollisionRun.prepare(spec, train, test);
        try (DjlClassifier extractor = extractor(o, architecture, run.pretrain(), config)) {
            int[] targets = run.targets(extractor);
            String from = o.fc.model == null ? architecture.cliName() + " trained here on the clean training set"
                    : o.fc.model.toString();
            Provenance prov = Provenance.start(o.fc.model == null ? "trained-here" : Models.card(o.fc.model).weightsSha256(),
                    extractor.info().describe(), run.train().origin() + "; test " + test.origin(),
                    run.parameters(from, targets, o.epochs), o.seed);
            FeatureCollisionOutcome outcome = run.run(extractor, targets, !o.quiet);
            outcome.summary().forEach(System.out::println);
            CommandOutput.of("poison", outcome.json()).finishing(prov).write(o.json);
            if (o.images != null) {
                writeImages(o, outcome.result(), test);
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

    private static void writeImages(PoisonCommand o, FeatureCollisionExperiment.Result r, Dataset test) {
        try {
            Files.createDirectories(o.images);
        } catch (java.io.IOException e) {
            throw new DlsecException("cannot create --images directory " + o.images + ": " + e.getMessage(), e);
        }
        AdversarialGrids.featureCollision(r, test).write(o.images.resolve("feature-collision.png"));
    }
}
