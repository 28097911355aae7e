package org.dlsec.attack.fault;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.dlsec.model.Classifier;
import org.dlsec.model.LogitObjective;

/** Forward-only loss of a classifier on a batch (no gradient). */
final class Losses {
    private Losses() {}

    /** Mean softmax cross-entropy of the batch; +∞ when the logits are not finite. */
    static double meanCrossEntropy(Classifier c, NDArray x, NDArray y) {
        try (NDManager scope = x.getManager().newSubManager()) {
            NDArray logits = c.predictLogits(x);
            logits.attach(scope);
            NDArray l = LogitObjective.crossEntropy(y).apply(logits).mean();
            l.attach(scope);
            double v = l.getFloat();
            return Double.isNaN(v) ? Double.POSITIVE_INFINITY : v;
        }
    }
}
