package org.dlsec.cli;

import java.nio.file.Path;
import java.util.Map;
import org.dlsec.attack.sidechannel.Countermeasure;
import org.dlsec.attack.sidechannel.LeakageModel;
import org.dlsec.attack.sidechannel.SideChannelAttack;
import org.dlsec.attack.sidechannel.SideChannelAttacks;
import org.dlsec.attack.sidechannel.SideChannelVictim;
import org.dlsec.audit.LoopbackServing;
import org.dlsec.core.AtomicFiles;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Progress;
import org.dlsec.core.Provenance;
import org.dlsec.data.Dataset;
import org.dlsec.experiment.CommandOutput;
import org.dlsec.experiment.SideChannelOutcome;
import org.dlsec.model.Classifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code dlsec sidechannel}: the timing and (simulated) power side channels, with their countermeasures. */
@Command(name = "sidechannel", mixinStandardHelpOptions = true,
        description = "Side-channel attacks on a model's implementation: timing (depth from the latency of a served"
                + " model, Duddu et al. 2018) or power (CPA weight extraction from simulated int8 MAC traces, Batina"
                + " et al. 2019); optional shuffle, mask, constant-time or random-delay defence.")
final class SideChannelCommand extends OutcomeCommand.Seeded {
    @Option(names = "--model", required = true, description = "dlsec model directory (power: a LeNet-5, MLP or softmax"
            + " model with an int8 path; timing: its input shape and classes fix the candidates').")
    Path model;

    @Mixin
    DataOptions data;

    @Option(names = "--attack", required = true, description = "timing or power.")
    String attack;

    @Option(names = "--traces", description = "power: simulated traces per layer (default 5000); timing: timed queries"
            + " per served model (default 1000: 200 resolved only depth 2 from the deeper ones, BENCHMARKS.md).")
    Integer traces;

    @Option(names = "--noise", defaultValue = "1", description = "power: Gaussian noise σ in Hamming-weight units"
            + " (default: ${DEFAULT-VALUE}).")
    double noise;

    @Option(names = "--defence", defaultValue = "none", description = "none, shuffle or mask (power), constant-time or"
            + " random-delay (timing) (default: ${DEFAULT-VALUE}).")
    String defence;

    @Option(names = "--leakage", defaultValue = "hw", description = "power: hw (Hamming weight) or hd (Hamming distance)"
            + " (default: ${DEFAULT-VALUE}).")
    String leakage;

    @Option(names = "--layers", defaultValue = "1", description = "power: MAC layers recovered in turn from the first;"
            + " 0 = all, then the extracted model is compared with the original on the --split (--limit) images (default: ${DEFAULT-VALUE}).")
    int layers;

    @Option(names = "--inputs", defaultValue = "random", description = "power: random (chosen bytes) or images"
            + " (known images of the training split) (default: ${DEFAULT-VALUE}).")
    String inputs;

    @Option(names = "--budget", defaultValue = "50", description = "timing: constant-time latency budget, or largest"
            + " random delay, in ms (default: ${DEFAULT-VALUE}).")
    double budget;

    @Option(names = "--load", defaultValue = "0", description = "timing: background threads of an extra load trial"
            + " (default: ${DEFAULT-VALUE}).")
    int load;

    @Option(names = "--profiles", defaultValue = "2", description = "timing: profiled instances per candidate"
            + " (default: ${DEFAULT-VALUE}).")
    int profiles;

    @Option(names = "--plot", paramLabel = "FILE.png", description = "power: the recovery curve; timing: latency vs"
            + " depth, as a PNG.")
    Path plot;

    @Mixin
    ModelFlags modelFlags = new ModelFlags();

    @Override
    public Integer call() {
        Outputs.file(json, "--json");
        Outputs.file(plot, "--plot");
        Progress.setEnabled(!quiet);
        String name = SideChannelAttacks.canonical(attack);
        Countermeasure c = Countermeasure.parse(defence);
        boolean images;
        try {
            images = SideChannelAttacks.knownImages(inputs);
        } catch (DlsecException e) {
            throw new DlsecException("invalid --inputs: " + e.getMessage());
        }
        int n = traces != null ? traces : name.equals("power") ? 5000 : 1000;
        SideChannelAttacks.Params p = new SideChannelAttacks.Params(n, noise, LeakageModel.parse(leakage), c, layers,
                images, budget, load, profiles, 0, seed);
        SideChannelAttack a = SideChannelAttacks.create(name, p); // every check before any data is read
        Dataset test = data.load();
        Dataset train = data.loadAll("train");
        CommandOutput out;
        Map<String, Object> outcome;
        try (Classifier loaded = modelFlags.load(model, test)) {
            Provenance prov = loaded.startProvenance(test.origin(),
                    a.parameters(), seed);
            SideChannelVictim v = new SideChannelVictim(loaded, loaded.info().sha256(), train, test,
                    name.equals("timing") ? LoopbackServing.deployment(seed) : null);
            SideChannelAttack.Result r = a.run(v, !quiet);
            SideChannelOutcome o = new SideChannelOutcome(r);
            o.summary().forEach(System.out::println);
            outcome = o.json();
            if (plot != null) {
                AtomicFiles.write(plot, SideChannelPlot.png(r));
                System.out.println("plot written to " + plot);
            }
            out = CommandOutput.of("sidechannel", outcome).withModel(loaded.info(), ModelFlags.describe(loaded))
                    .withData(test, true).finishing(prov);
        }
        out.write(json);
        return Main.EXIT_OK;
    }
}
