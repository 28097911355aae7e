package org.dlsec.attack.poisoning;

import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Progress;
import org.dlsec.data.Dataset;
import org.dlsec.metric.Evaluation;
import org.dlsec.model.Architecture;
import org.dlsec.model.DjlClassifier;
import org.dlsec.model.FeatureExtractor;
import org.dlsec.model.Models;
import org.dlsec.train.ModelTrainer;
import org.dlsec.train.TrainConfig;

/**
 * The transfer-learning scenario of Poison Frogs (Shafahi et al. 2018, section 4): the victim takes
 * a feature extractor pre-trained on clean data, freezes it, and retrains only the final (softmax)
 * layer on its own training set — into which the attacker has slipped, per target, a few
 * {@linkplain FeatureCollision feature-collision} poisons crafted from base-class images and
 * carrying their correct base-class label. The attack succeeds on a target t when the retrained
 * victim classifies t as the base class.
 *
 * <p>Each target is a separate attack (its own poisons, its own retrained victim, as in the paper).
 * The baseline is the final layer retrained on the clean set with the same seed: its test accuracy
 * is {@code cleanAccuracyBaseline}, and each poisoned victim's test accuracy is compared to it.
 * Targets are test images outside the base class that the baseline classifies correctly; bases are
 * test images of the base class (the attacker's own images, not in the victim's training set),
 * chosen as those nearest to the target in feature space (the attacker holds the extractor).
 */
public final class FeatureCollisionExperiment {
    private FeatureCollisionExperiment() {}

    /**
     * One attacked target.
     *
     * @param index test-set index of the target
     * @param label its true class
     * @param baselinePrediction the clean victim's prediction (the final layer retrained on clean data)
     * @param poisonedPrediction the poisoned victim's prediction
     * @param success whether the poisoned victim says the base class and the clean victim did not
     * @param bases test-set indices of the base images
     * @param cleanAccuracy test accuracy of the poisoned victim
     * @param crafted the poisons and their distances
     */
    public record Target(int index, int label, int baselinePrediction, int poisonedPrediction, boolean success, int[] bases,
            double cleanAccuracy, FeatureCollision.Crafted crafted) {
        /**
         * The mean feature distance of the original bases to the target.
         *
         * @return the mean of {@code featureDistanceBefore}
         */
        public double meanFeatureDistanceBefore() {
            return Arrays.stream(crafted.featureDistanceBefore()).average().orElse(Double.NaN);
        }

        /**
         * The mean feature distance of the poisons to the target.
         *
         * @return the mean of {@code featureDistanceAfter}
         */
        public double meanFeatureDistanceAfter() {
            return Arrays.stream(crafted.featureDistanceAfter()).average().orElse(Double.NaN);
        }

        /**
         * The mean pixel distance of the poisons to their bases.
         *
         * @return the mean L2, in the data's units
         */
        public double meanPixelL2() {
            return Arrays.stream(crafted.pixelL2()).average().orElse(Double.NaN);
        }

        /**
         * The largest pixel change of any poison.
         *
         * @return the largest L∞, in the data's units
         */
        public double maxPixelLinf() {
            return Arrays.stream(crafted.pixelLinf()).max().orElse(Double.NaN);
        }
    }

    /**
     * @param targets the attacked targets
     * @param cleanAccuracyBaseline test accuracy of the final layer retrained on clean data
     * @param baseClass the base class
     * @param poisonsPerTarget poisons inserted per attack
     * @param trainSamples clean training samples (each victim trains on these plus the poisons)
     */
    public record Result(List<Target> targets, double cleanAccuracyBaseline, int baseClass, int poisonsPerTarget,
            int trainSamples, double seconds) {
        /**
         * The share of targets whose poisoned victim says the base class.
         *
         * @return a value in [0, 1]; NaN without targets
         */
        public double successRate() {
            return targets.isEmpty() ? Double.NaN : (double) targets.stream().filter(Target::success).count() / targets.size();
        }

        /**
         * Mean test accuracy of the poisoned victims.
         *
         * @return a value in [0, 1]
         */
        public double meanCleanAccuracy() {
            return targets.stream().mapToDouble(Target::cleanAccuracy).average().orElse(Double.NaN);
        }

        /**
         * The share of each victim's training set that is poison.
         *
         * @return poisons / (training samples + poisons)
         */
        public double poisonRate() {
            return (double) poisonsPerTarget / (trainSamples + poisonsPerTarget);
        }
    }

