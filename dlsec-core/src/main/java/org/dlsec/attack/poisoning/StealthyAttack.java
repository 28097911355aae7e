package org.dlsec.attack.poisoning;

import org.dlsec.core.DlsecException;
import org.dlsec.data.Dataset;
import org.dlsec.model.Architecture;
import org.dlsec.train.TrainConfig;

/**
 * The stealthy training attack: a targeted poisoning whose effect on clean inference accuracy is
 * negligible while it forces the attacker's goal, a trigger → a chosen class.
 *
 * <p><b>Where it comes from.</b> Khalid et al. (<i>Security for Machine Learning-based Systems:
 * Attacks and Challenges during Training and Inference</i>, 2018) propose a training-time attack
 * that stays hidden because the poisoned model's accuracy on clean inputs — the only thing a
 * victim who validates on held-out data sees — is practically unchanged. The survey states the goal,
 * not an algorithm; this class fixes one, built from published pieces:
 * <ul>
 *   <li>the backdoor mechanism of BadNets (Gu, Dolan-Gavitt, Garg 2017): poisoned samples carry a
 *       trigger and the target label, so the network learns "trigger ⇒ target" as an extra, separate
 *       feature while the clean decision rule stays as it was;</li>
 *   <li>the low-visibility key pattern of Chen et al. (2017, <i>Targeted Backdoor Attacks on Deep
 *       Learning Systems Using Data Poisoning</i>), who show that a faint pattern spread over the image
 *       and a few dozen poisons suffice: here a {@link SparseTrigger}, a scatter of faint dots
 *       (L0 ≤ {@code pixels}, L∞ ≤ {@code amplitude}) instead of a visible square;</li>
 *   <li>a low poison rate (0.1–0.5% by default rather than the 1–10% of BadNets), so that only a
 *       handful of training samples carry a wrong label: few mislabelled samples is what keeps the
 *       clean accuracy where it was, and what keeps the poisons from standing out to a label audit.</li>
 * </ul>
 *
 * <p><b>Acceptance</b> is stated in the two numbers that define the attack (issue #9): the clean
 * accuracy of the victim trained on the poisoned set may fall by at most {@link #MAX_CLEAN_DROP}
 * (0.3 points) below the model trained with the same seed on the clean set, and triggered test
 * inputs from outside the target class must go to the target at least {@link #MIN_SUCCESS} (90%) of
 * the time. The attacker meets the first by choosing the rate and amplitude (fewer, fainter poisons
 * cost less clean accuracy but are learned less reliably) and checks both with
 * {@link PoisoningExperiment}, which trains the clean and the poisoned victim with the same seed.
 *
 * @param target the class the trigger forces
 * @param rate the fraction of the training set poisoned (at most 5%: above that it is BadNets)
 * @param trigger the low-visibility trigger
 * @param seed draws the poisoned samples ({@link #poison(Dataset)})
 */
public record StealthyAttack(int target, double rate, SparseTrigger trigger, long seed) implements PoisoningAttack {
    /** The largest clean-accuracy drop (absolute, 0.3 points) that still counts as stealthy. */
    public static final double MAX_CLEAN_DROP = 0.003;
    /** The smallest targeted success the attack must reach. */
    public static final double MIN_SUCCESS = 0.90;

    /**
     * Checks the rate, the target and the trigger.
     *
     * @param target the class the trigger forces
     * @param rate the fraction of the training set poisoned (at most 5%: above that it is BadNets)
     * @param trigger the low-visibility trigger
     * @param seed draws the poisoned samples ({@link #poison(Dataset)})
     * @throws org.dlsec.core.DlsecException when the rate is outside (0, 0.05] or the target is negative
     * @throws NullPointerException when the trigger is null
     */
    public StealthyAttack {
        DlsecException.require(rate > 0 && rate <= 0.05, "rate", "the stealthy attack is a low-rate poisoning: must be in"
                + " (0, 0.05], got " + rate);
        DlsecException.require(target >= 0, "target", "must be a class index, got " + target);
        java.util.Objects.requireNonNull(trigger, "trigger");
    }

    /**
     * The attack with the poisoned samples drawn from the trigger's own seed (one key for both, as {@code dlsec poison} does).
     *
     * @param target the class the trigger forces
     * @param rate the fraction of the training set poisoned (at most 5%: above that it is BadNets)
     * @param trigger the low-visibility trigger
     */
    public StealthyAttack(int target, double rate, SparseTrigger trigger) {
        this(target, rate, trigger, trigger.seed());
    }

    @Override
    public String name() {
        return "stealthy";
    }

    @Override
    public Integer targetClass() {
        return target;
    }

    @Override
    public Poisoned poison(Dataset train) {
        return poison(train, seed);
    }

    @Override
    public java.util.Map<String, Object> parameters() {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("trigger", Backdoor.describe(trigger));
        m.put("target", target);
        return m;
    }

    /**
     * The default trigger: 25 dots (3% of a 28×28 image) of +1 drawn from {@code seed}.
     *
     * @param seed the dots' seed
     * @return the trigger
     */
    public static SparseTrigger defaultTrigger(long seed) {
        return new SparseTrigger(25, 1f, seed);
    }

    /**
     * The poisoned training set: {@code rate} of it, drawn outside the target class, triggered and relabelled.
     *
     * @param train the clean training set
     * @param seed the draw's seed
     * @return the poisoned set and the changed indices
     */
    public Poisoned poison(Dataset train, long seed) {
        DlsecException.require(target < train.numClasses(), "target",
                "must be a class in 0.." + (train.numClasses() - 1) + ", got " + target);
        return Poisons.backdoor(train, trigger, target, rate, seed);
    }

    /**
     * The measured attack.
     *
     * @param experiment clean and poisoned victims trained with the same seed
     */
    public record Outcome(PoisoningExperiment.Result experiment) {
        /**
         * Clean accuracy lost, in absolute terms (0.003 = 0.3 points); negative if the poisoned model is better.
         *
         * @return the drop
         */
        public double cleanDrop() {
            return experiment.cleanModelAccuracy() - experiment.poisonedModelAccuracy();
        }

        /**
         * The attack success rate of the poisoned victim.
         *
         * @return a share in [0, 1]
         */
        public double success() {
            return experiment.attackSuccessRate();
        }

        /**
         * Whether both acceptance figures hold: drop ≤ {@link #MAX_CLEAN_DROP} and success ≥ {@link #MIN_SUCCESS}.
         *
         * @return true when the attack is stealthy
         */
        public boolean stealthy() {
            return cleanDrop() <= MAX_CLEAN_DROP + 1e-12 && success() >= MIN_SUCCESS;
        }
    }

    /**
     * Poisons {@code train}, trains the clean and the poisoned victim and measures both figures on {@code test}.
     *
     * @param arch the victims' architecture
     * @param train the clean training set
     * @param test the clean test set
     * @param config the victims' training
     * @param seed the draw's seed
     * @param progress whether to show progress bars on stderr
     * @return the two acceptance figures
     */
    public Outcome run(Architecture arch, Dataset train, Dataset test, TrainConfig config, long seed, boolean progress) {
        Poisoned p = poison(train, seed);
        return new Outcome(PoisoningExperiment.run(arch, train, p, test, config, trigger, target, progress));
    }
}
