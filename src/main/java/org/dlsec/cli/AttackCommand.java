package org.dlsec.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.dlsec.attack.evasion.AttackResult;
import org.dlsec.attack.evasion.AttackSpec;
import org.dlsec.attack.evasion.EpsilonAttack;
import org.dlsec.attack.evasion.EvasionAttack;
import org.dlsec.attack.evasion.EvasionAttacks;
import org.dlsec.attack.evasion.EvasionRunner;
import org.dlsec.attack.evasion.Norm;
import org.dlsec.attack.evasion.TransferAttack;
import org.dlsec.attack.evasion.UniversalAttack;
import org.dlsec.attack.evasion.UniversalPerturbation;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Json;
import org.dlsec.core.Progress;
import org.dlsec.core.Provenance;
import org.dlsec.data.Dataset;
import org.dlsec.defence.detection.FeatureSqueezingDetector;
import org.dlsec.defence.preprocess.PreprocessedClassifier;
import org.dlsec.model.Classifier;
import org.dlsec.report.AdversarialGrids;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code dlsec attack}: runs one evasion attack (over one or several ε) and reports it. */
@Command(name = "attack", mixinStandardHelpOptions = true,
        description = "Run an evasion attack: fgsm, bim, pgd, mim, cw, deepfool, jsma, uap, apgd, square, zoo, hsj,"
                + " boundary, onepixel, ensemble.")
final class AttackCommand implements Callable<Integer> {
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

    @Option(names = "--seed", defaultValue = "0", description = "Seed of every random choice (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--batch-size", defaultValue = "250", description = "Samples per batch (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--json", description = "Write the results as JSON to this file.")
    Path json;

    @Option(names = "--images", description = "Write PNG grids of originals, perturbations and adversarial examples here.")
    Path images;

    @Option(names = "--quiet", description = "No progress bars.")
    boolean quiet;