    /**
     * {@code count} targets: test images outside {@code baseClass} that {@code model} classifies
     * correctly, drawn with {@code seed}, in ascending order.
     *
     * @param model the feature extractor; not closed
     * @param test the test split
     * @param baseClass the base class
     * @param count the number of targets, at least 1
     * @param seed the draw's seed
     * @return test-set indices
     * @throws org.dlsec.core.DlsecException when too few test images qualify
     */
    public static int[] chooseTargets(DjlClassifier model, Dataset test, int baseClass, int count, long seed) {
        DlsecException.require(count >= 1, "targets", "must be at least 1, got " + count);
        requireClass(baseClass, test);
        int[] pred = Evaluation.evaluate(model, test, Evaluation.DEFAULT_BATCH, false).predictions();
        int[] order = Dataset.permutation(test.size(), new java.util.Random(org.dlsec.core.Seeds.mix(seed, 0xF406L)));
        int[] out = Arrays.stream(order).filter(i -> test.label(i) != baseClass && pred[i] == test.label(i)).limit(count)
                .sorted().toArray();
        DlsecException.require(out.length == count, "targets", "only " + out.length + " correctly classified test images"
                + " outside the base class, asked for " + count);
        return out;
    }

    /**
     * Runs the attack on each target.
     *
     * @param extractor the pre-trained network whose penultimate layer is frozen and shared by every victim
     * @param train the victim's (clean) training set for the final layer
     * @param test the test set: targets and bases come from it, and clean accuracy is measured on it
     * @param targets test indices of the targets (outside the base class)
     * @param baseClass the class the poisons look like
     * @param poisons poisons per target, at least 1
     * @param attack the crafting
     * @param head how the final layer is retrained (its seed is the victim's)
     * @param progress whether to show a progress bar on stderr
     * @return the per-target results; every victim is closed before this returns
     */
    public static Result run(DjlClassifier extractor, Dataset train, Dataset test, int[] targets, int baseClass, int poisons,
            FeatureCollision attack, TrainConfig head, boolean progress) {
        long t0 = System.nanoTime();
        requireClass(baseClass, test);
        DlsecException.require(poisons >= 1 && poisons <= 1000, "poisons", "must be in 1..1000, got " + poisons);
        DlsecException.require(targets.length >= 1, "targets", "need at least one target");
        DlsecException.require(train.sampleShape().equals(extractor.inputShape()), "train", "images are "
                + train.sampleShape() + " but the extractor takes " + extractor.inputShape());
        for (int t : targets) {
            DlsecException.require(t >= 0 && t < test.size(), "target index", t + " is outside the test set (0.."
                    + (test.size() - 1) + ")");
            DlsecException.require(test.label(t) != baseClass, "target index", "test image " + t + " is already of the base"
                    + " class " + baseClass);
        }
        int[] candidates = IntStream.range(0, test.size()).filter(i -> test.label(i) == baseClass).toArray();
        DlsecException.require(candidates.length >= poisons, "poisons", poisons + " asked but the test set holds only "
                + candidates.length + " base-class images");
        FeatureExtractor fe = FeatureExtractor.penultimate(extractor);
        float[][] trainFeat = fe.features(train::images, train.size(), Evaluation.DEFAULT_BATCH);
        float[][] testFeat = fe.features(test::images, test.size(), Evaluation.DEFAULT_BATCH);
        int fdim = trainFeat.length == 0 ? 0 : trainFeat[0].length;
        Dataset testFeatures = featureSet(test, testFeat, fdim, test.labels(), "penultimate features");
        Dataset cleanFeatures = featureSet(train, trainFeat, fdim, train.labels(), "penultimate features");
        double baseline;
        int[] baselinePred;
        try (DjlClassifier clean = trainHead(cleanFeatures, head, progress)) {
            Evaluation.Result r = Evaluation.evaluate(clean, testFeatures, Evaluation.DEFAULT_BATCH, false);
            baseline = r.accuracy();
            baselinePred = r.predictions();
        }
        List<Target> out = new ArrayList<>();
        try (Progress bar = progress ? Progress.start("feature collision", targets.length) : Progress.none()) {
            for (int t : targets) {
                float[] tf = testFeat[t];
                int[] bases = Arrays.stream(candidates).boxed()
                        .sorted(Comparator.comparingDouble((Integer i) -> squaredDistance(testFeat[i], tf)).thenComparing(i -> i))
                        .limit(poisons).mapToInt(Integer::intValue).toArray();
                float[][] baseImages = Arrays.stream(bases).mapToObj(test::image).toArray(float[][]::new);
                FeatureCollision.Crafted c = attack.craft(extractor, test.image(t), baseImages);
                Dataset poisonImages = poisonSet(test, c.poisons(), baseClass);
                float[][] poisonFeat = fe.features(poisonImages::images, poisonImages.size(), Evaluation.DEFAULT_BATCH);
                float[][] all = Arrays.copyOf(trainFeat, trainFeat.length + poisons);
                System.arraycopy(poisonFeat, 0, all, trainFeat.length, poisons);
                int[] labels = Arrays.copyOf(train.labels(), train.size() + poisons);
                Arrays.fill(labels, train.size(), labels.length, baseClass);
                Dataset poisoned = featureSet(train, all, fdim, labels, poisons + " feature-collision poisons for test image " + t);
                try (DjlClassifier victim = trainHead(poisoned, head, false)) {
                    Evaluation.Result r = Evaluation.evaluate(victim, testFeatures, Evaluation.DEFAULT_BATCH, false);
                    int p = r.predictions()[t];
                    out.add(new Target(t, test.label(t), baselinePred[t], p, p == baseClass && baselinePred[t] != baseClass, bases,
                            r.accuracy(), c));
                }
                if (progress) {
                    bar.step(1);
                }
            }
        }
        return new Result(List.copyOf(out), baseline, baseClass, poisons, train.size(), (System.nanoTime() - t0) / 1e9);
    }

