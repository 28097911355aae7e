package org.dlsec.experiment;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import org.dlsec.attack.fault.ActivationHook;
import org.dlsec.attack.fault.BitFlipAttack;
import org.dlsec.attack.fault.FaultAttack;
import org.dlsec.attack.fault.FaultAttacks;
import org.dlsec.attack.fault.HardwareTrojan;
import org.dlsec.attack.fault.LayerHookClassifier;
import org.dlsec.attack.fault.QuantizedModel;
import org.dlsec.attack.fault.RandomFaultInjection;
import org.dlsec.attack.fault.TrojanInsertion;
import org.dlsec.core.DlsecException;
import org.dlsec.data.Dataset;
import org.dlsec.defence.integrity.ActivationRangeGuard;
import org.dlsec.defence.integrity.ChecksumGuard;
import org.dlsec.defence.preprocess.NormalizedClassifier;
import org.dlsec.metric.Evaluation;
import org.dlsec.model.Classifier;
import org.dlsec.model.DjlClassifier;

/**
 * Runs one fault experiment — the same code for {@code dlsec fault} and the audit's {@code faults:} — on a
 * dlsec model directory or a TorchScript module, whose weights are changed in memory and restored after.
 * With a normalising wrapper, the faults go into the model behind it, which sees the data normalised.
 */
public final class FaultRun {
    private final FaultSpec spec;
    private final DjlClassifier c;
    private final Dataset d;
    private final IntFunction<Dataset> trainSample;
    private final FaultAttack attack;

    private FaultRun(FaultSpec spec, DjlClassifier c, Dataset d, IntFunction<Dataset> trainSample, FaultAttack attack) {
        this.spec = spec;
        this.c = c;
        this.d = d;
        this.trainSample = trainSample;
        this.attack = attack;
    }

    /** Why {@code model} cannot take fault experiments, or null when it can. */
    public static String unsupported(Classifier model) {
        Classifier c = model instanceof NormalizedClassifier n ? n.inner() : model;
        if (c instanceof DjlClassifier) {
            return null;
        }
        return "needs a dlsec model directory or a TorchScript file (its weights are changed in memory), not a "
                + model.info().kind() + " model";
    }

    /**
     * Prepares {@code spec} on {@code model}, evaluated on {@code test}; {@code train} gives the training split,
     * from which the attacker's batch (BFA), the trojan's calibration data and the range guard's profile are
     * drawn with the spec's seed when the experiment runs.
     */
    public static FaultRun prepare(FaultSpec spec, Classifier model, Dataset test, Supplier<Dataset> train) {
        NormalizedClassifier norm = model instanceof NormalizedClassifier n ? n : null;
        Classifier inner = norm == null ? model : norm.inner();
        UnaryOperator<Dataset> view = norm == null ? x -> x : norm::normalised;
        if (!(inner instanceof DjlClassifier c)) {
            throw new DlsecException("fault experiments change a model's weights in memory: they need a dlsec model"
                    + " directory or a TorchScript file, not " + inner.info().describe());
        }
        if (spec.activations() && c.isTorchScript()) {
            throw new DlsecException("--target activations needs a dlsec model directory (its layers are run one by"
                    + " one); a TorchScript module's faults go into its weights (--target weights)");
        }
        FaultAttack attack = FaultAttacks.create(spec.attack(), spec.params(), c.numClasses());
        return new FaultRun(spec, c, view.apply(test), n -> {
            Dataset t = train.get();
            DlsecException.require(t.size() >= 1, "attacker data", "is empty");
            return view.apply(t.sample(Math.min(n, t.size()), spec.seed()));
        }, attack);
    }

    /** The model that takes the faults (behind any normalising wrapper). */
    public DjlClassifier model() {
        return c;
    }

    /** The evaluation data as that model sees it. */
    public Dataset data() {
        return d;
    }

    /** Runs the experiment; the model's weights are restored afterwards. */
    public FaultOutcome run(boolean progress) {
        double floatAcc = Evaluation.evaluate(c, d, Evaluation.DEFAULT_BATCH, progress).accuracy();
        if (attack instanceof BitFlipAttack bfa) {
            return bfa(bfa, floatAcc, progress);
        }
        if (attack instanceof RandomFaultInjection random) {
            return random(random, floatAcc, progress);
        }
        return trojan((TrojanInsertion) attack, floatAcc);
    }

    private FaultOutcome bfa(BitFlipAttack attack, double floatAcc, boolean progress) {
        Dataset batch = trainSample.apply(spec.params().attackSamples());
        FaultDefence def = spec.defence();
        try (QuantizedModel q = QuantizedModel.quantize(c, spec.granularity())) {
            ChecksumGuard guard = def.checksum()
                    ? ChecksumGuard.protect(q, def.groupSize(), spec.seed(), def.signature(), def.recovery()) : null;
            BitFlipAttack.Result r = attack.run(q, batch, d, progress);
            Map<String, Object> dm = guard == null ? null : checksumAfterBfa(guard, q, r);
            return new FaultOutcome(spec, attack.parameters(), floatAcc, r.cleanAccuracy(), q.weights() * 8,
                    batch.origin(), batch.size(), r, null, null, dm);
        }
    }

