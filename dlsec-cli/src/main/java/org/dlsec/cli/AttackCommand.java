package org.dlsec.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dlsec.attack.evasion.AttackSpec;
import org.dlsec.attack.evasion.Norm;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Progress;
import org.dlsec.core.Provenance;
import org.dlsec.data.Dataset;
import org.dlsec.defence.preprocess.PreprocessedClassifier;
import org.dlsec.experiment.CommandOutput;
import org.dlsec.experiment.EvasionOutcome;
import org.dlsec.experiment.EvasionRun;
import org.dlsec.experiment.EvasionSpec;
import org.dlsec.model.Classifier;
import org.dlsec.report.AdversarialGrids;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code dlsec attack}: runs one evasion attack (over one or several ε) and reports it. */
@Command(name = "attack", mixinStandardHelpOptions = true,
        description = "Run an evasion attack: fgsm, bim, pgd, mim, cw, deepfool, jsma, uap, apgd, square, zoo, hsj,"
                + " boundary, onepixel, ensemble.")
final class AttackCommand extends OutcomeCommand.Seeded {
    @Option(names = "--model", required = true, description = "Model directory, .pt or .onnx file.")
    Path model;

    @Mixin
    DataOptions data;

    @Mixin
    ModelFlags modelFlags = new ModelFlags();

    @Option(names = "--attack", required = true, description = "Attack name.")
    String attack;

    @Option(names = "--eps", split = ",", description = "Budget, or a comma-separated list for a robustness curve"
            + " (default 0.3).")
    List<Double> eps;

    @Option(names = "--norm", defaultValue = "linf", description = "linf or l2 (default: ${DEFAULT-VALUE}).")
    String norm;

    @Option(names = "--steps", description = "Iterations (default: the attack's own).")
    Integer steps;

    @Option(names = "--step-size", description = "Absolute step size (default: the attack's own schedule).")
    Double stepSize;

    @Option(names = "--restarts", description = "Random restarts (PGD, APGD).")
    Integer restarts;

    @Option(names = "--targeted", description = "Targeted attack; targets are drawn at random per sample from the seed.")
    boolean targeted;

    @Option(names = "--max-queries", description = "Query budget per sample (black-box attacks).")
    Integer maxQueries;

    @Option(names = "--param", description = "Attack-specific option key=value (repeatable), e.g. confidence=0.")
    Map<String, String> extra = new LinkedHashMap<>();

    @Option(names = "--substitute", description = "Transfer attack: craft on this model (directory, .pt or .onnx), then"
            + " evaluate the examples on --model.")
    Path substitute;

    @Option(names = "--defence", description = "Attack the model behind an input transformation NAME[:key=value,...]:"
            + " squeeze[:bits=4], median[:k=2], quantize[:levels=2], smooth[:k=3], noise[:sigma=0.1]; eot=K sets EOT draws.")
    String defence;

    @Option(names = "--gradients", defaultValue = "adaptive", description = "With --defence: adaptive (BPDA through"
            + " non-differentiable transformations, EOT over random ones) or naive (autograd as is); on a"
            + " defensively distilled model: adaptive attacks its logits / T, naive the model as deployed"
            + " (default: ${DEFAULT-VALUE}).")
    String gradients;

    @Option(names = "--detect", description = "Also run a detector on the adversarial examples: feature-squeezing"
            + " (Xu et al.: 1-bit (grey) or 5-bit (colour) depth and 2x2 median), threshold calibrated on --calibration clean images of the other split.")
    String detect;

    @Option(names = "--detect-fpr", defaultValue = "0.05", description = "Detector: false-positive rate on clean"
            + " calibration data (default: ${DEFAULT-VALUE}).")
    double detectFpr;

    @Option(names = "--calibration", defaultValue = "1000", description = "Detector: clean calibration images"
            + " (default: ${DEFAULT-VALUE}).")
    int calibration;

    @Option(names = "--batch-size", defaultValue = "250", description = "Samples per batch (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--images", description = "Write PNG grids of originals, perturbations and adversarial examples here.")
    Path images;

    @Override
    public Integer call() {
        Outputs.file(json, "--json");
        Outputs.dir(images, "--images");
        Progress.setEnabled(!quiet);
        Limits.batchSize(batchSize, "--batch-size");
        Limits.positive(maxQueries, "--max-queries");
        List<Double> budgets = eps == null || eps.isEmpty() ? List.of(0.3) : eps;
        AttackSpec attackSpec = new AttackSpec(attack, budgets.get(0), Norm.parse(norm), steps, stepSize, restarts, targeted,
                maxQueries, seed, extra);
        if (detect != null && !detect.trim().equalsIgnoreCase("feature-squeezing")) {
            throw new DlsecException("unknown --detect '" + org.dlsec.core.Text.echo(detect) + "': expected feature-squeezing");
        }
        EvasionSpec spec = new EvasionSpec(attackSpec, budgets, batchSize,
                detect == null ? null : new EvasionSpec.Detection(detectFpr, calibration));
        Loading.Defence defended = Loading.Defence.parse(defence, gradients);
        modelFlags.normalization();
        Dataset d = data.load();
        if (images != null && !d.isImage()) {
            throw new DlsecException("--images draws image grids, but " + d.name() + " holds feature vectors of shape "
                    + d.sampleShape() + "; the adversarial examples' changes are in the audit report's featureChanges");
        }
        try (Classifier undefended = modelFlags.load(model, d);
                Classifier c = defended.wrap(undefended, model, seed);
                Classifier sub = substitute == null ? null : Loading.model(substitute, d)) {
            EvasionRun run = EvasionRun.prepare(spec, c, sub, d, data::loadAll, System.out::println);
            Provenance prov = c.startProvenance(d.origin(), run.parameters(), seed);
            EvasionOutcome o = run.run(!quiet);
            Map<String, Object> fields = new LinkedHashMap<>(o.json());
            Map<String, Object> distillation = defended.distillation(model);
            if (distillation != null) {
                fields.put("distillation", distillation);
            }
            CommandOutput.of("attack", fields).withModel(c.info(), ModelFlags.describe(undefended))
                    .withDefence(c instanceof PreprocessedClassifier pc ? pc.describe() : null).withData(d, false)
                    .finishing(prov).write(json);
            if (images != null) {
                for (int i = 0; i < o.results().size(); i++) {
                    Path file = images.resolve(run.attack().name() + (budgets.size() > 1 ? "-eps" + budgets.get(i) : "") + ".png");
                    AdversarialGrids.of(o.results().get(i), d, 8).write(file);
                }
                System.out.println("images written to " + images);
            }
        }
        return Main.EXIT_OK;
    }
}
