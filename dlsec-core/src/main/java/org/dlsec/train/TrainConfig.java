package org.dlsec.train;

import java.util.Locale;
import org.dlsec.core.DlsecException;

/**
 * Immutable, validated training parameters. A bad value fails at construction with the
 * parameter's name in the message.
 *
 * @param epochs passes over the training data (1..10000)
 * @param batchSize mini-batch size (1..65536)
 * @param optimizer adam or sgd (SGD with momentum 0.9)
 * @param learningRate step size (0, 10]
 * @param seed seed of initialisation and shuffling
 * @param schedule constant, or cosine (decays the rate to 0 over the run, by update)
 */
public record TrainConfig(int epochs, int batchSize, String optimizer, double learningRate, long seed, String schedule) {
    /**
     * Normalises the names (lower case) and checks every value.
     *
     * @param epochs passes over the training data (1..10000)
     * @param batchSize mini-batch size (1..65536)
     * @param optimizer adam or sgd (SGD with momentum 0.9)
     * @param learningRate step size (0, 10]
     * @param seed seed of initialisation and shuffling
     * @param schedule constant, or cosine (decays the rate to 0 over the run, by update)
     * @throws org.dlsec.core.DlsecException when a value is out of range; the message names it
     */
    public TrainConfig {
        DlsecException.require(epochs >= 1 && epochs <= 10_000, "epochs", "must be in 1..10000, got " + epochs);
        DlsecException.require(batchSize >= 1 && batchSize <= 65_536, "batch size", "must be in 1..65536, got " + batchSize);
        optimizer = optimizer == null ? "" : optimizer.toLowerCase(Locale.ROOT);
        DlsecException.require(optimizer.equals("adam") || optimizer.equals("sgd"), "optimizer",
                "expected adam or sgd, got '" + optimizer + "'");
        DlsecException.require(learningRate > 0 && learningRate <= 10 && Double.isFinite(learningRate), "learning rate",
                "must be in (0, 10], got " + learningRate);
        schedule = schedule == null ? "" : schedule.toLowerCase(Locale.ROOT);
        DlsecException.require(schedule.equals("constant") || schedule.equals("cosine"), "schedule",
                "expected constant or cosine, got '" + schedule + "'");
    }

    /**
     * Adam at 2e-3 with cosine decay, batch 128: the defaults for the seed architectures.
     *
     * @param epochs passes over the training data, 1 to 10,000
     * @param seed seed of initialisation and shuffling
     * @return the configuration
     * @throws org.dlsec.core.DlsecException when {@code epochs} is out of range
     */
    public static TrainConfig defaults(int epochs, long seed) {
        return new TrainConfig(epochs, 128, "adam", 2e-3, seed, "cosine");
    }
}