    @Override
    public Integer call() {
        Outputs.file(json, "--json");
        Outputs.dir(images, "--images");
        Progress.setEnabled(!quiet);
        Limits.batchSize(batchSize, "--batch-size");
        Limits.positive(maxQueries, "--max-queries");
        List<Double> budgets = eps == null || eps.isEmpty() ? List.of(0.3) : eps;
        AttackSpec spec = new AttackSpec(attack, budgets.get(0), Norm.parse(norm), steps, stepSize, restarts, targeted,
                maxQueries, seed, extra);
        EvasionAttack base = EvasionAttacks.create(spec);
        if (budgets.size() > 1 && !(base instanceof EpsilonAttack)) {
            throw new DlsecException("attack '" + org.dlsec.core.Text.echo(base.name()) + "' has no ε budget: give at most one --eps");
        }
        Loading.Defence defended = Loading.Defence.parse(defence, gradients);
        if (detect != null && !detect.trim().equalsIgnoreCase("feature-squeezing")) {
            throw new DlsecException("unknown --detect '" + org.dlsec.core.Text.echo(detect) + "': expected feature-squeezing");
        }
        DlsecException.require(calibration >= 1, "--calibration", "must be at least 1, got " + calibration);
        DlsecException.require(Double.isFinite(detectFpr) && detectFpr > 0 && detectFpr < 1, "--detect-fpr",
                "must be in (0, 1), got " + detectFpr);
        modelFlags.normalization();
        Dataset d = data.load();
        if (images != null && !d.isImage()) {
            throw new DlsecException("--images draws image grids, but " + d.name() + " holds feature vectors of shape "
                    + d.sampleShape() + "; the adversarial examples' changes are in the audit report's featureChanges");
        }
        try (Classifier undefended = modelFlags.load(model, d);
                Classifier c = defended.wrap(undefended, model, seed);
                Classifier sub = substitute == null ? null : Loading.model(substitute, d)) {
            if (base instanceof UniversalAttack u && !u.isFitted()) {
                // fit the universal perturbation on a split disjoint from the attacked one (on the substitute, if given)
                String fitSplit = "train".equals(d.split()) ? "test" : "train";
                base = u.fit(sub != null ? sub : c, data.loadAll(fitSplit));
                UniversalPerturbation.Fitted f = ((UniversalAttack) base).fitted();
                System.out.printf("uap fitted on the first %d %s images: fooling rate %.2f%% after %d passes%n", f.fitSamples(),
                        fitSplit, 100 * f.foolingRate(), f.passes());
            } else if (sub != null) {
                base = new TransferAttack(base, sub);
            }
            int[] targets = base.targeted() ? EvasionRunner.randomTargets(d, seed) : null;
            Provenance prov = Provenance.start(c.info().sha256(), c.info().describe(), d.origin(), base.parameters(), seed);
            List<AttackResult> results = new ArrayList<>();
            for (double e : budgets) {
                EvasionAttack a = base;
                if (sub != null && budgets.size() > 1) {
                    EvasionAttack inner = EvasionAttacks.create(new AttackSpec(attack, e, spec.norm(), steps, stepSize, restarts,
                            targeted, maxQueries, seed, extra));
                    a = new TransferAttack(inner, sub);
                } else if (base instanceof EpsilonAttack ea) {
                    a = ea.withEpsilon(e);
                }
                results.add(EvasionRunner.run(a, c, d, targets, batchSize, !quiet));
                AttackResult.Summary s = results.get(results.size() - 1).summary();
                System.out.printf("%s eps=%s: clean %.2f%%  robust %.2f%%  success %.2f%%  L2 %.3f  Linf %.3f  queries %.1f"
                        + "  (%.1f s)%n", s.attack(), e, 100 * s.cleanAccuracy(), 100 * s.robustAccuracy(),
                        100 * s.successRate(), s.meanL2(), s.meanLinf(), s.meanQueries(), s.seconds());
                org.dlsec.core.NumericalIssue.lines(results.get(results.size() - 1).numericalIssues(), 5)
                        .forEach(System.out::println);
            }
            AttackResult last = results.get(results.size() - 1);
            FeatureSqueezingDetector.Evaluation detection = null;
            if (detect != null) {
                FeatureSqueezingDetector det = FeatureSqueezingDetector.forInput(c);
                Dataset cal = data.loadAll("train".equals(d.split()) ? "test" : "train");
                cal = cal.sample(Math.min(calibration, cal.size()), seed);
                double[] calScores = det.scores(cal, cal.size());
                double t = FeatureSqueezingDetector.threshold(calScores, detectFpr);
                double[] adv = det.scores(last.adversarial(), d);
                double[] successful = java.util.stream.IntStream.range(0, adv.length).filter(i -> last.success()[i])
                        .mapToDouble(i -> adv[i]).toArray();
                detection = FeatureSqueezingDetector.evaluate(t, detectFpr, cal.size(), successful, det.scores(d, d.size()));
                System.out.printf("feature squeezing (threshold %.4f at %.1f%% calibration FPR): detects %.2f%% of %d successful"
                        + " adversarial examples; flags %.2f%% of %d clean test images%n", t, 100 * detectFpr,
                        100 * detection.detectionRate(), detection.adversarial(), 100 * detection.falsePositiveRate(),
                        detection.clean());
            }
            if (json != null) {
                Map<String, Object> out = new LinkedHashMap<>(Json.MAPPER.convertValue(last.summary(), Map.class));
                out.put("eps", budgets.get(budgets.size() - 1));
                out.put("norm", spec.norm().cliName());
                out.put("parameters", last.parameters());
                out.put("numericalIssues", results.stream().flatMap(r -> r.numericalIssues().stream()).toList());
                if (budgets.size() > 1) {
                    List<Map<String, Object>> curve = new ArrayList<>();
                    for (int i = 0; i < budgets.size(); i++) {
                        Map<String, Object> point = new LinkedHashMap<>(Json.MAPPER.convertValue(results.get(i).summary(), Map.class));
                        point.put("eps", budgets.get(i));
                        curve.add(point);
                    }
                    out.put("curve", curve);
                }
                out.put("model", c.info());
                ModelFlags.record(out, undefended);
                if (c instanceof PreprocessedClassifier pc) {
                    out.put("defence", pc.describe());
                }
                Map<String, Object> distillation = defended.distillation(model);
                if (distillation != null) {
                    out.put("distillation", distillation);
                }
                if (detection != null) {
                    out.put("detection", detection.toMap());
                }
                out.put("dataset", d.name());
                out.put("split", d.split());
                out.put("provenance", prov.finishedNow());
                Json.write(json, out);
            }
            if (images != null) {
                for (int i = 0; i < results.size(); i++) {
                    Path file = images.resolve(base.name() + (results.size() > 1 ? "-eps" + budgets.get(i) : "") + ".png");
                    AdversarialGrids.of(results.get(i), d, 8).write(file);
                }
                System.out.println("images written to " + images);
            }
        }
        return Main.EXIT_OK;
    }
}
