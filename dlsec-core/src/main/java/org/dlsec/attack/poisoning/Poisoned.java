package org.dlsec.attack.poisoning;

import org.dlsec.data.Dataset;

/**
 * A poisoned training set and which of its samples were changed.
 *
 * @param data the training set as the victim receives it
 * @param poisoned indices (into {@code data}) of the changed samples, ascending
 */
public record Poisoned(Dataset data, int[] poisoned) {
    /**
     * Copies the indices.
     *
     * @param data the training set as the victim receives it
     * @param poisoned indices (into {@code data}) of the changed samples, ascending
     */
    public Poisoned {
        poisoned = poisoned.clone();
    }

    /**
     * The indices of the changed samples.
     *
     * @return a copy, ascending
     */
    @Override
    public int[] poisoned() {
        return poisoned.clone();
    }

    /**
     * The fraction of the training set that was changed.
     *
     * @return changed samples / all samples
     */
    public double rate() {
        return data.size() == 0 ? 0 : (double) poisoned.length / data.size();
    }
}
