package org.dlsec.defence.training;

import org.dlsec.core.DlsecException;

/**
 * A linear ramp of the adversarial-training budget: during the first {@code epochs} epochs the
 * inner attack uses ε·t/T (and its step α·t/T) at batch t of T = epochs × batches per epoch, then
 * the full ε. Training at the full ε = 0.3 on MNIST from a random initialisation can stall at chance
 * accuracy for a long time (the network first has to learn anything at all); starting small and
 * growing ε, as Gowal et al. (IBP, 2018) and Wong et al. (2020) do for MNIST, avoids the stall.
 * Zero epochs means no warm-up.
 *
 * @param epochs the length of the ramp in epochs, 0 to 1000 (fractions allowed); 0 for none
 */
public record EpsilonWarmup(double epochs) {
    /** No warm-up: the full ε from the first batch. */
    public static final EpsilonWarmup NONE = new EpsilonWarmup(0);

    /**
     * Checks the length.
     *
     * @param epochs the length of the ramp in epochs, 0 to 1000 (fractions allowed); 0 for none
     * @throws org.dlsec.core.DlsecException when {@code epochs} is outside 0..1000
     */
    public EpsilonWarmup {
        DlsecException.require(Double.isFinite(epochs) && epochs >= 0 && epochs <= 1000, "eps warm-up",
                "must be in 0..1000 epochs, got " + epochs);
    }

    /**
     * The share of ε used at {@code batch} (0-based, counted over the whole training).
     *
     * @param batch the update's index over the whole training, 0-based
     * @param batchesPerEpoch batches in one epoch; ≤ 0 when unknown (then no warm-up)
     * @return a factor in (0, 1]
     */
    public double factor(long batch, int batchesPerEpoch) {
        if (epochs == 0 || batchesPerEpoch <= 0) {
            return 1;
        }
        return Math.min(1, (batch + 1) / (epochs * batchesPerEpoch));
    }
}
