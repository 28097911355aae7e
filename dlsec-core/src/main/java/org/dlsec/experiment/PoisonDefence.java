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
    public PoisonDefence {
        int set = (screen == null ? 0 : 1) + (strip == null ? 0 : 1) + (finePruning == null ? 0 : 1) + (cleanse == null ? 0 : 1);
        if (set != 1) {
            throw new IllegalArgumentException("a poison defence is exactly one of screen, strip, finePruning, cleanse");
        }
    }

    public static PoisonDefence screen(String name, PoisonDetector detector) {
        return new PoisonDefence(name, detector, null, null, null);
    }

    public static PoisonDefence strip(Strip strip) {
        return new PoisonDefence("strip", null, strip, null, null);
    }

    public static PoisonDefence finePruning(FinePruning fp) {
        return new PoisonDefence("fineprune", null, null, fp, null);
    }

    public static PoisonDefence cleanse(NeuralCleanse nc) {
        return new PoisonDefence("cleanse", null, null, null, nc);
    }

    /** Whether the defence looks for an image trigger (all but the training-set screens). */
    public boolean needsImages() {
        return screen == null;
    }
}
