package org.dlsec.cli;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.dlsec.attack.extraction.ExtractionAttacks;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Progress;
import org.dlsec.core.Provenance;
import org.dlsec.data.Dataset;
import org.dlsec.data.QuerySets;
import org.dlsec.experiment.CommandOutput;
import org.dlsec.experiment.ExtractionOutcome;
import org.dlsec.experiment.ExtractionRun;
import org.dlsec.experiment.ExtractionSpec;
import org.dlsec.model.Architecture;
import org.dlsec.model.Classifier;
import org.dlsec.model.RemoteClassifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code dlsec extract}: steal a substitute of a served (URL) or local (PATH) model and measure it. */
@Command(name = "extract", mixinStandardHelpOptions = true,
        description = "Model extraction: query a target (a dlsec serve URL or a model file) and build a substitute;"
                + " prints and writes substitute accuracy, fidelity, queries, FGSM transfer success and time.")
final class ExtractCommand extends OutcomeCommand.Seeded {
    @Option(names = "--target", required = true, description = "http(s)://HOST:PORT of `dlsec serve`, or a model PATH.")
    String target;

    @Option(names = "--token-file", description = "Bearer token for the target URL (first line).")
    Path tokenFile;

    @Option(names = "--eval-token-file", description = "For a URL target: measure fidelity and transfer through a"
            + " separate client with this token, so that the attacker's query stream (budget, PRADA) holds only the"
            + " attack's queries.")
    Path evalTokenFile;

    @Option(names = "--attack", required = true, description = "equation, jacobian, knockoff or copycat.")
    String attack;

    @Option(names = "--budget", required = true, description = "Target queries the attack may make.")
    int budget;

    @Option(names = "--strategy", defaultValue = "random", description = "knockoff/copycat: random or adaptive"
            + " (default: ${DEFAULT-VALUE}).")
    String strategy;

    @Option(names = "--query-data", defaultValue = "fashion-mnist", description = "knockoff/copycat: fashion-mnist,"
            + " gtsrb, mnist, a folder with train-images-idx3-ubyte[.gz], or a dataset path in any format of --dataset"
            + " (its train split; labels unused) (default: ${DEFAULT-VALUE}).")
    String queryData;

    @Option(names = "--dataset", defaultValue = "mnist", description = "The target's task: test set for the metrics,"
            + " seed images for jacobian (default: ${DEFAULT-VALUE}). " + SourceFlags.DATASET_HELP)
    String dataset;

    @picocli.CommandLine.Mixin
    SourceFlags sourceFlags = new SourceFlags();

    @picocli.CommandLine.Mixin
    ModelFlags modelFlags = new ModelFlags();

    @Option(names = "--data-dir", description = "Folder holding mnist/, gtsrb/, fashion-mnist/ (default: $DLSEC_DATA).")
    Path dataDir;

    @Option(names = "--test-limit", description = "Evaluate on the first N test images (default: all).")
    Integer testLimit;

    @Option(names = "--seed-size", defaultValue = "150", description = "jacobian: seed images, taken from the start of"
            + " the test split and left out of the evaluation (default: ${DEFAULT-VALUE}).")
    int seedSize;

    @Option(names = "--rounds", defaultValue = "6", description = "jacobian: substitute epochs rho (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--lambda", defaultValue = "0.1", description = "jacobian: augmentation step (default: ${DEFAULT-VALUE}).")
    double lambda;

    @Option(names = "--kappa", defaultValue = "400", description = "jacobian: reservoir size from round 3 on (default: ${DEFAULT-VALUE}).")
    int kappa;

    @Option(names = "--arch", defaultValue = "lenet5", description = "Substitute architecture (default: ${DEFAULT-VALUE};"
            + " equation solving always builds a softmax regression).")
    String arch;

    @Option(names = "--epochs", description = "Substitute training epochs (default: 10 per jacobian round, 10 for knockoff).")
    Integer epochs;

    @Option(names = "--lr", defaultValue = "0.001", description = "Substitute Adam learning rate (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--checkpoints", split = ",", description = "knockoff/copycat: also report fidelity after these"
            + " query counts (a curve).")
    List<Integer> checkpoints;

    @Option(names = "--http-batch", defaultValue = "128", description = "Inputs per HTTP request (default: ${DEFAULT-VALUE}).")
    int httpBatch;

    @Option(names = "--eps", defaultValue = "0.3", description = "FGSM budget of the transfer measure (default: ${DEFAULT-VALUE}).")
    double eps;

    @Option(names = "--transfer-limit", defaultValue = "1000", description = "Test images for the transfer measure"
            + " (0 = skip) (default: ${DEFAULT-VALUE}).")
    int transferLimit;

    @Override
    public Integer call() {
        Outputs.file(json, "--json");
        Progress.setEnabled(!quiet);
        DlsecException.require(httpBatch >= 1, "--http-batch", "must be at least 1, got " + httpBatch);
        ExtractionSpec spec = new ExtractionSpec(attack, new ExtractionAttacks.Params(budget, strategy, rounds, lambda, kappa,
                Architecture.parse(arch), epochs, lr, checkpoints, seed), seedSize, testLimit, eps, transferLimit);
        Dataset fullTest = sourceFlags.open(dataset, "test", dataDir);
        try (Classifier victim = openTarget(fullTest, tokenFile);
                Classifier judge = evalTokenFile == null ? null : openTarget(fullTest, evalTokenFile)) {
            ExtractionRun run = ExtractionRun.prepare(spec, victim, judge == null ? victim : judge, fullTest,
                    () -> queryData(fullTest), System.out::println);
            Provenance prov = victim.startProvenance(run.test().origin(),
                    run.parameters(), seed);
            ExtractionOutcome o = run.run();
            System.out.println(o.summary());
            CommandOutput.of("extract", o.json()).withTarget(victim.info(), ModelFlags.describe(victim)).finishing(prov)
                    .write(json);
        }
        return Main.EXIT_OK;
    }

    private Classifier openTarget(Dataset data, Path tokens) {
        String t = target.trim();
        if (t.startsWith("http://") || t.startsWith("https://")) {
            URI u;
            try {
                u = URI.create(t);
            } catch (IllegalArgumentException e) {
                throw new DlsecException("invalid --target URL '" + org.dlsec.core.Text.echo(t) + "': " + e.getMessage());
            }
            modelFlags.refuse("is for a model file; a served model (--target URL) normalises its inputs itself");
            String token = tokens == null ? null : TokenFiles.first(tokens);
            return RemoteClassifier.connect(u, token, httpBatch);
        }
        if (tokens != null) {
            throw new DlsecException("--token-file and --eval-token-file are only for a target URL");
        }
        return modelFlags.load(Path.of(t), data);
    }

    private Dataset queryData(Dataset task) {
        return QuerySets.open(queryData, task, q -> sourceFlags.open(q, "train", dataDir));
    }
}