    private Map<String, Object> checksumAfterBfa(ChecksumGuard guard, QuantizedModel q, BitFlipAttack.Result r) {
        ChecksumGuard.Report rep = guard.checkAndRecover(q);
        int detected = 0;
        for (BitFlipAttack.Flip f : r.flips()) {
            if (rep.contains(f.layer(), guard.groupOf(f.layer(), f.index()))) {
                detected++;
            }
        }
        Map<String, Object> dm = new LinkedHashMap<>();
        dm.put("defence", "checksum");
        dm.put("signature", guard.signature().cliName());
        dm.put("groupSize", guard.groupSize());
        dm.put("groups", guard.totalGroups());
        dm.put("flaggedGroups", rep.flagged().size());
        dm.put("detectedFlips", detected);
        dm.put("detectionRate", r.flips().isEmpty() ? 1.0 : (double) detected / r.flips().size());
        dm.put("recovery", guard.recovery().cliName());
        dm.put("recoveredWeights", rep.recoveredWeights());
        dm.put("accuracyAfterRecovery", Evaluation.accuracy(q.classifier(), d));
        return dm;
    }

    private FaultOutcome random(RandomFaultInjection attack, double floatAcc, boolean progress) {
        RandomFaultInjection.Config cfg = attack.config();
        FaultDefence def = spec.defence();
        if (spec.activations()) {
            List<ActivationHook> extra = new ArrayList<>();
            Map<String, Object> dm = null;
            if (def.range()) {
                LayerHookClassifier net = new LayerHookClassifier(c, List.of());
                List<Integer> guarded = cfg.layers().isEmpty() ? net.weightLayers() : cfg.layers();
                extra.add(ActivationRangeGuard.profile(net, guarded, trainSample.apply(FaultDefence.RANGE_PROFILE_SAMPLES)));
                dm = Map.of("defence", "range", "layers", guarded, "profiledOn",
                        FaultDefence.RANGE_PROFILE_SAMPLES + " training samples");
            }
            RandomFaultInjection.Result r = RandomFaultInjection.onActivations(c, d, cfg, extra, progress);
            return new FaultOutcome(spec, attack.parameters(), floatAcc, null, 0, null, 0, null, r, null, dm);
        }
        if (!spec.int8()) {
            RandomFaultInjection.Result r = RandomFaultInjection.onFloatWeights(c, d, cfg, progress);
            return new FaultOutcome(spec, attack.parameters(), floatAcc, null, 0, null, 0, null, r, null, null);
        }
        try (QuantizedModel q = QuantizedModel.quantize(c, spec.granularity())) {
            Consumer<QuantizedModel> recovery = null;
            Map<String, Object> dm = null;
            if (def.checksum()) {
                recovery = ChecksumGuard.protect(q, def.groupSize(), spec.seed(), def.signature(), def.recovery())
                        ::checkAndRecover;
                dm = Map.of("defence", "checksum", "signature", def.signature().cliName(), "groupSize", def.groupSize(),
                        "recovery", def.recovery().cliName());
            }
            RandomFaultInjection.Result r = RandomFaultInjection.onCodes(q, d, cfg, recovery, progress);
            return new FaultOutcome(spec, attack.parameters(), floatAcc, r.cleanAccuracy(), q.weights() * 8, null, 0,
                    null, r, null, dm);
        }
    }

    private FaultOutcome trojan(TrojanInsertion attack, double floatAcc) {
        HardwareTrojan trojan = attack.design(c, trainSample.apply(attack.calibrationSamples()));
        Classifier infected = trojan.infect(c);
        Evaluation.Result base = Evaluation.evaluate(c, d, Evaluation.DEFAULT_BATCH, false);
        Evaluation.Result clean = Evaluation.evaluate(infected, d, Evaluation.DEFAULT_BATCH, false);
        long firedOnClean = trojan.fired();
        int target = attack.target();
        int[] keep = IntStream.range(0, d.size()).filter(i -> d.label(i) != target).toArray();
        Dataset victims = trojan.stamp(d.subset(keep, "labels other than the trojan target"));
        Evaluation.Result triggered = Evaluation.evaluate(infected, victims, Evaluation.DEFAULT_BATCH, false);
        int hits = (int) IntStream.of(triggered.predictions()).filter(p -> p == target).count();
        int changed = (int) IntStream.range(0, d.size()).filter(i -> base.predictions()[i] != clean.predictions()[i])
                .count();
        FaultOutcome.Trojan t = new FaultOutcome.Trojan(trojan.design().describe(), target, base.accuracy(),
                clean.accuracy(), changed, firedOnClean, (double) hits / victims.size(), victims.size());
        return new FaultOutcome(spec, attack.parameters(), floatAcc, null, 0, null, 0, null, null, t, null);
    }
}
