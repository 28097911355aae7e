/**
 * Detectors of adversarial inputs, of extraction query streams and of poisoned training data or
 * backdoored models: feature squeezing (Xu, Evans, Qi, NDSS 2018), with thresholds chosen at a
 * stated false-positive rate on clean data; PRADA ({@link org.dlsec.defence.detection.Prada}),
 * which flags model-extraction query streams from the distribution of distances between a client's
 * successive queries; spectral signatures (Tran, Li, Madry, NeurIPS 2018) and activation clustering
 * (Chen et al. 2018) over a model's penultimate-layer activations; Neural Cleanse (Wang et al.,
 * S&amp;P 2019); STRIP (Gao et al., ACSAC 2019), run-time detection of triggered inputs by the
 * entropy of superimposed copies; and fine-pruning (Liu et al., RAID 2018), which removes a backdoor
 * by pruning dormant channels and fine-tuning on clean data. Poison screening retrains on the samples
 * it keeps and measures the backdoor left with attack.poisoning's experiment (as the parent package's
 * rule allows a defence to use the attack it is measured against).
 * May import: core, data, model, metric, train, defence, attack.poisoning.
 *
 * <p>Example: scan a third-party model for a backdoor with Neural Cleanse on 1,000 clean images.
 * <pre>{@code
 * NeuralCleanse.Result r = NeuralCleanse.defaults(42L).scan(model, test.first(1000), false);
 * if (r.backdoored()) {
 *     System.out.println("backdoor towards class " + r.suspectedTarget()
 *             + ", anomaly index " + r.maxAnomalyIndex());
 * }
 * }</pre>
 */
package org.dlsec.defence.detection;
