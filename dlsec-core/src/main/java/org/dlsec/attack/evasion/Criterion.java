package org.dlsec.attack.evasion;

import ai.djl.ndarray.NDArray;

/**
 * What makes an input adversarial, judged in one place (Foolbox 3's criteria): for an untargeted attack a
 * prediction other than the true label ({@link #MISCLASSIFICATION}), for a targeted one the target class
 * ({@link #TARGETED_MISCLASSIFICATION}). {@code y} is the true label or the target, as an attack receives it.
 * A sample counts as a success only when its clean prediction was not adversarial already (a misclassified
 * input is not "fooled" by an attack; an input already in the target class is not "moved" there).
 */
public enum Criterion {
    /**
     * Untargeted: any prediction other than the true label.
     */
    MISCLASSIFICATION("misclassification"),
    /**
     * Targeted: a prediction equal to the target class.
     */
    TARGETED_MISCLASSIFICATION("target class");

    private final String description;

    Criterion(String description) {
        this.description = description;
    }

    /**
     * The criterion of an untargeted ({@code false}) or targeted ({@code true}) attack.
     *
     * @param targeted whether the attack is targeted
     * @return the matching criterion
     */
    public static Criterion of(boolean targeted) {
        return targeted ? TARGETED_MISCLASSIFICATION : MISCLASSIFICATION;
    }

    /**
     * Whether this is the targeted criterion.
     *
     * @return true for {@link #TARGETED_MISCLASSIFICATION}
     */
    public boolean targeted() {
        return this == TARGETED_MISCLASSIFICATION;
    }

    /**
     * Is {@code predicted} adversarial for {@code y} (the label, or the target)?
     *
     * @param predicted a predicted class
     * @param y the true label (untargeted) or the target (targeted)
     * @return true when the prediction is adversarial
     */
    public boolean isAdversarial(long predicted, long y) {
        return targeted() ? predicted == y : predicted != y;
    }

    /**
     * Row by row: is each prediction adversarial for its {@code y}? A boolean array.
     *
     * @param predicted predicted classes (n), int64; not closed
     * @param y labels or targets (n), int64; not closed
     * @return a new boolean array (n) attached to {@code predicted}'s manager
     */
    public NDArray isAdversarial(NDArray predicted, NDArray y) {
        return targeted() ? predicted.eq(y) : predicted.neq(y);
    }

    /**
     * Does a sample with this clean prediction need the attack at all (is it not adversarial already)?
     *
     * @param cleanPrediction the prediction on the clean input
     * @param y the true label or the target
     * @return true when the clean prediction is not adversarial yet
     */
    public boolean needsAttack(long cleanPrediction, long y) {
        return !isAdversarial(cleanPrediction, y);
    }

    /**
     * A success: the clean prediction needed the attack and the adversarial one is adversarial.
     *
     * @param cleanPrediction the prediction on the clean input
     * @param adversarialPrediction the prediction on the adversarial example
     * @param y the true label or the target
     * @return true when the attack changed a non-adversarial prediction into an adversarial one
     */
    public boolean success(long cleanPrediction, long adversarialPrediction, long y) {
        return needsAttack(cleanPrediction, y) && isAdversarial(adversarialPrediction, y);
    }

    @Override
    public String toString() {
        return description;
    }
}
