package org.dlsec.train;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.dlsec.core.Versions;
import org.dlsec.data.Dataset;
import org.dlsec.data.DataSource;
import org.dlsec.data.DatasetId;
import org.dlsec.data.SourceOptions;
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
     * @param arch the architecture to train
     * @param id the dataset
     * @param dataDir where its files are, or empty for the defaults
     * @param limit use only the first N training images (null: all)
     * @param validation fraction held out (0: none)
     * @param config the training parameters
     * @param out the model directory to write (created; existing files replaced)
     * @param progress whether to show progress bars on stderr
     * @param log receives one human-readable line per step (start, each epoch, saved)
     * @return the card written
     * @throws org.dlsec.core.DlsecException when the data cannot be read, the parameters are invalid or the model cannot
     *         be written
     */
    public static ModelCard run(Architecture arch, DatasetId id, Optional<Path> dataDir, Integer limit, double validation,
            TrainConfig config, Path out, boolean progress, Consumer<String> log) {
        return run(arch, id, dataDir, limit, validation, config, TrainingMethod.STANDARD, null, out, progress, log);
    }

    /**
     * As above, trained with {@code method} (adversarial training, noise augmentation, ...) and
     * {@code step}, both recorded in the card.
     *
     * @param arch the architecture to train
     * @param id the dataset
     * @param dataDir where its files are, or empty for the defaults
     * @param limit use only the first N training samples, or null for all
     * @param validation the fraction held out, in [0, 1)
     * @param config the training parameters
     * @param method the training method
     * @param step builds the gradient step (e.g. DP-SGD) for the training-set size, or null for plain training
     * @param out the model directory to write
     * @param progress whether to show progress bars on stderr
     * @param log receives one line per step
     * @return the card written
     * @throws org.dlsec.core.DlsecException when the data cannot be read, the parameters are invalid or the model cannot
     *         be written
     */
    public static ModelCard run(Architecture arch, DatasetId id, Optional<Path> dataDir, Integer limit, double validation,
            TrainConfig config, TrainingMethod method, java.util.function.IntFunction<GradientStep> step, Path out,
            boolean progress, Consumer<String> log) {
        return run(arch, id.cliName(), SourceOptions.of("train", dataDir), limit, validation, config, method, step, out,
                progress, log);
    }

    /**
     * As above, on a dataset given by built-in name or path ({@link DataSource}); {@code data} gives
     * the format options (its split is ignored: the train split trains, the test split evaluates).
     *
     * @param arch the architecture to train
     * @param dataset a built-in name or a path
     * @param data the format options
     * @param limit use only the first N training samples, or null for all
     * @param validation the fraction held out, in [0, 1)
     * @param config the training parameters
     * @param method the training method
     * @param step builds the gradient step for the training-set size, or null
     * @param out the model directory to write
     * @param progress whether to show progress bars on stderr
     * @param log receives one line per step
     * @return the card written
     * @throws org.dlsec.core.DlsecException when the data cannot be read, the parameters are invalid or the model cannot
     *         be written
     */
    public static ModelCard run(Architecture arch, String dataset, SourceOptions data, Integer limit, double validation,
            TrainConfig config, TrainingMethod method, java.util.function.IntFunction<GradientStep> step, Path out,
            boolean progress, Consumer<String> log) {
        Dataset all = DataSource.open(dataset, data.withSplit("train"));
        if (limit != null) {
            all = all.first(limit);
        }
        Dataset test = DataSource.open(dataset, data.withSplit("test"));
        Dataset train = all;
        Dataset val = null;
        if (validation > 0) {
            Dataset[] parts = all.splitValidation(validation, config.seed());
            train = parts[0];
            val = parts[1];
        }
        log.accept(String.format("training %s on %s (%d samples%s), %d epochs, seed %d%s", arch, all.name(), train.size(),
                val == null ? "" : ", " + val.size() + " held out", config.epochs(), config.seed(),
                method == TrainingMethod.STANDARD ? "" : ", " + method.name() + " " + method.parameters()));
        DjlClassifier teacher = null;
        try (DjlClassifier model = Models.create(arch, train.sampleShape(), train.numClasses(), config.seed())) {
            BatchLoss loss = method.loss();
            if (method.teacher() != null) {
                // the teacher has its own initialisation (seed + 1) and the same data, schedule and epochs
                teacher = Models.create(arch, train.sampleShape(), train.numClasses(), config.seed() + 1);
                log.accept("training the teacher");
                new ModelTrainer(config, method.transform(), method.teacher().teacherLoss(), null,
                        rec -> log.accept(epochLine("teacher epoch", rec, config, null)), progress)
                        .train(teacher, train, val, test, Map.of());
                log.accept("training the student on the teacher's soft labels");
                loss = method.teacher().studentLoss(teacher);
            }
            GradientStep gs = step == null ? null : step.apply(train.size());
            ModelTrainer trainer = new ModelTrainer(config, method.transform(), loss, gs,
                    rec -> log.accept(epochLine("epoch", rec, config, gs)), progress);
            Map<String, Object> extra = new LinkedHashMap<>(subsetRecord(limit, validation, config.seed()));
            if (method != TrainingMethod.STANDARD) {
                extra.put("defence", method.parameters());
            }
            ModelCard.Training training = trainer.train(model, train, val, test, extra);
            if (training.extra().get("numericalIssues") instanceof java.util.List<?> issues) {
                org.dlsec.core.NumericalIssue.lines(issues.stream().filter(org.dlsec.core.NumericalIssue.class::isInstance)
                        .map(org.dlsec.core.NumericalIssue.class::cast).toList(), 5).forEach(log);
            }
            if (gs != null && gs.record().get("numericalIssues") instanceof java.util.List<?> stepIssues) {
                org.dlsec.core.NumericalIssue.lines(stepIssues.stream().filter(org.dlsec.core.NumericalIssue.class::isInstance)
                        .map(org.dlsec.core.NumericalIssue.class::cast).toList(), 5).forEach(log);
            }
            if (gs != null && !gs.record().isEmpty()) {
                Map<String, Object> withStep = new LinkedHashMap<>(training.extra());
                withStep.put("gradientStep", gs.record());
                training = new ModelCard.Training(training.epochs(), training.batchSize(), training.optimizer(),
                        training.learningRate(), training.schedule(), training.seed(), training.trainSamples(),
                        training.data(), training.seconds(), training.history(), withStep);
            }
            Double testAcc = training.history().get(training.history().size() - 1).testAccuracy();
            ModelCard card = new ModelCard(ModelCard.FORMAT, arch.cliName(), all.name(), train.sampleShape().getShape(),
                    train.numClasses(), Models.WEIGHTS, null, training, testAcc, Versions.all(), Instant.now());
            ModelCard saved = Models.save(model, card, out);
            log.accept(String.format("saved %s (test accuracy %.2f%%, weights sha256 %s)", out, 100 * testAcc,
                    saved.weightsSha256().substring(0, 16)));
            return saved;
        } finally {
            if (teacher != null) {
                teacher.close();
            }
        }
    }

    private static String epochLine(String what, ModelCard.EpochRecord rec, TrainConfig config, GradientStep gs) {
        return String.format("%s %d/%d  loss %.4f  train %.2f%%%s%s%s  (%.1f s)", what, rec.epoch(), config.epochs(),
                rec.trainLoss(), 100 * rec.trainAccuracy(),
                rec.validationAccuracy() == null ? "" : String.format("  val %.2f%%", 100 * rec.validationAccuracy()),
                rec.testAccuracy() == null ? "" : String.format("  test %.2f%%", 100 * rec.testAccuracy()),
                gs == null ? "" : gs.epochNote(), rec.seconds());
    }

    /** The key under which a model card's {@code training.extra} records which training images were used. */
    public static final String TRAIN_SUBSET = "trainSubset";

    private static Map<String, Object> subsetRecord(Integer limit, double validation, long seed) {
        Map<String, Object> sub = new LinkedHashMap<>();
        sub.put("split", "train");
        sub.put("limit", limit);
        sub.put("validation", validation);
        sub.put("seed", seed);
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put(TRAIN_SUBSET, sub);
        return extra;
    }

    /**
     * The indices of {@code trainSplit} (the full training split of the card's dataset) that trained
     * the model, rebuilt from what {@link #run} recorded in the card, or empty when the card does not
     * say (then only a model trained on the whole split can be placed: all indices).
     *
     * @param card the model's card
     * @param trainSplit the full training split of the card's dataset
     * @return the indices, or empty when the card does not record them
     */
    public static java.util.Optional<int[]> trainingIndices(ModelCard card, Dataset trainSplit) {
        ModelCard.Training t = card.training();
        if (t == null) {
            return java.util.Optional.empty();
        }
        Object rec = t.extra() == null ? null : t.extra().get(TRAIN_SUBSET);
        if (rec instanceof Map<?, ?> sub) {
            Object lim = sub.get("limit");
            int n = lim == null ? trainSplit.size() : Math.min(((Number) lim).intValue(), trainSplit.size());
            Dataset all = trainSplit.first(n);
            double val = sub.get("validation") == null ? 0 : ((Number) sub.get("validation")).doubleValue();
            int[] idx;
            if (val > 0) {
                idx = all.validationIndices(val, ((Number) sub.get("seed")).longValue())[0];
            } else {
                idx = new int[n];
                Arrays.setAll(idx, i -> i);
            }
            return idx.length == t.trainSamples() ? java.util.Optional.of(idx) : java.util.Optional.empty();
        }
        if (t.trainSamples() == trainSplit.size()) {
            int[] idx = new int[trainSplit.size()];
            Arrays.setAll(idx, i -> i);
            return java.util.Optional.of(idx);
        }
        return java.util.Optional.empty();
    }
}
