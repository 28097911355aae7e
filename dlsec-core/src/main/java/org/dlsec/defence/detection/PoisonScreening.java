package org.dlsec.defence.detection;

import java.util.LinkedHashMap;
import java.util.Map;
import org.dlsec.attack.poisoning.PoisoningExperiment;
import org.dlsec.attack.poisoning.Trigger;
import org.dlsec.data.Dataset;
import org.dlsec.metric.Evaluation;
import org.dlsec.model.Architecture;
import org.dlsec.model.Classifier;
import org.dlsec.model.DjlClassifier;
import org.dlsec.model.FeatureExtractor;
import org.dlsec.train.TrainConfig;

/**
 * Screening a training set for poisons with the model trained on it: penultimate-layer
 * activations of every training sample ({@link FeatureExtractor#penultimate}), a
 * {@link PoisonDetector} over them, and optionally a retraining on the samples not flagged, to
 * measure what removing them did to the backdoor — the protocol of Tran et al. (2018) and Chen et
 * al. (2018).
 */
public final class PoisonScreening {
    /** Activations are computed in batches of this size. */
    public static final int BATCH = 256;

    private PoisonScreening() {}

    /**
     * Runs {@code detector} on the penultimate activations that {@code model} computes for {@code train}.
     *
     * @param model the (possibly poisoned) victim; not changed, not closed
     * @param train its training set
     * @param detector the detector
     * @return the flags
     */
    public static PoisonDetection screen(DjlClassifier model, Dataset train, PoisonDetector detector) {
        float[][] f = FeatureExtractor.penultimate(model).features(train::images, train.size(), BATCH);
        return detector.detect(f, train.labels(), train.numClasses());
    }

    /**
     * The model retrained on the cleaned set.
     *
     * @param trainSamples samples kept (not flagged)
     * @param cleanAccuracy its accuracy on the clean test set
     * @param attackSuccessRate its attack success with the trigger (NaN without a trigger)
     */
    public record Retrained(int trainSamples, double cleanAccuracy, double attackSuccessRate) {
        /**
         * The figures as results record them.
         *
         * @return a new mutable map, ready for the JSON mapper
         */
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("trainSamples", trainSamples);
            m.put("cleanAccuracy", cleanAccuracy);
            m.put("attackSuccessRate", attackSuccessRate);
            return m;
        }
    }

    /**
     * Retrains {@code arch} with {@code config} on {@code poisonedTrain} without the samples
     * {@code detection} flags, and scores it on {@code test} (and, for a backdoor, with the trigger).
     *
     * @param arch the victim's architecture
     * @param poisonedTrain the poisoned training set
     * @param detection the screen's flags
     * @param test the clean test set
     * @param config the training parameters
     * @param trigger the backdoor trigger, or null (label flipping, noise)
     * @param target the backdoor target class (ignored without a trigger)
     * @param progress whether to show progress bars on stderr
     * @return the retrained victim's figures; the model itself is closed
     */
    public static Retrained retrain(Architecture arch, Dataset poisonedTrain, PoisonDetection detection, Dataset test,
            TrainConfig config, Trigger trigger, int target, boolean progress) {
        return retrain(arch, poisonedTrain, detection, test, config,
                trigger == null ? null : m -> PoisoningExperiment.attackSuccess(m, test, trigger, target), progress);
    }

    /**
     * As above, with the attack success measured by {@code attackSuccess} on the retrained model
     * (e.g. an all-to-all backdoor's), or NaN when it is null.
     *
     * @param arch the victim's architecture
     * @param poisonedTrain the poisoned training set
     * @param detection the screen's flags
     * @param test the clean test set
     * @param config the training parameters
     * @param attackSuccess measures the attack on the retrained model, or null
     * @param progress whether to show progress bars on stderr
     * @return the retrained victim's figures; the model itself is closed
     */
    public static Retrained retrain(Architecture arch, Dataset poisonedTrain, PoisonDetection detection, Dataset test,
            TrainConfig config, java.util.function.ToDoubleFunction<Classifier> attackSuccess, boolean progress) {
        int[] keep = detection.keptIndices();
        org.dlsec.core.DlsecException.require(keep.length > 0, "detection", "flags every training sample: nothing to retrain on");
        Dataset cleaned = poisonedTrain.subset(keep, "without the " + (poisonedTrain.size() - keep.length) + " samples flagged by "
                + detection.method());
        try (DjlClassifier m = PoisoningExperiment.train(arch, cleaned, config, progress)) {
            double acc = Evaluation.accuracy(m, test);
            double asr = attackSuccess == null ? Double.NaN : attackSuccess.applyAsDouble(m);
            return new Retrained(keep.length, acc, asr);
        }
    }
}
