package org.dlsec.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.dlsec.core.Provenance;
import org.dlsec.data.Dataset;
import org.dlsec.experiment.CommandOutput;
import org.dlsec.metric.Evaluation;
import org.dlsec.model.Classifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code dlsec eval}: clean accuracy of a model on a dataset. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Measure a model's clean accuracy (dlsec model directory, TorchScript .pt or .onnx).")
final class EvalCommand extends OutcomeCommand {
    @Option(names = "--model", required = true, description = "Model directory, .pt or .onnx file.")
    Path model;

    @Mixin
    DataOptions data;

    @Mixin
    ModelFlags modelFlags = new ModelFlags();

    @Option(names = "--batch-size", defaultValue = "500", description = "Evaluation batch size.")
    int batchSize;

    @Override
    public Integer call() {
        Outputs.file(json, "--json");
        if (batchSize <= 0 || batchSize > 65_536) {
            throw new org.dlsec.core.DlsecException("invalid --batch-size: must be in 1..65536, got " + batchSize);
        }
        modelFlags.normalization();
        Dataset d = data.load();
        try (Classifier c = modelFlags.load(model, d)) {
            Provenance prov = c.startProvenance(d.origin(),
                    Map.of("batchSize", batchSize), 0);
            Evaluation.Result r = Evaluation.evaluate(c, d, batchSize, !quiet);
            System.out.printf("accuracy %.4f on %d %s/%s samples (%d queries, %.2f s)%n", r.accuracy(), r.samples(),
                    d.name(), d.split(), r.queries(), r.seconds());
            if (json != null) {
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("accuracy", r.accuracy());
                out.put("correct", r.correct());
                out.put("samples", r.samples());
                out.put("queries", r.queries());
                out.put("seconds", r.seconds());
                CommandOutput.of("eval", out).withModel(c.info(), ModelFlags.describe(c)).withData(d, false)
                        .finishing(prov).write(json);
            }
        }
        return Main.EXIT_OK;
    }
}
