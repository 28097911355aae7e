package org.dlsec.experiment;

import java.util.List;
import org.dlsec.attack.poisoning.FeatureCollision;
import org.dlsec.core.DlsecException;
import org.dlsec.train.TrainConfig;

/**
 * One clean-label feature-collision experiment (Poison Frogs, Shafahi et al. 2018, transfer-learning setting),
 * validated: the base class the poisons look like, the targets (given, or drawn with the seed), the poisons per
 * target and the attack's optimisation, and the victim's final-layer retraining.
 *
 * @param baseClass the class the poisons look like and the targets are pushed to
 * @param targets targets drawn when {@code targetIndex} is empty
 * @param targetIndex test-set indices of the targets (empty: draw {@code targets})
 * @param poisons poisons per target
 * @param beta β0, the weight of the similarity to the base
 * @param iterations forward-backward steps
 * @param stepSize the initial forward step λ
 * @param watermark opacity γ of the target blended into each base
 * @param fineTune the victim retrains its final layer on the last N training images only (null: all)
 * @param headEpochs epochs of final-layer retraining
 * @param seed seed of the target draw and the retraining
 */
public record FeatureCollisionSpec(int baseClass, int targets, List<Integer> targetIndex, int poisons, double beta,
        int iterations, double stepSize, double watermark, Integer fineTune, int headEpochs, long seed) {
    /**
     * Copies the target list and checks the counts.
     *
     * @param baseClass the class the poisons look like and the targets are pushed to
     * @param targets targets drawn when {@code targetIndex} is empty
     * @param targetIndex test-set indices of the targets (empty: draw {@code targets})
     * @param poisons poisons per target
     * @param beta β0, the weight of the similarity to the base
     * @param iterations forward-backward steps
     * @param stepSize the initial forward step λ
     * @param watermark opacity γ of the target blended into each base
     * @param fineTune the victim retrains its final layer on the last N training images only (null: all)
     * @param headEpochs epochs of final-layer retraining
     * @param seed seed of the target draw and the retraining
     * @throws org.dlsec.core.DlsecException when a count is out of range
     */
    public FeatureCollisionSpec {
        targetIndex = targetIndex == null ? List.of() : List.copyOf(targetIndex);
        DlsecException.require(headEpochs >= 1 && headEpochs <= 1000, "--head-epochs", "must be in 1..1000, got " + headEpochs);
        DlsecException.require(poisons >= 1 && poisons <= 1000, "--poisons", "must be in 1..1000, got " + poisons);
        DlsecException.require(!targetIndex.isEmpty() || (targets >= 1 && targets <= 1000), "--targets",
                "must be in 1..1000, got " + targets);
    }

    /**
     * The published defaults of {@code dlsec poison --attack featurecollision}: base class 3, 5 targets drawn with the
     * seed, 20 poisons each, β0 = 25, 200 steps of λ = 0.1, no watermark, all training images, 10 head epochs.
     *
     * @param seed the experiment's seed
     * @return the spec
     */
    public static FeatureCollisionSpec defaults(long seed) {
        return new FeatureCollisionSpec(3, 5, List.of(), 20, 25, 200, 0.1, 0, null, 10, seed);
    }

    /**
     * The attack (its own checks on β, steps and watermark).
     *
     * @return a new attack
     * @throws org.dlsec.core.DlsecException when β, the steps or the watermark are out of range
     */
    public FeatureCollision attack() {
        return new FeatureCollision(beta, iterations, stepSize, watermark);
    }

    /**
     * The victim's final-layer retraining.
     *
     * @return the training parameters of the retraining
     */
    public TrainConfig head() {
        return new TrainConfig(headEpochs, 128, "adam", 1e-2, seed, "cosine");
    }
}
