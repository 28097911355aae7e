package org.dlsec.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.dlsec.attack.fault.FaultAttacks;
import org.dlsec.attack.fault.FaultType;
import org.dlsec.attack.fault.Granularity;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Progress;
import org.dlsec.core.Provenance;
import org.dlsec.core.Text;
import org.dlsec.data.Dataset;
import org.dlsec.experiment.CommandOutput;
import org.dlsec.experiment.FaultDefence;
import org.dlsec.experiment.FaultOutcome;
import org.dlsec.experiment.FaultRun;
import org.dlsec.experiment.FaultSpec;
import org.dlsec.model.Classifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code dlsec fault}: hardware fault attacks (random faults, Bit-Flip Attack, trojan) and integrity defences. */
@Command(name = "fault", mixinStandardHelpOptions = true,
        description = "Hardware fault attacks on a dlsec model: random bit faults, the Bit-Flip Attack, a hardware"
                + " trojan; optional checksum or range defences.")
final class FaultCommand extends OutcomeCommand.Seeded {
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

    @Option(names = "--group-size", defaultValue = "16", description = "Weights per checksum group (default: ${DEFAULT-VALUE}).")
    int groupSize;

    @Option(names = "--attack-samples", defaultValue = "128", description = "BFA: attacker's batch, drawn from the"
            + " training split (default: ${DEFAULT-VALUE}).")
    int attackSamples;

    @Option(names = "--stop-accuracy", description = "BFA: stop at this accuracy (default: chance level plus one point,"
            + " 0.11 for ten classes).")
    Double stopAccuracy;

    @Option(names = "--candidates", defaultValue = "1", description = "BFA: exact-loss candidates per layer in the"
            + " cross-layer search (1 = the paper) (default: ${DEFAULT-VALUE}).")
    int candidates;

    @Option(names = "--trojan-target", defaultValue = "0", description = "Trojan: class forced by the trigger"
            + " (default: ${DEFAULT-VALUE}).")
    int trojanTarget;

    @Mixin
    ModelFlags modelFlags = new ModelFlags();

    @Override
    public Integer call() {
        Outputs.file(json, "--json");
        Progress.setEnabled(!quiet);
        FaultSpec spec = spec();
        if (spec.attack().equals("trojan")) {
            modelFlags.refuse("is not available with --mode trojan: its trigger is designed in the model's own input"
                    + " space; give a model with the normalisation inside");
        }
        modelFlags.normalization();
        Dataset raw = data.load();
        CommandOutput out;
        try (Classifier loaded = modelFlags.load(model, raw)) {
            FaultRun run = FaultRun.prepare(spec, loaded, raw, () -> data.load("train"));
            Classifier c = run.model();
            Dataset d = run.data();
            Provenance prov = c.startProvenance(d.origin(), spec.setup(), seed);
            FaultOutcome o = run.run(!quiet);
            o.summary().forEach(System.out::println);
            out = CommandOutput.of("fault", o.json()).withModel(c.info(), ModelFlags.describe(loaded)).withData(d, true)
                    .finishing(prov);
        }
        out.write(json);
        return Main.EXIT_OK;
    }

    /** The experiment the options describe, validated before any data is read. */
    private FaultSpec spec() {
        String m = FaultAttacks.canonical(mode);
        String tgt = choice(target, "--target", "weights", "activations");
        String q = choice(quantize, "--quantize", "int8", "none");
        FaultAttacks.Params p = FaultAttacks.Params.defaults(seed).withBits(m, bits)
                .withRandom(trials, FaultType.parse(fault), layers)
                .withBfa(attackSamples, stopAccuracy, candidates)
                .withTarget(trojanTarget);
        FaultSpec spec = new FaultSpec(m, p, tgt.equals("activations"), q.equals("int8"), Granularity.parse(granularity),
                FaultDefence.parse(defence, signature, groupSize, recovery));
        FaultAttacks.create(m, p, Integer.MAX_VALUE); // the attack's own checks, before any data is read
        return spec;
    }

    private static String choice(String value, String option, String... allowed) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        if (!List.of(allowed).contains(v)) {
            throw new DlsecException("unknown " + option + " '" + Text.echo(value) + "': expected " + String.join(" or ", allowed));
        }
        return v;
    }
}
