package org.dlsec.attack.evasion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import org.dlsec.core.Tensors;
import org.dlsec.model.Classifier;

/**
 * The query side of the black-box attacks: sends a batch of candidate inputs, held as plain Java
 * arrays (flattened NCHW), to the classifier in one prediction call and returns the answer as Java
 * arrays. Only {@link Classifier#predictLogits} and {@link Classifier#predictLabels} are used —
 * never a gradient. Native memory lives only for the duration of one call.
 *
 * <p>Scores are {@code predictLogits}; for a black-box model that answers probabilities these are
 * log-probabilities, which differ from logits by a per-sample constant, so margins and
 * log-softmax values computed from them are the same.
 */
final class QueryOracle {
    private final Classifier model;
    private final NDManager manager;
    private final Shape sampleShape;
    private final int dim;

    QueryOracle(Classifier model, NDManager manager) {
        this.model = model;
        this.manager = manager;
        this.sampleShape = model.inputShape();
        this.dim = (int) sampleShape.size();
    }

    int dim() {
        return dim;
    }

    int numClasses() {
        return model.numClasses();
    }

    /** Scores (rows·K, row-major) for {@code rows} candidates stored back to back in {@code flat}. */
    float[] scores(float[] flat, int rows) {
        if (rows == 0) {
            return new float[0];
        }
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray x = Tensors.floats(manager, flat, new Shape(rows).addAll(sampleShape));
            return model.predictLogits(x).toFloatArray();
        }
    }

    /** Top-1 labels of {@code rows} candidates stored back to back in {@code flat}. */
    int[] labels(float[] flat, int rows) {
        if (rows == 0) {
            return new int[0];
        }
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray x = Tensors.floats(manager, flat, new Shape(rows).addAll(sampleShape));
            long[] l = model.predictLabels(x).toLongArray();
            int[] out = new int[rows];
            for (int i = 0; i < rows; i++) {
                out[i] = (int) l[i];
            }
            return out;
        }
    }

    /** Argmax of one row of scores (the first maximum, as {@code argMax} does). */
    static int argmax(float[] scores, int row, int k) {
        int best = 0;
        float bv = scores[row * k];
        for (int j = 1; j < k; j++) {
            if (scores[row * k + j] > bv) {
                bv = scores[row * k + j];
                best = j;
            }
        }
        return best;
    }

    /** {@code s_y − max_{j≠y} s_j} of one row: negative iff the row is not classified as y. */
    static double margin(float[] scores, int row, int k, int y) {
        double other = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < k; j++) {
            if (j != y) {
                other = Math.max(other, scores[row * k + j]);
            }
        }
        return scores[row * k + y] - other;
    }

    /** log softmax of class y in one row, computed in double (stable even for saturated scores). */
    static double logSoftmax(float[] scores, int row, int k, int y) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < k; j++) {
            max = Math.max(max, scores[row * k + j]);
        }
        double sum = 0;
        for (int j = 0; j < k; j++) {
            sum += Math.exp(scores[row * k + j] - max);
        }
        return scores[row * k + y] - max - Math.log(sum);
    }

    /** Has the attack reached its goal on a prediction? */
    static boolean fooled(int predicted, int y, boolean targeted) {
        return Criterion.of(targeted).isAdversarial(predicted, y);
    }

    /** Query budget left for the algorithm after the template's clean and final predictions. */
    static long algorithmBudget(int maxQueries) {
        return maxQueries - 2L;
    }
}
