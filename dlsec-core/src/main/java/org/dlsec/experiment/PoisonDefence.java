package org.dlsec.experiment;

import org.dlsec.defence.detection.FinePruning;
import org.dlsec.defence.detection.NeuralCleanse;
import org.dlsec.defence.detection.PoisonDetector;
import org.dlsec.defence.detection.Strip;

/**
 * The defence a poisoning experiment runs against its victim: exactly one of a training-set screen
 * (spectral signatures, activation clustering), STRIP, fine-pruning or Neural Cleanse.
 *
 * @param name {@code spectral}, {@code ac}, {@code strip}, {@code fineprune} or {@code cleanse}
 * @param screen the poison detector run on the training set, or null
 * @param strip run-time detection of triggered inputs, or null
 * @param finePruning pruning and fine-tuning of the victim, or null
 * @param cleanse trigger reverse-engineering on the victim, or null
 */
public record PoisonDefence(String name, PoisonDetector screen, Strip strip, FinePruning finePruning, NeuralCleanse cleanse) {
    /**
     * Checks that exactly one defence is set.
     *
     * @param name {@code spectral}, {@code ac}, {@code strip}, {@code fineprune} or {@code cleanse}
     * @param screen the poison detector run on the training set, or null
     * @param strip run-time detection of triggered inputs, or null
     * @param finePruning pruning and fine-tuning of the victim, or null
     * @param cleanse trigger reverse-engineering on the victim, or null
     * @throws IllegalArgumentException when none or several are set
     */
    public PoisonDefence {
        int set = (screen == null ? 0 : 1) + (strip == null ? 0 : 1) + (finePruning == null ? 0 : 1) + (cleanse == null ? 0 : 1);
        if (set != 1) {
            throw new IllegalArgumentException("a poison defence is exactly one of screen, strip, finePruning, cleanse");
        }
    }

    /**
     * A training-set screen.
     *
     * @param name {@code spectral} or {@code ac}
     * @param detector the detector
     * @return the defence
     */
    public static PoisonDefence screen(String name, PoisonDetector detector) {
        return new PoisonDefence(name, detector, null, null, null);
    }

    /**
     * STRIP on the poisoned victim.
     *
     * @param strip the detector
     * @return the defence
     */
    public static PoisonDefence strip(Strip strip) {
        return new PoisonDefence("strip", null, strip, null, null);
    }

    /**
     * Fine-pruning of the poisoned victim.
     *
     * @param fp the defence
     * @return the defence
     */
    public static PoisonDefence finePruning(FinePruning fp) {
        return new PoisonDefence("fineprune", null, null, fp, null);
    }

    /**
     * Neural Cleanse on the poisoned victim.
     *
     * @param nc the scan
     * @return the defence
     */
    public static PoisonDefence cleanse(NeuralCleanse nc) {
        return new PoisonDefence("cleanse", null, null, null, nc);
    }

    /** The defences by name, as {@code dlsec poison --detect} and the audit's {@code detect} take them. */
    public static final java.util.List<String> NAMES = java.util.List.of("spectral", "ac", "strip", "cleanse", "fineprune");

    /**
     * The knobs of the named defences (each read by one defence only).
     *
     * @param strip strip: the detector
     * @param pruneRatio fineprune: share of the last conv layer's channels to prune, or null for the largest within
     *        {@code maxAccuracyDrop}
     * @param maxAccuracyDrop fineprune: largest clean-accuracy drop the pruning may cause
     * @param finetuneEpochs fineprune: epochs of fine-tuning on clean data
     * @param finetuneLr fineprune: Adam learning rate of the fine-tuning
     * @param cleanseSteps cleanse: optimisation steps per class
     * @param epsilon spectral: upper bound on the poisoned share of a class, or null for min(0.5, rate × classes)
     */
    public record Options(Strip strip, Double pruneRatio, double maxAccuracyDrop, int finetuneEpochs, double finetuneLr,
            int cleanseSteps, Double epsilon) {
        /**
         * The command's defaults.
         *
         * @param seed the seed of the defences' random choices
         * @return the options
         */
        public static Options defaults(long seed) {
            return new Options(Strip.defaults(seed), null, 0.04, 3, 0.005, 300, null);
        }
    }

    /**
     * The defence named {@code name} (one of {@link #NAMES}) with {@code o}'s knobs; {@code batchSize} is the victim's,
     * {@code rate} and {@code classes} give spectral signatures' default bound.
     *
     * @param name one of {@link #NAMES}
     * @param o the defences' options
     * @param seed the defence's seed
     * @param batchSize the victim's batch size
     * @param rate the attack's poisoning rate, in (0, 1]
     * @param classes the number of classes
     * @return the defence
     * @throws org.dlsec.core.DlsecException when the name is unknown or an option is out of range
     */
    public static PoisonDefence named(String name, Options o, long seed, int batchSize, double rate, int classes) {
        String det = name == null ? "" : name.trim().toLowerCase(java.util.Locale.ROOT);
        return switch (det) {
            case "strip" -> strip(o.strip());
            case "fineprune" -> finePruning(new FinePruning(o.pruneRatio() == null ? Double.NaN : o.pruneRatio(),
                    o.maxAccuracyDrop(), o.finetuneEpochs(), batchSize, o.finetuneLr(), seed));
            case "cleanse" -> cleanse(NeuralCleanse.defaults(seed).withSteps(o.cleanseSteps()));
            case "ac" -> screen(det, org.dlsec.defence.detection.ActivationClustering.defaults(seed));
            case "spectral" -> screen(det, new org.dlsec.defence.detection.SpectralSignatures(
                    o.epsilon() != null ? o.epsilon() : Math.min(0.5, rate * classes), 1.5, 0));
            default -> throw new org.dlsec.core.DlsecException("unknown defence '" + org.dlsec.core.Text.echo(name)
                    + "': expected one of " + String.join(", ", NAMES));
        };
    }

    /**
     * Whether the defence looks for an image trigger (all but the training-set screens).
     *
     * @return true for STRIP, fine-pruning and Neural Cleanse
     */
    public boolean needsImages() {
        return screen == null;
    }
}
