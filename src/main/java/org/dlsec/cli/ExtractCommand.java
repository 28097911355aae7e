package org.dlsec.cli;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.dlsec.attack.extraction.Copycat;
import org.dlsec.attack.extraction.EquationSolving;
import org.dlsec.attack.extraction.ExtractionAttack;
import org.dlsec.attack.extraction.ExtractionEvaluation;
import org.dlsec.attack.extraction.JacobianAugmentation;
import org.dlsec.attack.extraction.KnockoffNets;
import org.dlsec.attack.extraction.SubstituteTrainer;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Json;
import org.dlsec.core.Provenance;
import org.dlsec.data.Dataset;
import org.dlsec.data.DatasetId;
import org.dlsec.data.IdxReader;
import org.dlsec.metric.Evaluation;
import org.dlsec.model.Architecture;
import org.dlsec.model.Classifier;
import org.dlsec.model.DjlClassifier;
import org.dlsec.serve.RemoteClassifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code dlsec extract}: steal a substitute of a served (URL) or local (PATH) model and measure it. */
@Command(name = "extract", mixinStandardHelpOptions = true,
        description = "Model extraction: query a target (a dlsec serve URL or a model file) and build a substitute;"
                + " prints and writes substitute accuracy, fidelity, queries, FGSM transfer success and time.")
final class ExtractCommand implements Callable<Integer> {
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

