/**
 * The {@link org.dlsec.model.Classifier} port every attack and defence uses, its implementations
 * (DJL-built and TorchScript models with gradients, black-box ONNX and function models), the seed
 * architectures, and model files with their provenance and the checks that run before a native loader
 * sees one (TorchScriptCheck, TorchPickle, OnnxCheck, ModelFiles); how a loaded model sees its inputs
 * ({@link org.dlsec.model.LoadOptions}: input shape, bounds, the (x − mean) / std it was trained with,
 * {@link org.dlsec.model.NormalizedClassifier}); and {@link org.dlsec.model.RemoteClassifier}, the client
 * of a {@code dlsec serve} prediction API as a black-box classifier ({@code java.net.http}). Uses DJL, ONNX Runtime, Apache
 * Commons Compress and protobuf-java. May import: core.
 */
package org.dlsec.model;
