package org.dlsec.cli;

import java.nio.file.Path;
import java.util.List;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Progress;
import org.dlsec.core.Provenance;
import org.dlsec.data.Dataset;
import org.dlsec.defence.certification.Certification;
import org.dlsec.defence.certification.RandomizedSmoothing;
import org.dlsec.experiment.CommandOutput;
import org.dlsec.model.Classifier;
import org.dlsec.report.Charts;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code dlsec certify}: randomised-smoothing certificates and certified accuracy at L2 radii. */
@Command(name = "certify", mixinStandardHelpOptions = true,
        description = "Certify a model with randomized smoothing (Cohen et al. 2019): certified accuracy at L2 radii.")
final class CertifyCommand extends OutcomeCommand.Seeded {
    @Option(names = "--model", required = true, description = "Model directory, .pt or .onnx file (the base classifier,"
            + " ideally trained with --noise-augment SIGMA).")
    Path model;

    @Mixin
    DataOptions data;

    @Mixin
    ModelFlags modelFlags = new ModelFlags();

    @Option(names = "--sigma", defaultValue = "0.25", description = "Noise standard deviation (default: ${DEFAULT-VALUE}).")
    double sigma;

    @Option(names = "--n0", defaultValue = "100", description = "Selection samples (default: ${DEFAULT-VALUE}).")
    int n0;

    @Option(names = "--n", defaultValue = "1000", description = "Estimation samples (default: ${DEFAULT-VALUE}).")
    int n;

    @Option(names = "--alpha", defaultValue = "0.001", description = "Failure probability (default: ${DEFAULT-VALUE}).")
    double alpha;

    @Option(names = "--radii", split = ",", defaultValue = "0,0.25,0.5,0.75",
            description = "L2 radii of the table (default: ${DEFAULT-VALUE}).")
    List<Double> radii;

    @Option(names = "--batch-size", defaultValue = "500", description = "Noisy copies per forward pass (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--plot", description = "Write the certified-accuracy curve as a PNG here.")
    Path plot;

    @Override
    public Integer call() {
        Outputs.file(json, "--json");
        Outputs.file(plot, "--plot");
        Progress.setEnabled(!quiet);
        Limits.batchSize(batchSize, "--batch-size");
        RandomizedSmoothing.Params params = new RandomizedSmoothing.Params(sigma, n0, n, alpha, batchSize, seed);
        double[] r = radii.stream().mapToDouble(Double::doubleValue).toArray();
        modelFlags.normalization();
        Dataset d = data.load();
        try (Classifier c = modelFlags.load(model, d)) {
            Provenance prov = c.startProvenance(d.origin(), params.describe(), seed);
            Certification.Result res = Certification.run(new RandomizedSmoothing(c, params), d, r, !quiet);
            System.out.printf("randomized smoothing sigma=%s n0=%d n=%d alpha=%s on %d %s images: smoothed accuracy %.2f%%,"
                    + " %d abstentions (%.1f s)%n", sigma, n0, n, alpha, res.samples().size(), d.name(),
                    100 * res.cleanSmoothedAccuracy(), res.abstentions(), res.seconds());
            System.out.println("radius  certified accuracy");
            for (int i = 0; i < r.length; i++) {
                System.out.printf("%6.3f  %6.2f%%%n", r[i], 100 * res.certifiedAccuracy()[i]);
            }
            CommandOutput.of("certify", res.json()).withModel(c.info(), ModelFlags.describe(c)).withData(d, false)
                    .finishing(prov).write(json);
            if (plot != null) {
                double[][] curve = res.curve();
                writePlot(Charts.certifiedAccuracyPng(curve[0], curve[1], "Randomized smoothing, σ = " + sigma + ", n = " + n));
            }
        }
        return Main.EXIT_OK;
    }

    private void writePlot(byte[] png) {
        org.dlsec.core.AtomicFiles.write(plot, png);
        System.out.println("curve written to " + plot);
    }
}
