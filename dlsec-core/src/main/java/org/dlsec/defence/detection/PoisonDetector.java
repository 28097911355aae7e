package org.dlsec.defence.detection;

/**
 * A detector of poisoned training samples working on the learned representations (one activation
 * vector per training sample) and the labels the samples carry.
 */
public interface PoisonDetector {
    /**
     * @param features one activation vector per training sample (all of the same length)
     * @param labels the training labels, as the (possibly poisoned) data carries them
     * @param numClasses number of classes
     * @return the flags and the per-class figures
     */
    PoisonDetection detect(float[][] features, int[] labels, int numClasses);
}
