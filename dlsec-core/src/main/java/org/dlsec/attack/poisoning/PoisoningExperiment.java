package org.dlsec.attack.poisoning;

import java.util.Map;
import java.util.stream.IntStream;
import org.dlsec.data.Dataset;
import org.dlsec.metric.Evaluation;
import org.dlsec.model.Architecture;
import org.dlsec.model.DjlClassifier;
import org.dlsec.model.Models;
import org.dlsec.train.ModelTrainer;
import org.dlsec.train.TrainConfig;

/**
 * The measurement of a poisoning attack: the victim trains the same architecture, with the same
 * seed and schedule, once on the clean training set and once on the poisoned one; both models are
 * scored on the clean test set, and a backdoored model also on the test images outside the target
 * class with the trigger stamped in (attack success rate = share classified as the target).
 */
public final class PoisoningExperiment {
    /**
     * @param cleanModelAccuracy test accuracy of the model trained on clean data
     * @param poisonedModelAccuracy test accuracy of the model trained on the poisoned data
     * @param attackSuccessRate backdoor: share of triggered non-target test images classified as the
     *        target (NaN for label flipping)
     * @param triggerOnCleanModel backdoor: the same share for the clean model (the base rate; NaN
     *        for label flipping)
     * @param poisonedSamples training samples changed
     * @param trainSamples training samples
     * @param triggered backdoor: the triggered non-target test images (null for label flipping)
     * @param triggeredPredictions backdoor: the poisoned model's predictions on them (null for label flipping)
     */
    public record Result(double cleanModelAccuracy, double poisonedModelAccuracy, double attackSuccessRate,
            double triggerOnCleanModel, int poisonedSamples, int trainSamples, double seconds, Dataset triggered,
            int[] triggeredPredictions) {}

    private PoisoningExperiment() {}

    /**
     * Trains {@code arch} on clean and on poisoned data; {@code trigger} and {@code target} are null for label flipping.
     *
     * @param arch the victim's architecture
     * @param clean the clean training set
     * @param poisoned the poisoned training set
     * @param test the clean test set
     * @param config the victims' training (the same seed for both)
     * @param trigger the backdoor trigger, or null
     * @param target the backdoor target, or null
     * @param progress whether to show progress bars on stderr
     * @return both victims' accuracy and the attack success; the models are closed
     */
    public static Result run(Architecture arch, Dataset clean, Poisoned poisoned, Dataset test, TrainConfig config,
            TriggerPattern trigger, Integer target, boolean progress) {
        return run(arch, clean, poisoned, test, config, trigger, target, progress, null);
    }

    /**
     * As {@link #run(Architecture, Dataset, Poisoned, Dataset, TrainConfig, TriggerPattern, Integer, boolean)},
     * and hands the model trained on the poisoned data to {@code inspectPoisoned} (if not null) before
     * it is closed: the hook for defences that inspect the victim model, e.g. poison detectors.
     *
     * @param arch the victim's architecture
     * @param clean the clean training set
     * @param poisoned the poisoned training set
     * @param test the clean test set
     * @param config the victims' training
     * @param trigger the backdoor trigger, or null
     * @param target the backdoor target, or null
     * @param progress whether to show progress bars on stderr
     * @param inspectPoisoned sees the poisoned victim before it is closed, or null
     * @return both victims' accuracy and the attack success
     */
    public static Result run(Architecture arch, Dataset clean, Poisoned poisoned, Dataset test, TrainConfig config,
            TriggerPattern trigger, Integer target, boolean progress, java.util.function.Consumer<DjlClassifier> inspectPoisoned) {
        long t0 = System.nanoTime();
        try (DjlClassifier a = train(arch, clean, config, progress);
                DjlClassifier b = train(arch, poisoned.data(), config, progress)) {
            double accA = Evaluation.accuracy(a, test);
            double accB = Evaluation.accuracy(b, test);
            double asr = Double.NaN;
            double base = Double.NaN;
            Dataset triggered = null;
            int[] predictions = null;
            if (trigger != null) {
                int[] keep = IntStream.range(0, test.size()).filter(i -> test.label(i) != target).toArray();
                triggered = trigger.stamp(test.subset(keep, "labels other than the backdoor target"));
                predictions = Evaluation.evaluate(b, triggered, Evaluation.DEFAULT_BATCH, false).predictions();
                asr = targetRate(predictions, target);
                base = targetRate(Evaluation.evaluate(a, triggered, Evaluation.DEFAULT_BATCH, false).predictions(), target);
            }
            if (inspectPoisoned != null) {
                inspectPoisoned.accept(b);
            }
            return new Result(accA, accB, asr, base, poisoned.poisoned().length, clean.size(), (System.nanoTime() - t0) / 1e9,
                    triggered, predictions);
        }
    }

    /**
     * Attack success of a backdoor on {@code model}: the share of the test images outside class
     * {@code target} that the model classifies as {@code target} once the trigger is stamped in.
     *
     * @param model the classifier; not closed
     * @param test the clean test set
     * @param trigger the trigger
     * @param target the target class
     * @return a share in [0, 1]
     */
    public static double attackSuccess(org.dlsec.model.Classifier model, Dataset test, TriggerPattern trigger, int target) {
        int[] keep = IntStream.range(0, test.size()).filter(i -> test.label(i) != target).toArray();
        Dataset triggered = trigger.stamp(test.subset(keep, "labels other than the backdoor target"));
        return targetRate(Evaluation.evaluate(model, triggered, Evaluation.DEFAULT_BATCH, false).predictions(), target);
    }

    /**
     * Attack success of an all-to-all backdoor on {@code model}: the share of triggered test images
     * of class y that the model classifies as {@link Poisons#allToAllTarget (y + 1) mod K}.
     *
     * @param model the classifier; not closed
     * @param test the clean test set
     * @param trigger the trigger
     * @return a share in [0, 1]
     */
    public static double allToAllSuccess(org.dlsec.model.Classifier model, Dataset test, TriggerPattern trigger) {
        int[] pred = Evaluation.evaluate(model, trigger.stamp(test), Evaluation.DEFAULT_BATCH, false).predictions();
        int hits = 0;
        for (int i = 0; i < pred.length; i++) {
            hits += pred[i] == Poisons.allToAllTarget(test.label(i), test.numClasses()) ? 1 : 0;
        }
        return pred.length == 0 ? Double.NaN : (double) hits / pred.length;
    }

    /**
     * A new {@code arch} model trained on {@code data} with {@code config}: the victim's training run.
     *
     * @param arch the architecture
     * @param data the training set
     * @param config the training parameters
     * @param progress whether to show a progress bar on stderr
     * @return a new trained model; the caller closes it
     */
    public static DjlClassifier train(Architecture arch, Dataset data, TrainConfig config, boolean progress) {
        DjlClassifier m = Models.create(arch, data.sampleShape(), data.numClasses(), config.seed());
        new ModelTrainer(config, null, null, progress).train(m, data, null, null, Map.of());
        return m;
    }

    private static double targetRate(int[] pred, int target) {
        int hits = 0;
        for (int p : pred) {
            hits += p == target ? 1 : 0;
        }
        return pred.length == 0 ? Double.NaN : (double) hits / pred.length;
    }
}
