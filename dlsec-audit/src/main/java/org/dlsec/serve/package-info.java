/**
 * The HTTP prediction API around a {@link org.dlsec.model.Classifier} ({@code dlsec serve}): JSON
 * batches in, labels and probabilities out through an output policy, with bearer tokens, size and
 * shape validation ({@link org.dlsec.serve.RequestDecoder}, which decodes what a client sends without
 * touching the model, and is fuzzed), per-client query budgets, rate limits and PRADA (its client side,
 * {@link org.dlsec.model.RemoteClassifier}, is in the library). Uses
 * Jetty's non-blocking HTTP server (read deadlines and a per-address connection limit added here, so
 * that slow clients hold no thread). May import: core, model,
 * metric, defence.
 */
package org.dlsec.serve;
