package org.dlsec.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Progress;
import org.dlsec.defence.training.DpSgd;
import org.dlsec.model.Architecture;
import org.dlsec.defence.training.TrainingDefences;
import org.dlsec.train.TrainConfig;
import org.dlsec.train.TrainingMethod;
import org.dlsec.train.TrainingRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code dlsec train}: trains a seed architecture and saves it with its model card. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a model (lenet5, vgg, madry, softmax, mlp, resnet) and save it with its provenance.")
final class TrainCommand implements Callable<Integer> {
    @Option(names = "--arch", required = true, description = "lenet5, vgg, madry, softmax (multinomial logistic"
            + " regression), mlp (feature vectors) or resnet (ResNet-18-style, images of 32x32 and up).")
    String arch;

    @Option(names = "--dataset", required = true, description = SourceFlags.DATASET_HELP)
    String dataset;

    @picocli.CommandLine.Mixin
    SourceFlags sourceFlags = new SourceFlags();

    @Option(names = "--data-dir", description = "Folder holding mnist/, gtsrb/, fashion-mnist/ (default: $DLSEC_DATA).")
    Path dataDir;

    @Option(names = "--limit", description = "Train on the first N training images only.")
    Integer limit;

    @Option(names = "--epochs", defaultValue = "5", description = "Epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of initialisation and shuffling.")
    long seed;

    @Option(names = "--batch-size", defaultValue = "128", description = "Mini-batch size (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--lr", defaultValue = "0.002", description = "Learning rate (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--optimizer", defaultValue = "adam", description = "adam or sgd (default: ${DEFAULT-VALUE}).")
    String optimizer;

    @Option(names = "--schedule", defaultValue = "cosine",
            description = "Learning-rate schedule: cosine (decay to 0) or constant (default: ${DEFAULT-VALUE}).")
    String schedule;

    @Option(names = "--validation", defaultValue = "0",
            description = "Fraction of the training data held out and measured every epoch (GTSRB: split by track);"
                    + " default 0: train on all of it.")
    double validation;

    @Option(names = "--adversarial", description = "Adversarial training: pgd (Madry), trades (Zhang) or fast (Wong).")
    String adversarial;

    @Option(names = "--eps", defaultValue = "0.3", description = "Adversarial training: L∞ budget (default: ${DEFAULT-VALUE}).")
    double eps;

    @Option(names = "--attack-steps", defaultValue = "7", description = "Adversarial training: inner PGD/TRADES steps"
            + " (default: ${DEFAULT-VALUE}).")
    int attackSteps;

    @Option(names = "--attack-step-size", description = "Adversarial training: inner step (default: the method's own).")
    Double attackStepSize;

    @Option(names = "--eps-warmup", defaultValue = "0", paramLabel = "EPOCHS", description = "Adversarial training:"
            + " grow ε (and the inner step) linearly from 0 over the first EPOCHS epochs (default: ${DEFAULT-VALUE}, none).")
    double epsWarmup;

    @Option(names = "--trades-beta", defaultValue = "6", description = "TRADES trade-off β (default: ${DEFAULT-VALUE}).")
    double tradesBeta;

    @Option(names = "--noise-augment", description = "Train on x + N(0, σ²) (the base classifier of randomized smoothing).")
    Double noiseAugment;

    @Option(names = "--distill", paramLabel = "T", description = "Defensive distillation (Papernot et al. 2016): train"
            + " a teacher at temperature T, then the model on its soft labels at T; deployed at T = 1.")
    Double distill;

    @Option(names = "--out", required = true, description = "Directory to write the model to.")
    Path out;

    @Option(names = "--dp", description = "Differentially private training (DP-SGD: Poisson-sampled batches, per-example"
            + " clipping, Gaussian noise) with (epsilon, delta) reported after every epoch.")
    boolean dp;

    @Option(names = "--noise", defaultValue = "1.1", description = "DP-SGD noise multiplier (default: ${DEFAULT-VALUE}).")
    double noise;

    @Option(names = "--clip", defaultValue = "1.0", description = "DP-SGD per-example L2 clipping norm (default:"
            + " ${DEFAULT-VALUE}).")
    double clip;

    @Option(names = "--delta", defaultValue = "1e-5", description = "DP-SGD delta (default: ${DEFAULT-VALUE}).")
    double delta;

    @Option(names = "--quiet", description = "No progress bars.")
    boolean quiet;

    @Override
    public Integer call() {
        Outputs.dir(out, "--out");
        Limits.batchSize(batchSize, "--batch-size");
        Architecture architecture = Architecture.parse(arch);
        TrainConfig config = new TrainConfig(epochs, batchSize, optimizer, lr, seed, schedule);
        if (limit != null && limit <= 0) {
            throw new DlsecException("invalid --limit: must be positive, got " + limit);
        }
        if (validation < 0 || validation >= 1) {
            throw new DlsecException("invalid --validation: must be in [0, 1), got " + validation);
        }
        if ((adversarial != null ? 1 : 0) + (noiseAugment != null ? 1 : 0) + (distill != null ? 1 : 0) > 1) {
            throw new DlsecException("--adversarial, --noise-augment and --distill are exclusive: choose one training method");
        }
        if (distill != null && dp) {
            throw new DlsecException("--distill with --dp is not supported: the teacher would be trained without privacy");
        }
        TrainingMethod method = adversarial != null
                ? TrainingDefences.adversarial(adversarial, eps, attackSteps, attackStepSize, tradesBeta, seed,
                        new org.dlsec.defence.training.EpsilonWarmup(epsWarmup))
                : noiseAugment != null ? TrainingDefences.gaussian(noiseAugment, seed)
                : distill != null ? TrainingDefences.distillation(distill) : TrainingMethod.STANDARD;
        Progress.setEnabled(!quiet);
        java.util.function.IntFunction<org.dlsec.train.GradientStep> step = null;
        if (dp) {
            DpSgd.Params params = new DpSgd.Params(noise, clip, delta);
            step = n -> new DpSgd(params, n, Math.min(batchSize, n));
        }
        TrainingRun.run(architecture, dataset, sourceFlags.options("train", dataDir), limit,
                validation, config, method, step, out, !quiet, System.out::println);
        return Main.EXIT_OK;
    }
}
