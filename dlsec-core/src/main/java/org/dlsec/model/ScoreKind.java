package org.dlsec.model;

/** What a black-box model's scores are: unnormalised logits, or probabilities that sum to one. */
public enum ScoreKind {
    /**
     * Unnormalised scores, e.g. a network's last layer.
     */
    LOGITS,
    /**
     * Probabilities: non-negative, each row summing to 1.
     */
    PROBABILITIES;

    /**
     * Guesses from one batch of scores: non-negative rows summing to 1 (±1e-3) are probabilities.
     *
     * @param scores rows of scores for a batch
     * @return {@link #PROBABILITIES} when every row is non-negative and sums to 1 within 1e-3, else {@link #LOGITS}
     */
    public static ScoreKind detect(float[][] scores) {
        for (float[] row : scores) {
            double sum = 0;
            for (float v : row) {
                if (v < 0 || v > 1 || !Float.isFinite(v)) {
                    return LOGITS;
                }
                sum += v;
            }
            if (Math.abs(sum - 1) > 1e-3) {
                return LOGITS;
            }
        }
        return PROBABILITIES;
    }
}
