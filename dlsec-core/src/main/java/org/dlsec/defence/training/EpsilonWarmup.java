package org.dlsec.defence.training;

import org.dlsec.core.DlsecException;

/**
 * A linear ramp of the adversarial-training budget: during the first {@code epochs} epochs the
 * inner attack uses ε·t/T (and its step α·t/T) at batch t of T = epochs × batches per epoch, then
 * the full ε. Training at the full ε = 0.3 on MNIST from a random initialisation can stall at chance
 * accuracy for a long time (the network first has to learn anything at all); starting small and
 * growing ε, as Gowal et al. (IBP, 2018) and Wong et al. (2020) do for MNIST, avoids the stall.
 * Zero epochs means no warm-up.
 */
public record EpsilonWarmup(double epochs) {
    public static final EpsilonWarmup NONE = new EpsilonWarmup(0);

    public EpsilonWarmup {
        DlsecException.require(Double.isFinite(epochs) && epochs >= 0 && epochs <= 1000, "eps warm-up",
                "must be in 0..1000 epochs, got " + epochs);
    }

    /**
     * The share of ε used at {@code batch} (0-based, counted over the whole training).
     *
     * @param batchesPerEpoch batches in one epoch; ≤ 0 when unknown (then no warm-up)
     */
    public double factor(long batch, int batchesPerEpoch) {
        if (epochs == 0 || batchesPerEpoch <= 0) {
            return 1;
        }
        return Math.min(1, (batch + 1) / (epochs * batchesPerEpoch));
    }
}