    /**
     * The crafted poisons as a dataset of the base class (for pictures and feature extraction).
     *
     * @param like a dataset whose metadata (name, shape, classes) the poison set takes
     * @param poisons the poisons, CHW in [0, 1]
     * @param baseClass their label
     * @return a new in-memory dataset
     */
    public static Dataset poisonSet(Dataset like, float[][] poisons, int baseClass) {
        int d = like.sampleSize();
        float[] px = new float[poisons.length * d];
        for (int i = 0; i < poisons.length; i++) {
            System.arraycopy(poisons[i], 0, px, i * d, d);
        }
        int[] labels = new int[poisons.length];
        Arrays.fill(labels, baseClass);
        Shape s = like.sampleShape();
        return new Dataset(like.name(), "poisons", (int) s.get(0), (int) s.get(1), (int) s.get(2), like.numClasses(), px, labels,
                null, like.classNames(), like.origin() + " | feature-collision poisons");
    }

    /** Retrains the final layer: softmax regression on frozen features, seeded by {@code head}. */
    private static DjlClassifier trainHead(Dataset features, TrainConfig head, boolean progress) {
        DjlClassifier m = Models.create(Architecture.SOFTMAX, features.sampleShape(), features.numClasses(), head.seed());
        new ModelTrainer(head, null, null, progress).train(m, features, null, null, Map.of());
        return m;
    }

    private static Dataset featureSet(Dataset like, float[][] rows, int fdim, int[] labels, String what) {
        float[] flat = new float[rows.length * fdim];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, flat, i * fdim, fdim);
        }
        return new Dataset(like.name(), like.split(), fdim, 1, 1, like.numClasses(), flat, labels, null, like.classNames(),
                like.origin() + " | " + what);
    }

    private static double squaredDistance(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            double d = a[i] - b[i];
            s += d * d;
        }
        return s;
    }

    private static void requireClass(int baseClass, Dataset data) {
        DlsecException.require(baseClass >= 0 && baseClass < data.numClasses(), "base class",
                "must be a class in 0.." + (data.numClasses() - 1) + ", got " + baseClass);
    }
}
