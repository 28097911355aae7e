package org.dlsec.experiment;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.IntStream;
import org.dlsec.attack.poisoning.FeatureCollisionExperiment;
import org.dlsec.core.DlsecException;
import org.dlsec.data.Dataset;
import org.dlsec.model.DjlClassifier;

/**
 * Runs one feature-collision experiment: the training split is cut into the extractor's pre-training part and
 * the victim's retraining part ({@code --fine-tune}), the targets are chosen on the extractor, and every target
 * gets its own poisons and its own retrained victim.
 */
public final class FeatureCollisionRun {
    private final FeatureCollisionSpec spec;
    private final Dataset pretrain;
    private final Dataset train;
    private final Dataset test;

    private FeatureCollisionRun(FeatureCollisionSpec spec, Dataset pretrain, Dataset train, Dataset test) {
        this.spec = spec;
        this.pretrain = pretrain;
        this.train = train;
        this.test = test;
    }

    /**
     * Checks {@code spec} against the data and splits the training set.
     *
     * @param spec the experiment
     * @param train the training split
     * @param test the test split
     * @return the prepared run
     * @throws org.dlsec.core.DlsecException when the spec does not fit the data (class or index out of range, too few images)
     */
    public static FeatureCollisionRun prepare(FeatureCollisionSpec spec, Dataset train, Dataset test) {
        if (!train.isImage()) {
            throw new DlsecException("--attack featurecollision crafts poison images, but " + train.name()
                    + " holds feature vectors of shape " + train.sampleShape() + ": use --attack labelflip or noise");
        }
        DlsecException.require(spec.baseClass() >= 0 && spec.baseClass() < train.numClasses(), "--base-class",
                "must be a class in 0.." + (train.numClasses() - 1) + ", got " + spec.baseClass());
        if (spec.fineTune() == null) {
            return new FeatureCollisionRun(spec, train, train, test);
        }
        int n = spec.fineTune();
        DlsecException.require(n >= 10 && n < train.size(), "--fine-tune", "must be in 10.." + (train.size() - 1)
                + " (fewer than the training images), got " + n);
        int split = train.size() - n;
        return new FeatureCollisionRun(spec, train.first(split), train.subset(IntStream.range(split, train.size()).toArray(),
                "the victim's last " + n + " images for final-layer retraining"), test);
    }

    /**
     * What a feature extractor trained here trains on.
     *
     * @return the pre-training part of the training split
     */
    public Dataset pretrain() {
        return pretrain;
    }

    /**
     * The victim's clean retraining set.
     *
     * @return the retraining part
     */
    public Dataset train() {
        return train;
    }

    /**
     * The test images the targets come from.
     *
     * @return the test split
     */
    public Dataset test() {
        return test;
    }

    /**
     * The targets: the spec's indices, or test images the extractor gets right outside the base class, seeded.
     *
     * @param extractor the feature extractor; not closed
     * @return test-set indices, one per target
     */
    public int[] targets(DjlClassifier extractor) {
        if (!spec.targetIndex().isEmpty()) {
            return spec.targetIndex().stream().mapToInt(Integer::intValue).toArray();
        }
        return FeatureCollisionExperiment.chooseTargets(extractor, test, spec.baseClass(), spec.targets(), spec.seed());
    }

    /**
     * The parameters recorded in the provenance; {@code extractor} says where the feature extractor came from.
     *
     * @param extractor where the extractor came from, e.g. a model path
     * @param targets the targets' test-set indices
     * @param epochs the extractor's training epochs, or 0 when it was loaded
     * @return a new mutable map
     */
    public Map<String, Object> parameters(String extractor, int[] targets, int epochs) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("attack", "featurecollision");
        params.put("extractor", extractor);
        params.put("baseClass", spec.baseClass());
        params.put("targets", targets);
        params.put("poisonsPerTarget", spec.poisons());
        params.put("beta0", spec.beta());
        params.put("iterations", spec.iterations());
        params.put("stepSize", spec.stepSize());
        params.put("watermark", spec.watermark());
        params.put("headEpochs", spec.headEpochs());
        params.put("fineTune", train.size());
        params.put("epochs", epochs);
        return params;
    }

    /**
     * Crafts the poisons of every target and retrains a victim for each.
     *
     * @param extractor the feature extractor; its weights are not changed; not closed
     * @param targets the targets' test-set indices
     * @param progress whether to show progress bars on stderr
     * @return the per-target results and their means
     */
    public FeatureCollisionOutcome run(DjlClassifier extractor, int[] targets, boolean progress) {
        FeatureCollisionExperiment.Result r = FeatureCollisionExperiment.run(extractor, train, test, targets, spec.baseClass(),
                spec.poisons(), spec.attack(), spec.head(), progress);
        return new FeatureCollisionOutcome(r, train.size(), test.size());
    }
}