    @Option(names = "--seed", defaultValue = "0", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--json", description = "Write the results as JSON to this file.")
    Path json;

    @Override
    public Integer call() {
        Outputs.file(json, "--json");
        String a = attack.trim().toLowerCase(Locale.ROOT);
        if (!List.of("equation", "jacobian", "knockoff", "copycat").contains(a)) {
            throw new DlsecException("unknown --attack '" + org.dlsec.core.Text.echo(attack) + "': expected equation, jacobian, knockoff or copycat");
        }
        DlsecException.require(budget >= 1, "--budget", "must be at least 1, got " + budget);
        DlsecException.require(httpBatch >= 1, "--http-batch", "must be at least 1, got " + httpBatch);
        DlsecException.require(testLimit == null || testLimit >= 1, "--test-limit", "must be positive");
        DlsecException.require(Double.isFinite(eps) && eps >= 0, "--eps", "must be >= 0");
        DlsecException.require(transferLimit >= 0, "--transfer-limit", "must be >= 0");
        Architecture substituteArch = Architecture.parse(arch);
        String task = dataset;
        Dataset fullTest = sourceFlags.open(dataset, "test", dataDir);
        Dataset seedSet = null;
        Dataset test = fullTest;
        if (a.equals("jacobian")) {
            DlsecException.require(seedSize >= 1 && seedSize < fullTest.size(), "--seed-size",
                    "must be in 1.." + (fullTest.size() - 1) + ", got " + seedSize);
            seedSet = fullTest.first(seedSize);
            int[] rest = java.util.stream.IntStream.range(seedSize, fullTest.size()).toArray();
            test = fullTest.subset(rest, "test images after the " + seedSize + " seed images");
        }
        if (testLimit != null && testLimit < test.size()) {
            test = test.first(testLimit);
        }
        try (Classifier victim = openTarget(fullTest, tokenFile);
                Classifier judge = evalTokenFile == null ? null : openTarget(fullTest, evalTokenFile)) {
            Classifier evaluator = judge == null ? victim : judge;
            if (!victim.inputShape().equals(fullTest.sampleShape()) || victim.numClasses() != fullTest.numClasses()) {
                throw new DlsecException("the target takes " + victim.inputShape() + " with " + victim.numClasses()
                        + " classes, but " + task + " has " + fullTest.sampleShape() + " with " + fullTest.numClasses());
            }
            int e = epochs == null ? 10 : epochs;
            SubstituteTrainer trainer = new SubstituteTrainer(e, a.equals("jacobian") ? 32 : 64, lr);
            long evalQ0 = evaluator.stats().queries();
            Evaluation.Result targetOnTest = Evaluation.evaluate(evaluator, test, Evaluation.DEFAULT_BATCH, false);
            long evalQueries = evaluator.stats().queries() - evalQ0;
            List<Map<String, Object>> curve = new ArrayList<>();
            Dataset testSet = test;
            ExtractionAttack.Checkpoints cp = (q, sub) -> {
                ExtractionEvaluation.Result r = ExtractionEvaluation.measure(evaluator, targetOnTest, sub, testSet, eps, 0, seed);
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("queries", q);
                row.put("fidelity", r.fidelity());
                row.put("substituteAccuracy", r.substituteAccuracy());
                curve.add(row);
                System.out.printf("  %7d queries: fidelity %.2f%%, substitute accuracy %.2f%%%n", q, 100 * r.fidelity(),
                        100 * r.substituteAccuracy());
            };
            ExtractionAttack attackImpl = switch (a) {
                case "equation" -> new EquationSolving(new EquationSolving.Params(budget, seed));
                case "jacobian" -> new JacobianAugmentation(new JacobianAugmentation.Params(rounds, lambda, 3, 3, kappa,
                        substituteArch, trainer, seed), seedSet, budget).onCheckpoint(cp);
                default -> {
                    KnockoffNets.Params kp = new KnockoffNets.Params(KnockoffNets.Strategy.parse(strategy), budget,
                            substituteArch, trainer, checkpoints == null ? null : checkpoints.stream().mapToInt(i -> i).toArray(),
                            64, 0.1, seed);
                    Dataset qd = queryData(fullTest);
                    yield a.equals("copycat") ? Copycat.create(kp, qd).onCheckpoint(cp) : new KnockoffNets(kp, qd).onCheckpoint(cp);
                }
            };
            if (a.equals("equation") && budget < (int) victim.inputShape().size() + 1) {
                throw new DlsecException("invalid --budget: equation solving needs at least d + 1 = "
                        + (victim.inputShape().size() + 1) + " queries, got " + budget);
            }
            Provenance prov = Provenance.start(victim.info().sha256(), victim.info().describe(), test.origin(),
                    attackImpl.parameters(), seed);
            long q0 = victim.stats().queries();
            long start = System.nanoTime();
            Map<String, Object> out = new LinkedHashMap<>();
            try (DjlClassifier substitute = attackImpl.extract(victim)) {
                double seconds = (System.nanoTime() - start) / 1e9;
                long queries = victim.stats().queries() - q0;
                ExtractionEvaluation.Result r = ExtractionEvaluation.measure(evaluator, targetOnTest, substitute, test, eps,
                        transferLimit, seed);
                out.put("attack", attackImpl.name());
                out.put("substituteAccuracy", r.substituteAccuracy());
                out.put("fidelity", r.fidelity());
                out.put("queries", queries);
                out.put("transferSuccess", Double.isNaN(r.transferSuccess()) ? null : r.transferSuccess());
                out.put("seconds", seconds);
                out.put("targetAccuracy", r.targetAccuracy());
                out.put("testSamples", r.testSamples());
                out.put("transferSamples", r.transferSamples());
                out.put("transferEps", eps);
                out.put("evaluationQueries", evalQueries + r.evaluationQueries());
                out.put("curve", curve);
                out.put("parameters", attackImpl.parameters());
                out.put("target", victim.info());
                ModelFlags.record(out, victim);
                out.put("provenance", prov.finishedNow());
                System.out.printf("%s: %d queries in %.1f s; substitute accuracy %.2f%% (target %.2f%%), fidelity %.2f%%,"
                        + " FGSM eps=%s transfer success %s%n", attackImpl.name(), queries, seconds,
                        100 * r.substituteAccuracy(), 100 * r.targetAccuracy(), 100 * r.fidelity(), eps,
                        Double.isNaN(r.transferSuccess()) ? "n/a" : String.format("%.2f%%", 100 * r.transferSuccess()));
            }
            if (json != null) {
                Json.write(json, out);
            }
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
            String token = tokens == null ? null : ServeCommand.readToken(tokens);
            return RemoteClassifier.connect(u, token, httpBatch);
        }
        if (tokens != null) {
            throw new DlsecException("--token-file and --eval-token-file are only for a target URL");
        }
        return modelFlags.load(Path.of(t), data);
    }

    private Dataset queryData(Dataset task) {
        String q = queryData.trim();
        Path p = Path.of(q);
        if (Files.isDirectory(p) && (Files.isRegularFile(p.resolve("train-images-idx3-ubyte.gz"))
                || Files.isRegularFile(p.resolve("train-images-idx3-ubyte")))) {
            Path img = first(p, "train-images-idx3-ubyte.gz", "train-images-idx3-ubyte");
            IdxReader.IdxFile f = IdxReader.read(img);
            int[] d = f.dims();
            long[] shape = task.sampleShape().getShape();
            if (d.length != 3 || d[1] != shape[1] || d[2] != shape[2] || shape[0] != 1) {
                throw new DlsecException(img + ": expected greyscale " + shape[1] + "x" + shape[2] + " images for "
                        + task.name());
            }
            float[] x = new float[f.data().length];
            for (int i = 0; i < x.length; i++) {
                x[i] = (f.data()[i] & 0xff) / 255f;
            }
            return new Dataset(p.getFileName().toString(), "train", 1, d[1], d[2], 2, x, new int[d[0]], null, null,
                    img + " sha256=" + f.sha256() + " (labels unused)");
        }
        Dataset d = sourceFlags.open(q, "train", dataDir);
        if (q.equalsIgnoreCase(DatasetId.GTSRB.cliName()) && task.sampleShape().get(0) == 1) {
            d = greyscale(d, task);
        }
        if (!d.sampleShape().equals(task.sampleShape())) {
            throw new DlsecException("--query-data " + q + " has samples of shape (" + shapeText(d.sampleShape())
                    + ") but the target's task " + task.name() + " has (" + shapeText(task.sampleShape())
                    + "); give query data of the task's shape (--resize HxW resizes images)");
        }
        return d;
    }

    private static String shapeText(ai.djl.ndarray.types.Shape s) {
        return java.util.Arrays.stream(s.getShape()).mapToObj(Long::toString)
                .collect(java.util.stream.Collectors.joining(", "));
    }

    private static Path first(Path dir, String... names) {
        for (String n : names) {
            if (Files.isRegularFile(dir.resolve(n))) {
                return dir.resolve(n);
            }
        }
        throw new DlsecException("no " + String.join(" or ", names) + " in " + dir);
    }

    /** GTSRB 32x32 colour to greyscale, centre-cropped to the task's size (e.g. 28x28 for MNIST). */
    private static Dataset greyscale(Dataset g, Dataset task) {
        int h = (int) task.sampleShape().get(1);
        int w = (int) task.sampleShape().get(2);
        int off = (32 - h) / 2;
        int n = g.size();
        float[] x = new float[n * h * w];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            float[] img = g.image(i);
            y[i] = g.label(i);
            for (int r = 0; r < h; r++) {
                for (int c = 0; c < w; c++) {
                    int p = (r + off) * 32 + c + off;
                    x[i * h * w + r * w + c] = 0.299f * img[p] + 0.587f * img[1024 + p] + 0.114f * img[2048 + p];
                }
            }
        }
        return new Dataset("gtsrb-grey", g.split(), 1, h, w, g.numClasses(), x, y, null, null,
                g.origin() + " -> greyscale, centre crop " + h + "x" + w);
    }
}
