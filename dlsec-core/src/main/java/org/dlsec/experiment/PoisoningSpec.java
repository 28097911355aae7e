package org.dlsec.experiment;

import org.dlsec.attack.poisoning.PoisoningAttack;
import org.dlsec.core.DlsecException;
import org.dlsec.model.Architecture;
import org.dlsec.train.TrainConfig;

/**
 * A poisoning experiment: the victim trains {@code architecture} with {@code training} once on the
 * clean and once on the poisoned training set; optionally a defence runs on the poisoned victim.
 *
 * @param attack the poisoning attack (from {@link org.dlsec.attack.poisoning.PoisoningAttacks})
 * @param architecture the victim's architecture
 * @param training the victim's training schedule and seed
 * @param defence the defence, or null
 * @param retrain with a training-set screen: retrain on the samples it keeps and measure again
 * @param seed the seed of the defences' data splits and of the provenance
 */
public record PoisoningSpec(PoisoningAttack attack, Architecture architecture, TrainConfig training, PoisonDefence defence,
        boolean retrain, long seed) {
    /**
     * Checks the components.
     *
     * @param attack the poisoning attack (from {@link org.dlsec.attack.poisoning.PoisoningAttacks})
     * @param architecture the victim's architecture
     * @param training the victim's training schedule and seed
     * @param defence the defence, or null
     * @param retrain with a training-set screen: retrain on the samples it keeps and measure again
     * @param seed the seed of the defences' data splits and of the provenance
     * @throws NullPointerException when the attack, architecture or training is missing
     * @throws org.dlsec.core.DlsecException when {@code retrain} is set without a training-set screen
     */
    public PoisoningSpec {
        java.util.Objects.requireNonNull(attack, "attack");
        java.util.Objects.requireNonNull(architecture, "architecture");
        java.util.Objects.requireNonNull(training, "training");
        if (retrain && (defence == null || defence.screen() == null)) {
            throw new DlsecException("--retrain needs --detect spectral or ac (it retrains on the samples the detector keeps)");
        }
    }

    /**
     * The attack alone, no defence.
     *
     * @param attack the poisoning attack
     * @param architecture the victim's architecture
     * @param training the victim's training
     * @return the spec, seeded with the training's seed
     */
    public static PoisoningSpec of(PoisoningAttack attack, Architecture architecture, TrainConfig training) {
        return new PoisoningSpec(attack, architecture, training, null, false, training.seed());
    }
}
