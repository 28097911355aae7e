package org.dlsec.train;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.dlsec.core.Versions;
import org.dlsec.data.Dataset;
import org.dlsec.data.DatasetId;
import org.dlsec.data.Datasets;
import org.dlsec.model.Architecture;
import org.dlsec.model.DjlClassifier;
import org.dlsec.model.ModelCard;
import org.dlsec.model.Models;

/**
 * Train-and-save of a seed architecture on a named dataset: loads the data, optionally holds out a
 * validation part, trains with per-epoch reports, and writes the model with its card.
 */
public final class TrainingRun {
    private TrainingRun() {}

    /**
     * @param limit use only the first N training images (null: all)
     * @param validation fraction held out (0: none)
     * @param log receives one human-readable line per step (start, each epoch, saved)
     */
    public static ModelCard run(Architecture arch, DatasetId id, Optional<Path> dataDir, Integer limit, double validation,
            TrainConfig config, Path out, boolean progress, Consumer<String> log) {
        return run(arch, id, dataDir, limit, validation, config, TrainingMethod.STANDARD, out, progress, log);
    }

    /** As above, trained with {@code method} (adversarial training, noise augmentation, ...), recorded in the card. */
    public static ModelCard run(Architecture arch, DatasetId id, Optional<Path> dataDir, Integer limit, double validation,
            TrainConfig config, TrainingMethod method, Path out, boolean progress, Consumer<String> log) {
        Dataset all = Datasets.load(id, "train", dataDir);
        if (limit != null) {
            all = all.first(limit);
        }
        Dataset test = Datasets.load(id, "test", dataDir);
        Dataset train = all;
        Dataset val = null;
        if (validation > 0) {
            Dataset[] parts = all.splitValidation(validation, config.seed());
            train = parts[0];
            val = parts[1];
        }
        log.accept(String.format("training %s on %s (%d samples%s), %d epochs, seed %d%s", arch, id, train.size(),
                val == null ? "" : ", " + val.size() + " held out", config.epochs(), config.seed(),
                method == TrainingMethod.STANDARD ? "" : ", " + method.name() + " " + method.parameters()));
        try (DjlClassifier model = Models.create(arch, train.sampleShape(), train.numClasses(), config.seed())) {
            ModelTrainer trainer = new ModelTrainer(config, method.transform(), method.loss(), rec -> log.accept(String.format(
                    "epoch %d/%d  loss %.4f  train %.2f%%%s%s  (%.1f s)", rec.epoch(), config.epochs(), rec.trainLoss(),
                    100 * rec.trainAccuracy(),
                    rec.validationAccuracy() == null ? "" : String.format("  val %.2f%%", 100 * rec.validationAccuracy()),
                    rec.testAccuracy() == null ? "" : String.format("  test %.2f%%", 100 * rec.testAccuracy()),
                    rec.seconds())), progress);
            ModelCard.Training training = trainer.train(model, train, val, test,
                    method == TrainingMethod.STANDARD ? Map.of() : Map.of("defence", method.parameters()));
            Double testAcc = training.history().get(training.history().size() - 1).testAccuracy();
            ModelCard card = new ModelCard(ModelCard.FORMAT, arch.cliName(), id.cliName(), train.sampleShape().getShape(),
                    train.numClasses(), Models.WEIGHTS, null, training, testAcc, Versions.all(), Instant.now());
            ModelCard saved = Models.save(model, card, out);
            log.accept(String.format("saved %s (test accuracy %.2f%%, weights sha256 %s)", out, 100 * testAcc,
                    saved.weightsSha256().substring(0, 16)));
            return saved;
        }
    }
}
