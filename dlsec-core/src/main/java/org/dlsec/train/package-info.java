/**
 * Training of dlsec's own models: the seeded mini-batch loop with per-epoch validation, progress
 * and provenance. Defences that change training plug in through
 * {@link org.dlsec.train.BatchTransform} (adversarial examples), {@link org.dlsec.train.BatchLoss}
 * (TRADES, distillation) and {@link org.dlsec.train.GradientStep} (DP-SGD: batch sampling and how the
 * update's gradient is formed). Non-finite batches are skipped or undone by {@link org.dlsec.train.NumericalGuard}.
 * May import: core, data, model, metric.
 *
 * <p>Example: train a LeNet-5 on MNIST for 5 epochs with the default optimiser (Adam, cosine
 * schedule, batch 128) and save it. The classifier owns its weights' native memory: close it.
 * <pre>{@code
 * Dataset train = Datasets.load("mnist", "train", Optional.empty());
 * Dataset test = Datasets.load("mnist", "test", Optional.empty());
 * try (DjlClassifier model = Models.create(Architecture.LENET5, train.sampleShape(), train.numClasses(), 42L)) {
 *     ModelCard.Training record = new ModelTrainer(TrainConfig.defaults(5, 42L)).train(model, train, null, test, Map.of());
 *     // or in one call, with the data loading and the model card: TrainingRun.run(...)
 * }
 * }</pre>
 */
package org.dlsec.train;
