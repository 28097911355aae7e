package org.dlsec.model;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The provenance file written beside a dlsec model's weights ({@code dlsec-model.json}): what the
 * model is, how it was trained, how good it was, and the hash of its weights, so a loaded model can
 * be checked and any result on it traced.
 *
 * @param format always {@link #FORMAT}
 * @param architecture the {@link Architecture} name
 * @param dataset the training dataset's name
 * @param inputShape (C, H, W)
 * @param numClasses number of outputs
 * @param weightsFile file name of the weights, relative to the model directory
 * @param weightsSha256 SHA-256 of the weights file
 * @param training how it was trained
 * @param testAccuracy accuracy on the test split after training, or null if not measured
 * @param versions dlsec/DJL/PyTorch/Java versions that wrote it
 * @param created when it was written
 */
public record ModelCard(
        String format,
        String architecture,
        String dataset,
        long[] inputShape,
        int numClasses,
        String weightsFile,
        String weightsSha256,
        Training training,
        Double testAccuracy,
        Map<String, String> versions,
        Instant created) {

    /**
     * The value of {@code format} this version writes and reads.
     */
    public static final String FORMAT = "dlsec-model/1";
    /**
     * The card's file name inside a model directory.
     */
    public static final String FILE = "dlsec-model.json";

    /**
     * @param epochs epochs trained
     * @param batchSize mini-batch size
     * @param optimizer adam or sgd
     * @param learningRate learning rate
     * @param schedule learning-rate schedule
     * @param seed the seed of initialisation and shuffling
     * @param trainSamples number of training samples
     * @param data the training data's origin (files, hashes, subsets)
     * @param seconds wall time of training
     * @param history per-epoch figures
     * @param extra anything a special training method records (adversarial, DP, poisoning ...)
     */
    public record Training(int epochs, int batchSize, String optimizer, double learningRate, String schedule, long seed,
            int trainSamples, String data, double seconds, List<EpochRecord> history, Map<String, Object> extra) {}

    /** Figures for one epoch. */
    public record EpochRecord(int epoch, double trainLoss, double trainAccuracy, Double validationAccuracy,
            Double testAccuracy, double seconds) {}
}
