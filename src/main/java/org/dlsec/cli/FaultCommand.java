package org.dlsec.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.dlsec.attack.fault.AccuracyDistribution;
import org.dlsec.attack.fault.BitFlipAttack;
import org.dlsec.attack.fault.FaultType;
import org.dlsec.attack.fault.Granularity;
import org.dlsec.attack.fault.HardwareTrojan;
import org.dlsec.attack.fault.LayerHookClassifier;
import org.dlsec.attack.fault.QuantizedModel;
import org.dlsec.attack.fault.RandomFaultInjection;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Json;
import org.dlsec.core.Progress;
import org.dlsec.core.Provenance;
import org.dlsec.data.Dataset;
import org.dlsec.defence.integrity.ActivationRangeGuard;
import org.dlsec.defence.integrity.ChecksumGuard;
import org.dlsec.metric.Evaluation;
import org.dlsec.model.Classifier;
import org.dlsec.model.DjlClassifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code dlsec fault}: hardware fault attacks (random faults, Bit-Flip Attack, trojan) and integrity defences. */
@Command(name = "fault", mixinStandardHelpOptions = true,
        description = "Hardware fault attacks on a dlsec model: random bit faults, the Bit-Flip Attack, a hardware"
                + " trojan; optional checksum or range defences.")
final class FaultCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "dlsec model directory or TorchScript .pt file.")
    Path model;

    @Mixin
    DataOptions data;

    @Option(names = "--mode", required = true, description = "random, bfa or trojan.")
    String mode;

    @Option(names = "--bits", split = ",", description = "random: fault counts N (comma list, default 1,10,100);"
            + " bfa: flip budget (default 25).")
    List<Integer> bits;

    @Option(names = "--trials", defaultValue = "20", description = "Trials per fault count (default: ${DEFAULT-VALUE}).")
    int trials;

    @Option(names = "--target", defaultValue = "weights", description = "weights or activations (default: ${DEFAULT-VALUE}).")
    String target;

    @Option(names = "--quantize", defaultValue = "int8", description = "int8 or none (float32 weights; random mode only)"
            + " (default: ${DEFAULT-VALUE}).")
    String quantize;

    @Option(names = "--granularity", defaultValue = "layer", description = "Quantisation scales per layer or per channel"
            + " (default: ${DEFAULT-VALUE}).")
    String granularity;

    @Option(names = "--fault", defaultValue = "flip", description = "flip, stuck0 or stuck1 (default: ${DEFAULT-VALUE}).")
    String fault;

    @Option(names = "--layers", split = ",", description = "Layer indices for activation faults (default: every"
            + " convolution and linear layer).")
    List<Integer> layers;

    @Option(names = "--defence", defaultValue = "none", description = "none, checksum (int8 weights) or range"
            + " (activations) (default: ${DEFAULT-VALUE}).")
    String defence;

    @Option(names = "--signature", defaultValue = "radar2", description = "Checksum signature: radar2 or full"
            + " (default: ${DEFAULT-VALUE}).")
    String signature;

    @Option(names = "--recovery", defaultValue = "zero", description = "Checksum recovery of flagged groups: zero"
            + " (RADAR) or reload (from a trusted copy of the weights) (default: ${DEFAULT-VALUE}).")
    String recovery;

    private ChecksumGuard.Recovery rec = ChecksumGuard.Recovery.ZERO;

    @Option(names = "--group-size", defaultValue = "16", description = "Weights per checksum group (default: ${DEFAULT-VALUE}).")
    int groupSize;

    @Option(names = "--attack-samples", defaultValue = "128", description = "BFA: attacker's batch, drawn from the"
            + " training split (default: ${DEFAULT-VALUE}).")
    int attackSamples;

    @Option(names = "--stop-accuracy", defaultValue = "0.11", description = "BFA: stop at this accuracy (default: ${DEFAULT-VALUE}).")
    double stopAccuracy;

    @Option(names = "--candidates", defaultValue = "1", description = "BFA: exact-loss candidates per layer in the"
            + " cross-layer search (1 = the paper) (default: ${DEFAULT-VALUE}).")
    int candidates;

    @Option(names = "--trojan-target", defaultValue = "0", description = "Trojan: class forced by the trigger"
            + " (default: ${DEFAULT-VALUE}).")
    int trojanTarget;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of every random choice (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--json", description = "Write the results as JSON to this file.")
    Path json;

    @Option(names = "--quiet", description = "No progress bars.")
    boolean quiet;

    @Mixin
    ModelFlags modelFlags = new ModelFlags();

    /** With --normalize: the wrapper whose inner model takes the faults, and which normalises the data for it. */
    private org.dlsec.defence.preprocess.NormalizedClassifier normalizing;

    /** A seeded sample of {@code n} training samples (at most the split) as the faulted model sees them. */
    private Dataset trainSample(int n) {
        Dataset t = data.load("train");
        t = t.sample(Math.min(n, t.size()), seed);
        return normalizing == null ? t : normalizing.normalised(t);
    }

    @Override
    public Integer call() {
        Outputs.file(json, "--json");
        Progress.setEnabled(!quiet);
        String m = mode.trim().toLowerCase(Locale.ROOT);
        if (!List.of("random", "bfa", "trojan").contains(m)) {
            throw new DlsecException("unknown --mode '" + org.dlsec.core.Text.echo(mode) + "': expected random, bfa or trojan");
        }
        String tgt = target.trim().toLowerCase(Locale.ROOT);
        if (!tgt.equals("weights") && !tgt.equals("activations")) {
            throw new DlsecException("unknown --target '" + org.dlsec.core.Text.echo(target) + "': expected weights or activations");
        }
        String q = quantize.trim().toLowerCase(Locale.ROOT);
        if (!q.equals("int8") && !q.equals("none")) {
            throw new DlsecException("unknown --quantize '" + org.dlsec.core.Text.echo(quantize) + "': expected int8 or none");
        }
        String def = defence.trim().toLowerCase(Locale.ROOT);
        if (!List.of("none", "checksum", "range").contains(def)) {
            throw new DlsecException("unknown --defence '" + org.dlsec.core.Text.echo(defence) + "': expected none, checksum or range");
        }
        DlsecException.require(trials >= 1, "--trials", "must be at least 1, got " + trials);
        DlsecException.require(groupSize >= 1, "--group-size", "must be at least 1, got " + groupSize);
        Granularity gran = Granularity.parse(granularity);
        ChecksumGuard.Signature sig = ChecksumGuard.Signature.parse(signature);
        rec = ChecksumGuard.Recovery.parse(recovery);
        FaultType type = FaultType.parse(fault);
        if (m.equals("trojan")) {
            modelFlags.refuse("is not available with --mode trojan: its trigger is designed in the model's own input"
                    + " space; give a model with the normalisation inside");
        }
        modelFlags.normalization();
        Dataset raw = data.load();
        Map<String, Object> out = new LinkedHashMap<>();
        try (Classifier loaded = modelFlags.load(model, raw)) {
            // faults go into the weights of the model itself; with --normalize it sees the data normalised
            normalizing = loaded instanceof org.dlsec.defence.preprocess.NormalizedClassifier n ? n : null;
            Classifier c = normalizing == null ? loaded : normalizing.inner();
            Dataset d = normalizing == null ? raw : normalizing.normalised(raw);
            if (!(c instanceof DjlClassifier djl)) {
                throw new DlsecException("fault experiments change a model's weights in memory: they need a dlsec model"
                        + " directory or a TorchScript file, not " + c.info().describe());
            }
            if (djl.isTorchScript() && tgt.equals("activations")) {
                throw new DlsecException("--target activations needs a dlsec model directory (its layers are run one by"
                        + " one); a TorchScript module's faults go into its weights (--target weights)");
            }
            Map<String, Object> params = new LinkedHashMap<>();
            params.put("mode", m);
            params.put("target", tgt);
            params.put("quantize", q);
            params.put("granularity", gran.cliName());
            params.put("defence", def);
            Provenance prov = Provenance.start(c.info().sha256(), c.info().describe(), d.origin(), params, seed);
            double floatAcc = Evaluation.evaluate(djl, d, Evaluation.DEFAULT_BATCH, !quiet).accuracy();
            out.put("mode", m);
            out.put("floatAccuracy", floatAcc);
            System.out.printf("float32 accuracy %.2f%%%n", 100 * floatAcc);
            switch (m) {
                case "bfa" -> bfa(djl, d, gran, sig, def, out);
                case "random" -> random(djl, d, gran, sig, type, tgt, q, def, out);
                default -> trojan(djl, d, def, tgt, out);
            }
            out.put("model", c.info());
            ModelFlags.record(out, loaded);
            out.put("dataset", d.name());
            out.put("split", d.split());
            out.put("samples", d.size());
            out.put("seed", seed);
            out.put("provenance", prov.finishedNow());
        }
        if (json != null) {
            Json.write(json, out);
        }
        return Main.EXIT_OK;
    }

    private void bfa(DjlClassifier c, Dataset d, Granularity gran, ChecksumGuard.Signature sig, String def,
            Map<String, Object> out) {
        if (def.equals("range")) {
            throw new DlsecException("--defence range guards activations; the BFA attacks weights (use checksum)");
        }
        int budget = bits == null || bits.isEmpty() ? 25 : bits.get(0);
        if (bits != null && bits.size() > 1) {
            throw new DlsecException("--bits: the BFA takes one flip budget, got " + bits);
        }
        DlsecException.require(attackSamples >= 1, "--attack-samples", "must be at least 1, got " + attackSamples);
        Dataset attackData = trainSample(attackSamples);
        BitFlipAttack attack = new BitFlipAttack(new BitFlipAttack.Config(budget, 1, stopAccuracy, candidates));
        try (QuantizedModel qm = QuantizedModel.quantize(c, gran)) {
            ChecksumGuard guard = def.equals("checksum") ? ChecksumGuard.protect(qm, groupSize, seed, sig, rec) : null;
            BitFlipAttack.Result r = attack.run(qm, attackData, d, !quiet);
            out.put("int8Accuracy", r.cleanAccuracy());
            out.put("parameters", attack.config().parameters());
            out.put("curve", r.curve());
            out.put("flipsUsed", r.flips().size());
            out.put("flipsToStop", r.flipsToStop());
            out.put("finalAccuracy", r.finalAccuracy());
            out.put("flips", r.flips());
            out.put("gradientCalls", r.gradientCalls());
            out.put("seconds", r.seconds());
            System.out.printf("int8 accuracy %.2f%%; BFA: %d flips -> %.2f%% (stop level %.0f%% %s)%n",
                    100 * r.cleanAccuracy(), r.flips().size(), 100 * r.finalAccuracy(), 100 * stopAccuracy,
                    r.flipsToStop() >= 0 ? "reached after " + r.flipsToStop() + " flips" : "not reached");
            if (guard != null) {
                ChecksumGuard.Report rep = guard.checkAndRecover(qm);
                int detected = 0;
                for (BitFlipAttack.Flip f : r.flips()) {
                    if (rep.contains(f.layer(), guard.groupOf(f.layer(), f.index()))) {
                        detected++;
                    }
                }
                double recovered = Evaluation.accuracy(qm.classifier(), d);
                double rate = r.flips().isEmpty() ? 1.0 : (double) detected / r.flips().size();
                Map<String, Object> dm = new LinkedHashMap<>();
                dm.put("defence", "checksum");
                dm.put("signature", sig.cliName());
                dm.put("groupSize", groupSize);
                dm.put("groups", guard.totalGroups());
                dm.put("flaggedGroups", rep.flagged().size());
                dm.put("detectedFlips", detected);
                dm.put("detectionRate", rate);
                dm.put("recovery", rec.cliName());
                dm.put("recoveredWeights", rep.recoveredWeights());
                dm.put("accuracyAfterRecovery", recovered);
                out.put("defence", dm);
                System.out.printf("checksum (%s, groups of %d): detected %d/%d flips (%.1f%%), %d groups %s;"
                        + " accuracy after recovery %.2f%%%n", sig.cliName(), groupSize, detected, r.flips().size(),
                        100 * rate, rep.flagged().size(), rec == ChecksumGuard.Recovery.ZERO ? "zeroed" : "reloaded",
                        100 * recovered);
            }
        }
    }

    private void random(DjlClassifier c, Dataset d, Granularity gran, ChecksumGuard.Signature sig, FaultType type,
            String tgt, String q, String def, Map<String, Object> out) {
        List<Integer> counts = bits == null || bits.isEmpty() ? List.of(1, 10, 100) : bits;
        RandomFaultInjection.Config cfg = new RandomFaultInjection.Config(type, counts, trials, seed, layers);
        RandomFaultInjection.Result r;
        Map<String, Object> dm = null;
        if (tgt.equals("activations")) {
            if (def.equals("checksum")) {
                throw new DlsecException("--defence checksum protects int8 weights, not activations (use range)");
            }
            List<org.dlsec.attack.fault.ActivationHook> extra = new ArrayList<>();
            if (def.equals("range")) {
                LayerHookClassifier net = new LayerHookClassifier(c, List.of());
                List<Integer> guarded = layers == null || layers.isEmpty() ? net.weightLayers() : layers;
                ActivationRangeGuard guard = ActivationRangeGuard.profile(net, guarded, trainSample(2000));
                extra.add(guard);
                dm = Map.of("defence", "range", "layers", guarded, "profiledOn", "2000 training samples");
            }
            r = RandomFaultInjection.onActivations(c, d, cfg, extra, !quiet);
        } else if (q.equals("none")) {
            if (!def.equals("none")) {
                throw new DlsecException("--defence " + def + " is not available for float32 weights");
            }
            r = RandomFaultInjection.onFloatWeights(c, d, cfg, !quiet);
        } else {
            if (def.equals("range")) {
                throw new DlsecException("--defence range guards activations; use checksum for int8 weights");
            }
            try (QuantizedModel qm = QuantizedModel.quantize(c, gran)) {
                Consumer<QuantizedModel> recovery = null;
                if (def.equals("checksum")) {
                    ChecksumGuard guard = ChecksumGuard.protect(qm, groupSize, seed, sig, rec);
                    recovery = guard::checkAndRecover;
                    dm = Map.of("defence", "checksum", "signature", sig.cliName(), "groupSize", groupSize,
                            "recovery", rec.cliName());
                }
                r = RandomFaultInjection.onCodes(qm, d, cfg, recovery, !quiet);
                out.put("int8Accuracy", r.cleanAccuracy());
                System.out.printf("int8 accuracy %.2f%%%n", 100 * r.cleanAccuracy());
            }
        }
        out.put("target", r.target().cliName());
        out.put("parameters", cfg.parameters());
        out.put("distributions", r.distributions());
        out.put("seconds", r.seconds());
        if (dm != null) {
            out.put("defence", dm);
        }
        for (AccuracyDistribution a : r.distributions()) {
            System.out.printf("%s %s N=%d (%d trials): mean %.2f%%  min %.2f%%  p5 %.2f%%  median %.2f%%  p95 %.2f%%%n",
                    r.target().cliName(), type.cliName(), a.faults(), a.trials(), 100 * a.mean(), 100 * a.min(),
                    100 * a.p5(), 100 * a.median(), 100 * a.p95());
        }
    }

    private void trojan(DjlClassifier c, Dataset d, String def, String tgt, Map<String, Object> out) {
        if (!def.equals("none")) {
            throw new DlsecException("--defence is not available for the trojan mode");
        }
        Dataset train = data.load("train");
        Dataset calibration = train.sample(Math.min(5000, train.size()), seed);
        HardwareTrojan trojan = HardwareTrojan.design(c, calibration, trojanTarget);
        Classifier infected = trojan.infect(c);
        Evaluation.Result base = Evaluation.evaluate(c, d, Evaluation.DEFAULT_BATCH, false);
        Evaluation.Result clean = Evaluation.evaluate(infected, d, Evaluation.DEFAULT_BATCH, false);
        long firedOnClean = trojan.fired();
        int[] keep = java.util.stream.IntStream.range(0, d.size()).filter(i -> d.label(i) != trojanTarget).toArray();
        Dataset victims = trojan.stamp(d.subset(keep, "labels other than the trojan target"));
        Evaluation.Result triggered = Evaluation.evaluate(infected, victims, Evaluation.DEFAULT_BATCH, false);
        int hits = 0;
        for (int p : triggered.predictions()) {
            hits += p == trojanTarget ? 1 : 0;
        }
        int changed = 0;
        for (int i = 0; i < d.size(); i++) {
            changed += base.predictions()[i] != clean.predictions()[i] ? 1 : 0;
        }
        double success = (double) hits / victims.size();
        out.put("trojan", trojan.design().describe());
        out.put("cleanAccuracy", base.accuracy());
        out.put("trojanedCleanAccuracy", clean.accuracy());
        out.put("changedCleanPredictions", changed);
        out.put("firedOnClean", firedOnClean);
        out.put("triggerSuccessRate", success);
        out.put("triggeredSamples", victims.size());
        System.out.printf("trojan (neuron %s, target %d): clean accuracy %.2f%% -> %.2f%% (%d predictions changed,"
                + " fired on %d clean inputs); trigger success %.2f%% on %d inputs%n",
                trojan.design().describe().get("neuron"), trojanTarget, 100 * base.accuracy(), 100 * clean.accuracy(),
                changed, firedOnClean, 100 * success, victims.size());
    }
}
