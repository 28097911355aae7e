package org.dlsec.train;

import ai.djl.ndarray.NDArray;
import ai.djl.training.Trainer;
import java.util.Arrays;
import java.util.Random;
import org.dlsec.data.Dataset;

/**
 * How one update's gradient is formed and which samples each update sees, for training methods
 * that change either: DP-SGD clips per-example gradients, adds noise and samples batches by Poisson
 * sampling. The default {@link ModelTrainer} step (one backward pass of the batch loss) needs none
 * of this.
 */
public interface GradientStep {
    /**
     * Leaves in the trainable parameters' gradient arrays the gradient the optimiser is to apply,
     * and returns the batch's loss and logits (logits may be null for an empty batch).
     *
     * @param trainer the DJL trainer (forward passes, gradient collectors)
     * @param x the batch (possibly empty, with leading dimension 0)
     * @param y int64 labels
     * @return the batch's loss and logits, attached to the batch's manager
     */
    BatchLoss.Output compute(Trainer trainer, NDArray x, NDArray y);

    /**
     * The batches of one epoch, as indices into the training set. The default is a fresh shuffle
     * cut into consecutive batches of {@code batchSize}.
     *
     * @param n the training-set size
     * @param batchSize the nominal batch size
     * @param rnd the run's seeded generator; advanced
     * @return the batches, each an array of sample indices
     */
    default int[][] batches(int n, int batchSize, Random rnd) {
        return shuffledBatches(n, batchSize, rnd);
    }

    /**
     * Called once after every epoch (accountants record the privacy spent here).
     *
     * @param epoch the epoch just finished, 1-based
     */
    default void epochDone(int epoch) {}

    /**
     * A short note for the epoch's log line (e.g. the privacy spent so far), or "".
     *
     * @return the note, never null
     */
    default String epochNote() {
        return "";
    }

    /**
     * What the model card records about this method (under {@code training.extra}), or an empty map.
     *
     * @return an immutable map
     */
    default java.util.Map<String, Object> record() {
        return java.util.Map.of();
    }

    /**
     * A seeded shuffle of 0..n-1 cut into batches of {@code batchSize} (the last one may be smaller).
     *
     * @param n the number of samples
     * @param batchSize the batch size, at least 1
     * @param rnd the generator; advanced
     * @return ceil(n / batchSize) batches covering each index once
     */
    static int[][] shuffledBatches(int n, int batchSize, Random rnd) {
        int[] perm = Dataset.permutation(n, rnd);
        int count = (n + batchSize - 1) / batchSize;
        int[][] out = new int[count][];
        for (int b = 0; b < count; b++) {
            out[b] = Arrays.copyOfRange(perm, b * batchSize, Math.min(n, (b + 1) * batchSize));
        }
        return out;
    }
}
