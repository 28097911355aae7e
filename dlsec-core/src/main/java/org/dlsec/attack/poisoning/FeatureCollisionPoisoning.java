package org.dlsec.attack.poisoning;

import java.util.LinkedHashMap;
import java.util.Map;
import org.dlsec.core.DlsecException;
import org.dlsec.data.Dataset;
import org.dlsec.model.DjlClassifier;

/**
 * Feature collision behind the family's interface: {@link FeatureCollision} bound to what it attacks — the
 * feature extractor the victim will fine-tune, one target image and the base images its poisons start from — so
 * that {@link #poison} does what every poisoning attack does: hand back the training set as the victim receives
 * it, here the clean set with the crafted poisons appended under the base class (clean labels: each poison looks
 * like its base). {@link FeatureCollisionExperiment} runs the whole experiment (targets, bases, head retraining)
 * with the same crafting.
 */
public final class FeatureCollisionPoisoning implements PoisoningAttack {
    private final FeatureCollision attack;
    private final DjlClassifier extractor;
    private final float[] target;
    private final float[][] bases;
    private final int baseClass;
    private FeatureCollision.Crafted crafted;

    /**
     * @param attack the crafting's parameters
     * @param extractor the network whose penultimate layer the poisons collide in
     * @param target the target image (sample values)
     * @param bases base-class images the poisons start from, one per poison
     * @param baseClass their class, the label every poison carries
     */
    public FeatureCollisionPoisoning(FeatureCollision attack, DjlClassifier extractor, float[] target, float[][] bases,
            int baseClass) {
        DlsecException.require(bases.length >= 1, "bases", "need at least one base image");
        DlsecException.require(baseClass >= 0 && baseClass < extractor.numClasses(), "base class",
                "must be a class of the extractor, got " + baseClass);
        this.attack = attack;
        this.extractor = extractor;
        this.target = target.clone();
        this.bases = bases.clone();
        this.baseClass = baseClass;
    }

    @Override
    public String name() {
        return "featurecollision";
    }

    /** {@code train} followed by the poisons (crafted once, on the first call), labelled with the base class. */
    @Override
    public Poisoned poison(Dataset train) {
        DlsecException.require(train.sampleShape().equals(extractor.inputShape()), "train", "samples are "
                + train.sampleShape() + " but the extractor takes " + extractor.inputShape());
        if (crafted == null) {
            crafted = attack.craft(extractor, target, bases);
        }
        int n = train.size();
        int d = train.sampleSize();
        int k = bases.length;
        float[] values = new float[Math.multiplyExact(n + k, d)];
        for (int i = 0; i < n; i++) {
            System.arraycopy(train.image(i), 0, values, i * d, d);
        }
        for (int j = 0; j < k; j++) {
            System.arraycopy(crafted.poisons()[j], 0, values, (n + j) * d, d);
        }
        int[] labels = java.util.Arrays.copyOf(train.labels(), n + k);
        java.util.Arrays.fill(labels, n, n + k, baseClass);
        int[] poisoned = java.util.stream.IntStream.range(n, n + k).toArray();
        return new Poisoned(train.withPixels(values, labels, k + " feature-collision poisons of class " + baseClass),
                poisoned);
    }

    /**
     * What {@link #poison} crafted (distances, numerical issues), or null before it ran.
     *
     * @return the crafted poisons, or null
     */
    public FeatureCollision.Crafted crafted() {
        return crafted;
    }

    /**
     * The poisons' share of the set the victim receives, for a clean set of {@code trainSize} samples.
     *
     * @param trainSize the clean set's size
     * @return poisons / (trainSize + poisons)
     */
    public double rate(int trainSize) {
        return (double) bases.length / (trainSize + bases.length);
    }

    /** The poisons per clean sample are fixed by the bases, not by a rate: NaN until a training set is known. */
    @Override
    public double rate() {
        return Double.NaN;
    }

    /**
     * The class the poisons carry and the target is meant to be sent to (no trigger: {@link #targetClass()} is null).
     *
     * @return the base class
     */
    public int baseClass() {
        return baseClass;
    }

    /** Poisons are images crafted in the extractor's input space. */
    @Override
    public boolean needsImages() {
        return true;
    }

    @Override
    public Map<String, Object> parameters() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("beta0", attack.beta0());
        m.put("iterations", attack.iterations());
        m.put("stepSize", attack.stepSize());
        m.put("watermark", attack.watermark());
        m.put("baseClass", baseClass);
        m.put("poisons", bases.length);
        return m;
    }
}
