package org.dlsec.model;

import ai.djl.ndarray.NDArray;

/**
 * The result of one gradient call: the logits of the forward pass (n, K), the objective's
 * per-sample values (n), and the gradient of their sum with respect to the input (n, C, H, W).
 * All three are attached to the input's manager and carry no autograd graph.
 */
public record Gradient(NDArray logits, NDArray values, NDArray grad) {}
