package org.dlsec.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.dlsec.attack.poisoning.PoisoningAttack;
import org.dlsec.attack.poisoning.PoisoningAttacks;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Progress;
import org.dlsec.core.Text;
import org.dlsec.data.Dataset;
import org.dlsec.experiment.CommandOutput;
import org.dlsec.experiment.PoisonDefence;
import org.dlsec.experiment.PoisoningOutcome;
import org.dlsec.experiment.PoisoningRun;
import org.dlsec.experiment.PoisoningSpec;
import org.dlsec.model.Architecture;
import org.dlsec.train.TrainConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code dlsec poison}: poisons the training set, trains the victim on it and on the clean set with
 * the same seed, and reports clean accuracy, attack success and (with {@code --detect}) how well a
 * poison detector finds the changed samples. Parses the options into a {@link PoisoningSpec} and
 * prints the {@link PoisoningOutcome}.
 */
@Command(name = "poison", mixinStandardHelpOptions = true,
        description = "Train on poisoned data (label flipping, BadNets, blended trigger, noise, the stealthy sparse-trigger"
                + " attack, clean-label feature collision) and measure the damage; optionally detect the poisons (spectral"
                + " signatures, activation clustering), triggered inputs at run time (STRIP) or remove the backdoor"
                + " (fine-pruning).")
final class PoisonCommand extends OutcomeCommand.Seeded {
    static final List<String> ATTACKS = java.util.stream.Stream.concat(PoisoningAttacks.NAMES.stream(),
            java.util.stream.Stream.of("featurecollision")).toList();

    @Option(names = "--dataset", required = true, description = SourceFlags.DATASET_HELP)
    String dataset;

    @Mixin
    SourceFlags sourceFlags = new SourceFlags();

    @Option(names = "--data-dir", description = "Folder holding mnist/, gtsrb/, fashion-mnist/ (default: $DLSEC_DATA).")
    Path dataDir;

    @Option(names = "--arch", defaultValue = "lenet5", description = "lenet5, vgg or madry (default: ${DEFAULT-VALUE}).")
    String arch;

    @Option(names = "--attack", required = true, description = "labelflip, badnets (all-to-one), badnets-all (all-to-all),"
            + " blend (Chen et al. blended trigger), noise, stealthy (low-rate sparse trigger) or featurecollision"
            + " (Poison Frogs, transfer learning).")
    String attack;

    @Option(names = "--rate", defaultValue = "0.01", description = "Fraction of the training set poisoned (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--target", defaultValue = "0", description = "Backdoor target class (default: ${DEFAULT-VALUE}).")
    int target;

    @Mixin
    TriggerOptions trigger = new TriggerOptions();

    @Mixin
    FeatureCollisionOptions fc = new FeatureCollisionOptions();

    @Option(names = "--epochs", defaultValue = "2", description = "Training epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--batch-size", defaultValue = "64", description = "Mini-batch size (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--limit", description = "Train on the first N training images only.")
    Integer limit;

    @Option(names = "--test-limit", description = "Score on the first N test images only.")
    Integer testLimit;

    @Mixin
    PoisonDefenceOptions defence = new PoisonDefenceOptions();

    @Option(names = "--images", description = "Write PNGs of the trigger, poisoned samples and triggered test images here.")
    Path images;

    @Override
    public Integer call() {
        Outputs.file(json, "--json");
        Outputs.dir(images, "--images");
        Limits.batchSize(batchSize, "--batch-size");
        String kind = attack.trim().toLowerCase(Locale.ROOT);
        if (!ATTACKS.contains(kind)) {
            throw new DlsecException("unknown --attack '" + Text.echo(attack) + "': expected one of " + String.join(", ", ATTACKS));
        }
        String det = defence.name();
        DlsecException.require(limit == null || limit > 0, "--limit", "must be positive, got " + limit);
        DlsecException.require(testLimit == null || testLimit > 0, "--test-limit", "must be positive, got " + testLimit);
        DlsecException.require(rate > 0 && rate < 1, "--rate", "must be in (0, 1), got " + rate);
        defence.create(seed, batchSize, rate, 10); // validates the defence's options before any data is read
        Architecture architecture = Architecture.parse(arch);
        TrainConfig config = new TrainConfig(epochs, batchSize, "adam", 2e-3, seed, "cosine");
        Progress.setEnabled(!quiet);
        if (kind.equals("featurecollision")) {
            DlsecException.require(det == null, "--detect", "is not available with featurecollision (clean-label poisons)");
            return FeatureCollisionPoison.run(this, architecture, config);
        }
        Dataset train = sourceFlags.open(dataset, "train", dataDir);
        Dataset test = sourceFlags.open(dataset, "test", dataDir);
        train = limit == null ? train : train.first(limit);
        test = testLimit == null ? test : test.first(testLimit);
        PoisoningAttack a = PoisoningAttacks.create(kind, trigger.params(rate, target, seed));
        PoisonDefence d = defence.create(seed, batchSize, rate, train.numClasses());
        PoisoningOutcome out = PoisoningRun.run(new PoisoningSpec(a, architecture, config, d, defence.retrain, seed), train,
                test, !quiet);
        out.summary().forEach(System.out::println);
        CommandOutput.of("poison", out.json()).write(json);
        if (images != null) {
            PoisonImages.write(images, out, train, test);
            System.out.println("images written to " + images);
        }
        return Main.EXIT_OK;
    }
}
