/**
 * The {@link org.dlsec.model.Classifier} port every attack and defence uses, its implementations
 * (DJL-built and TorchScript models with gradients, black-box ONNX and function models), the seed
 * architectures, and model files with their provenance and the checks that run before a native loader
 * sees one (TorchScriptCheck, TorchPickle, OnnxCheck, ModelFiles); how a loaded model sees its inputs
 * ({@link org.dlsec.model.LoadOptions}: input shape, bounds, the (x − mean) / std it was trained with,
 * {@link org.dlsec.model.NormalizedClassifier}); and {@link org.dlsec.model.RemoteClassifier}, the client
 * of a {@code dlsec serve} prediction API as a black-box classifier ({@code java.net.http}). Uses DJL, ONNX Runtime, Apache
 * Commons Compress and protobuf-java. May import: core.
 *
 * <p>Example: load a TorchScript model for 28×28 grey images in [0, 1], predict and take a loss
 * gradient. The classifier owns the model's native memory (close it); arrays it returns belong to
 * the manager of the input batch.
 * <pre>{@code
 * try (Classifier model = Models.load(Path.of("lenet5.pt"), LoadOptions.of(new Shape(1, 28, 28)));
 *         NDManager manager = Engines.newManager()) {
 *     NDArray x = manager.zeros(new Shape(4, 1, 28, 28));   // a batch of 4 blank images
 *     NDArray labels = model.predictLabels(x);              // (4) int64
 *     NDArray grad = model.lossGradient(x, labels);         // (4, 1, 28, 28); white-box models only
 *     long calls = model.stats().gradientCalls();           // 1
 * }
 * }</pre>
 */
package org.dlsec.model;
