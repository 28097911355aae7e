package org.dlsec.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Tensors;

/**
 * A classifier that can only be queried: no gradients. Scores from the wrapped
 * {@link BatchPredictor} are logits or probabilities ({@link ScoreKind}); probabilities are turned
 * into log-probabilities so that {@link #predictProba} returns them unchanged.
 */
public final class BlackBoxClassifier extends AbstractClassifier {
    private static final float LOG_FLOOR = 1e-30f;
    private final BatchPredictor predictor;
    private final ScoreKind scoreKind;

    /**
     * A black-box classifier over {@code predictor}; closing it closes the predictor.
     *
     * @param predictor the prediction function; owned by this classifier from now on
     * @param scoreKind whether the predictor's rows are logits or probabilities ({@link ScoreKind#detect})
     * @param inputShape one sample's shape
     * @param numClasses the number of scores per sample, at least 2
     * @param bounds the inputs' valid range
     * @param info provenance of the model
     * @throws DlsecException when the shape, class count or bounds are invalid
     */
    public BlackBoxClassifier(BatchPredictor predictor, ScoreKind scoreKind, Shape inputShape, int numClasses,
            Bounds bounds, ModelInfo info) {
        super(inputShape, numClasses, bounds, info);
        this.predictor = predictor;
        this.scoreKind = scoreKind;
    }

    /**
     * What the predictor's scores are.
     *
     * @return logits or probabilities
     */
    public ScoreKind scoreKind() {
        return scoreKind;
    }

    @Override
    public boolean hasGradients() {
        return false;
    }

    @Override
    protected NDArray forward(NDArray x) {
        int n = (int) x.getShape().get(0);
        float[][] scores = predictor.predict(x.toFloatArray(), n);
        if (scores.length != n) {
            throw new DlsecException("the model answered " + scores.length + " rows for " + n + " inputs");
        }
        int k = numClasses();
        float[] flat = new float[n * k];
        for (int i = 0; i < n; i++) {
            if (scores[i].length != k) {
                throw new DlsecException("the model answered " + scores[i].length + " scores; expected " + k);
            }
            for (int j = 0; j < k; j++) {
                float v = scores[i][j];
                if (!Float.isFinite(v)) {
                    throw new DlsecException("the model answered a non-finite score for sample " + i);
                }
                flat[i * k + j] = scoreKind == ScoreKind.PROBABILITIES ? (float) Math.log(Math.max(v, LOG_FLOOR)) : v;
            }
        }
        return Tensors.floats(x.getManager(), flat, new Shape(n, k));
    }

    @Override
    public void close() {
        try {
            predictor.close();
        } catch (RuntimeException e) {
            // closing a predictor must not hide the caller's own error
        }
    }
}
