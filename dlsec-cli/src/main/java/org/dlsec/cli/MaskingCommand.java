package org.dlsec.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.dlsec.core.Progress;
import org.dlsec.core.Provenance;
import org.dlsec.data.Dataset;
import org.dlsec.defence.GradientMaskingChecks;
import org.dlsec.defence.preprocess.PreprocessedClassifier;
import org.dlsec.experiment.CommandOutput;
import org.dlsec.model.Classifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code dlsec check-masking}: the gradient-masking checks of Athalye et al. on a (defended) model. */
@Command(name = "check-masking", mixinStandardHelpOptions = true,
        description = "Flag gradient masking: black box beats white box, more PGD steps help, unbounded PGD fails.")
final class MaskingCommand extends OutcomeCommand.Seeded {
    @Option(names = "--model", required = true, description = "Model directory or .pt file (white-box).")
    Path model;

    @Mixin
    DataOptions data;

    @Mixin
    ModelFlags modelFlags = new ModelFlags();

    @Option(names = "--defence", description = "Input transformation in front of the model, NAME[:key=value,...].")
    String defence;

    @Option(names = "--gradients", defaultValue = "adaptive", description = "adaptive or naive (default: ${DEFAULT-VALUE}).")
    String gradients;

    @Option(names = "--eps", defaultValue = "0.3", description = "L∞ budget (default: ${DEFAULT-VALUE}).")
    double eps;

    @Option(names = "--square-queries", defaultValue = "1000", description = "Square's queries per sample (default: ${DEFAULT-VALUE}).")
    int squareQueries;

    @Option(names = "--tolerance", defaultValue = "0.02", description = "Accuracy difference ignored as noise (default: ${DEFAULT-VALUE}).")
    double tolerance;

    @Override
    public Integer call() {
        Outputs.file(json, "--json");
        Progress.setEnabled(!quiet);
        GradientMaskingChecks.Config cfg = new GradientMaskingChecks.Config(eps, squareQueries, tolerance, seed);
        Loading.Defence defended = Loading.Defence.parse(defence, gradients);
        modelFlags.normalization();
        Dataset d = data.load();
        try (Classifier undefended = modelFlags.load(model, d); Classifier c = defended.wrap(undefended, model, seed)) {
            Provenance prov = c.startProvenance(d.origin(), Map.of("eps", eps,
                    "squareQueries", squareQueries, "tolerance", tolerance), seed);
            GradientMaskingChecks.Result r = GradientMaskingChecks.run(c, d, cfg, !quiet);
            for (GradientMaskingChecks.Check ch : r.checks()) {
                System.out.printf("%-30s %-8s %s%n", ch.name(), ch.flagged() ? "FLAGGED" : "ok", ch.figures());
            }
            System.out.println(r.masked() ? "gradient masking suspected: evaluate with adaptive attacks (BPDA/EOT) and black box"
                    : "no sign of gradient masking");
            if (json != null) {
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("masked", r.masked());
                out.put("checks", r.checks());
                CommandOutput.of("check-masking", out).withModel(c.info(), ModelFlags.describe(undefended))
                        .withDefence(c instanceof PreprocessedClassifier pc ? pc.describe() : null)
                        .withDataName(d.name()).finishing(prov).write(json);
            }
        }
        return Main.EXIT_OK;
    }
}
