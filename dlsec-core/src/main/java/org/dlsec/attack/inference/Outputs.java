package org.dlsec.attack.inference;

import ai.djl.ndarray.NDManager;
import org.dlsec.data.Dataset;
import org.dlsec.model.Classifier;
import org.dlsec.model.Engines;

/** A model's logits on a dataset, copied to Java, and the per-sample statistics the attacks score with. */
final class Outputs {
    static final int BATCH = 500;

    private Outputs() {}

    /** Logits (n, K) of {@code model} on every sample of {@code data}, as doubles. */
    static double[][] logits(Classifier model, Dataset data) {
        double[][] out = new double[data.size()][];
        int k = model.numClasses();
        try (NDManager root = Engines.newManager()) {
            for (int from = 0; from < data.size(); from += BATCH) {
                int to = Math.min(data.size(), from + BATCH);
                try (NDManager m = root.newSubManager()) {
                    float[] z = model.predictLogits(data.images(m, from, to)).toFloatArray();
                    for (int i = 0; i < to - from; i++) {
                        double[] row = new double[k];
                        for (int j = 0; j < k; j++) {
                            row[j] = z[i * k + j];
                        }
                        out[from + i] = row;
                    }
                }
            }
        }
        return out;
    }

    /** log softmax(z)_y, computed stably. */
    static double logProb(double[] z, int y) {
        return z[y] - logSumExp(z, -1);
    }

    /**
     * The logit-scaled confidence of Carlini et al. (2022): log(p_y / (1 - p_y)), computed stably as
     * z_y − logsumexp_{j≠y} z_j, so that it stays finite when p_y rounds to 1.
     */
    static double scaledConfidence(double[] z, int y) {
        return z[y] - logSumExp(z, y);
    }

    /** Softmax probabilities. */
    static double[] softmax(double[] z) {
        double lse = logSumExp(z, -1);
        double[] p = new double[z.length];
        for (int j = 0; j < z.length; j++) {
            p[j] = Math.exp(z[j] - lse);
        }
        return p;
    }

    /** log Σ_{j ≠ skip} exp(z_j). */
    static double logSumExp(double[] z, int skip) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < z.length; j++) {
            if (j != skip) {
                max = Math.max(max, z[j]);
            }
        }
        double s = 0;
        for (int j = 0; j < z.length; j++) {
            if (j != skip) {
                s += Math.exp(z[j] - max);
            }
        }
        return max + Math.log(s);
    }

    /**
     * A threshold attack's scores: one query per audit sample, its score computed from the sample's logits and
     * true label; the queries and the time are recorded in the result.
     */
    static MembershipResult scoreEach(MembershipAttack attack, Classifier target, MembershipSplit split,
            java.util.function.ToDoubleBiFunction<double[], Integer> score) {
        long start = System.nanoTime();
        long q0 = target.stats().queries();
        double[][] z = logits(target, split.audit());
        double[] s = new double[z.length];
        for (int i = 0; i < z.length; i++) {
            s[i] = score.applyAsDouble(z[i], split.audit().label(i));
        }
        return MembershipResult.of(attack, s, split, target.stats().queries() - q0, start, null);
    }
}
