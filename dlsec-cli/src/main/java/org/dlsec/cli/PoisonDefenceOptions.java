package org.dlsec.cli;

import java.util.List;
import java.util.Locale;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Text;
import org.dlsec.experiment.PoisonDefence;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code dlsec poison}'s defence options: which defence runs on the poisoned victim, and its parameters. */
final class PoisonDefenceOptions {
    static final List<String> DETECTORS = PoisonDefence.NAMES;

    @Option(names = "--detect", description = "Defence: spectral (Tran et al. 2018) or ac (Chen et al. 2018) poison"
            + " detection on the training set; strip (Gao et al. 2019) run-time detection of triggered inputs; cleanse"
            + " (Wang et al. 2019, Neural Cleanse) scan of the victim with half of the clean test set; fineprune"
            + " (Liu et al. 2018) pruning and fine-tuning of the victim on clean data.")
    String detect;

    @Mixin
    StripOptions stripOptions = new StripOptions();

    @Option(names = "--prune-ratio", description = "fineprune: share of the last conv layer's channels to prune, in [0, 1)"
            + " (default: the largest ratio within --max-accuracy-drop).")
    Double pruneRatio;

    @Option(names = "--max-accuracy-drop", defaultValue = "0.04", description = "fineprune: largest clean-accuracy drop the"
            + " pruning may cause (default: ${DEFAULT-VALUE}).")
    double maxAccuracyDrop;

    @Option(names = "--finetune-epochs", defaultValue = "3", description = "fineprune: epochs of fine-tuning on clean data"
            + " (default: ${DEFAULT-VALUE}).")
    int finetuneEpochs;

    @Option(names = "--finetune-lr", defaultValue = "0.005", description = "fineprune: Adam learning rate of the fine-tuning"
            + " (default: ${DEFAULT-VALUE}).")
    double finetuneLr;

    @Option(names = "--cleanse-steps", defaultValue = "300", description = "cleanse: optimisation steps per class"
            + " (default: ${DEFAULT-VALUE}).")
    int cleanseSteps;

    @Option(names = "--epsilon", description = "spectral: upper bound on the poisoned share of a class"
            + " (default: min(0.5, rate × classes), the whole budget in one class).")
    Double epsilon;

    @Option(names = "--retrain", description = "With --detect: retrain on the samples not flagged and report accuracy and"
            + " attack success after.")
    boolean retrain;

    /** The chosen detector's name, validated, or null. */
    String name() {
        String det = detect == null ? null : detect.trim().toLowerCase(Locale.ROOT);
        if (det != null && !DETECTORS.contains(det)) {
            throw new DlsecException("unknown --detect '" + Text.echo(detect) + "': expected one of " + String.join(", ", DETECTORS));
        }
        if (retrain && (det == null || !(det.equals("spectral") || det.equals("ac")))) {
            throw new DlsecException("--retrain needs --detect spectral or ac (it retrains on the samples the detector keeps)");
        }
        return det;
    }

    /** The defence, or null; {@code rate} and {@code classes} give spectral signatures' default bound. */
    PoisonDefence create(long seed, int batchSize, double rate, int classes) {
        String det = name();
        return det == null ? null : PoisonDefence.named(det, new PoisonDefence.Options(stripOptions.create(seed), pruneRatio,
                maxAccuracyDrop, finetuneEpochs, finetuneLr, cleanseSteps, epsilon), seed, batchSize, rate, classes);
    }
}
