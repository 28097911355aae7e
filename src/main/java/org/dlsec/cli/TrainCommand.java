package org.dlsec.cli;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;
import org.dlsec.core.Versions;
import org.dlsec.data.Dataset;
import org.dlsec.model.Architecture;
import org.dlsec.model.DjlClassifier;
import org.dlsec.model.ModelCard;
import org.dlsec.model.Models;
import org.dlsec.train.ModelTrainer;
import org.dlsec.train.TrainConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code dlsec train}: trains a seed architecture and saves it with its model card. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a model (lenet5, vgg, madry) and save it with its provenance.")
final class TrainCommand implements Callable<Integer> {
    @Option(names = "--arch", required = true, description = "lenet5, vgg or madry.")
    String arch;

    @Mixin
    DataOptions data;

    @Option(names = "--epochs", defaultValue = "5", description = "Epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of initialisation and shuffling.")
    long seed;

    @Option(names = "--batch-size", defaultValue = "128", description = "Mini-batch size (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--lr", defaultValue = "0.002", description = "Learning rate (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--optimizer", defaultValue = "adam", description = "adam or sgd (default: ${DEFAULT-VALUE}).")
    String optimizer;

    @Option(names = "--schedule", defaultValue = "cosine",
            description = "Learning-rate schedule: cosine (decay to 0) or constant (default: ${DEFAULT-VALUE}).")
    String schedule;

    @Option(names = "--validation", defaultValue = "0",
            description = "Fraction of the training data held out and measured every epoch (GTSRB: split by track); default 0: train on all of it.")
    double validation;

    @Option(names = "--out", required = true, description = "Directory to write the model to.")
    Path out;

    @Option(names = "--quiet", description = "No progress bars.")
    boolean quiet;

    @Override
    public Integer call() {
        Architecture architecture = Architecture.parse(arch);
        TrainConfig config = new TrainConfig(epochs, batchSize, optimizer, lr, seed, schedule);
        org.dlsec.core.Progress.setEnabled(!quiet);
        Dataset all = data.load("train");
        Dataset test = org.dlsec.data.Datasets.load(data.id(), "test", data.dataDir());
        Dataset train = all;
        Dataset val = null;
        if (validation > 0) {
            Dataset[] parts = all.splitValidation(validation, seed);
            train = parts[0];
            val = parts[1];
        }
        System.out.printf("training %s on %s (%d samples%s), %d epochs, seed %d%n", architecture, data.id(), train.size(),
                val == null ? "" : ", " + val.size() + " held out", epochs, seed);
        try (DjlClassifier model = Models.create(architecture, train.sampleShape(), train.numClasses(), seed)) {
            ModelTrainer trainer = new ModelTrainer(config, null, rec -> System.out.printf(
                    "epoch %d/%d  loss %.4f  train %.2f%%%s%s  (%.1f s)%n", rec.epoch(), epochs, rec.trainLoss(),
                    100 * rec.trainAccuracy(),
                    rec.validationAccuracy() == null ? "" : String.format("  val %.2f%%", 100 * rec.validationAccuracy()),
                    rec.testAccuracy() == null ? "" : String.format("  test %.2f%%", 100 * rec.testAccuracy()),
                    rec.seconds()), !quiet);
            ModelCard.Training training = trainer.train(model, train, val, test, Map.of());
            Double testAcc = training.history().get(training.history().size() - 1).testAccuracy();
            ModelCard card = new ModelCard(ModelCard.FORMAT, architecture.cliName(), data.id().cliName(),
                    train.sampleShape().getShape(), train.numClasses(), Models.WEIGHTS, null, training, testAcc,
                    Versions.all(), Instant.now());
            ModelCard saved = Models.save(model, card, out);
            System.out.printf("saved %s (test accuracy %.2f%%, weights sha256 %s)%n", out, 100 * testAcc,
                    saved.weightsSha256().substring(0, 16));
        }
        return Main.EXIT_OK;
    }
}
