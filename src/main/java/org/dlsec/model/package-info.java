/**
 * The {@link org.dlsec.model.Classifier} port every attack and defence uses, its implementations
 * (DJL-built and TorchScript models with gradients, black-box ONNX and function models), the seed
 * architectures, and model files with their provenance. May import {@code org.dlsec.core} and DJL.
 */
package org.dlsec.model;
