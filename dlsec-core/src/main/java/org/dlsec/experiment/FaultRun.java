package org.dlsec.experiment;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.dlsec.attack.fault.ActivationHook;
import org.dlsec.attack.fault.BitFlipAttack;
import org.dlsec.attack.fault.FaultAttack;
import org.dlsec.attack.fault.FaultAttacks;
import org.dlsec.attack.fault.FaultTarget;
import org.dlsec.attack.fault.FaultVictim;
import org.dlsec.attack.fault.LayerHookClassifier;
import org.dlsec.attack.fault.QuantizedModel;
import org.dlsec.attack.fault.RandomFaultInjection;
import org.dlsec.attack.fault.TrojanInsertion;
import org.dlsec.core.DlsecException;
import org.dlsec.data.Dataset;
import org.dlsec.defence.integrity.ActivationRangeGuard;
import org.dlsec.defence.integrity.ChecksumGuard;
import org.dlsec.model.NormalizedClassifier;
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

    /**
     * Why {@code model} cannot take fault experiments, or null when it can.
     *
     * @param model the classifier
     * @return a one-line reason (e.g. a black-box model), or null
     */
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
     *
     * @param spec the experiment
     * @param model a dlsec or TorchScript classifier, possibly behind a normalising wrapper; its weights are changed
     *        during {@link #run} and restored afterwards, so it must not be used concurrently
     * @param test the evaluation data
     * @param train supplies the training split; called only when the experiment needs it
     * @return the prepared run
     * @throws org.dlsec.core.DlsecException when the model cannot take fault experiments
     */
    public static FaultRun prepare(FaultSpec spec, Classifier model, Dataset test, Supplier<Dataset> train) {
        NormalizedClassifier norm = model instanceof NormalizedClassifier n ? n : null;
        Classifier inner = norm == null ? model : norm.inner();
        UnaryOperator<Dataset> view = norm == null ? x -> x : x -> normalised(norm, x);
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

    /**
     * The model that takes the faults (behind any normalising wrapper).
     *
     * @return the DJL classifier
     */
    public DjlClassifier model() {
        return c;
    }

    /**
     * The evaluation data as that model sees it.
     *
     * @return the data, normalised when the model is behind a normalising wrapper
     */
    public Dataset data() {
        return d;
    }

    /**
     * Runs the experiment; the model's weights are restored afterwards.
     *
     * @param progress whether to show progress bars on stderr
     * @return what the attack and the defence did
     */
    public FaultOutcome run(boolean progress) {
        double floatAcc = Evaluation.evaluate(c, d, Evaluation.DEFAULT_BATCH, progress).accuracy();
        Dataset attackerData = attack.attackerSamples() > 0 ? trainSample.apply(attack.attackerSamples()) : null;
        FaultTarget target = spec.activations() ? FaultTarget.ACTIVATIONS
                : spec.int8() ? FaultTarget.INT8_WEIGHTS : FaultTarget.FLOAT_WEIGHTS;
        Defences defences = new Defences();
        FaultAttack.Result r = attack.inject(new FaultVictim(c, d, attackerData, target, spec.granularity(), defences),
                progress);
        if (r instanceof BitFlipAttack.Result b) {
            return new FaultOutcome(spec, attack.parameters(), floatAcc, b.cleanAccuracy(), defences.weightBits,
                    attackerData.origin(), attackerData.size(), b, null, null, defences.record);
        }
        if (r instanceof RandomFaultInjection.Result x) {
            return new FaultOutcome(spec, attack.parameters(), floatAcc, target == FaultTarget.INT8_WEIGHTS
                    ? x.cleanAccuracy() : null, defences.weightBits, null, 0, null, x, null, defences.record);
        }
        return new FaultOutcome(spec, attack.parameters(), floatAcc, null, 0, null, 0, null, null,
                (TrojanInsertion.Result) r, null);
    }

    /**
     * The spec's integrity defence, where the injection lets it watch: checksums over the int8 weight groups (checked
     * after each trial's faults, or once after the BFA, counting the flips it caught), or a range check of the hooked
     * layers' activations profiled on the attacker's clean samples. Records what it did, and the int8 attack surface.
     */
    private final class Defences implements FaultVictim.Hooks {
        long weightBits;
        Map<String, Object> record;
        private ChecksumGuard guard;

        @Override
        public Consumer<QuantizedModel> onQuantized(QuantizedModel q) {
            weightBits = q.weights() * 8;
            FaultDefence def = spec.defence();
            if (!def.checksum()) {
                return null;
            }
            guard = ChecksumGuard.protect(q, def.groupSize(), spec.seed(), def.signature(), def.recovery());
            record = Map.of("defence", "checksum", "signature", def.signature().cliName(), "groupSize", def.groupSize(),
                    "recovery", def.recovery().cliName());
            return guard::checkAndRecover;
        }

        @Override
        public void afterBitFlips(QuantizedModel q, BitFlipAttack.Result r) {
            if (guard == null) {
                return;
            }
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
            record = dm;
        }

        @Override
        public List<ActivationHook> activationHooks(DjlClassifier model, List<Integer> layers) {
            if (!spec.defence().range()) {
                return List.of();
            }
            LayerHookClassifier net = new LayerHookClassifier(model, List.of());
            List<Integer> guarded = layers.isEmpty() ? net.weightLayers() : layers;
            record = Map.of("defence", "range", "layers", guarded, "profiledOn",
                    FaultDefence.RANGE_PROFILE_SAMPLES + " training samples");
            return List.of(ActivationRangeGuard.profile(net, guarded, trainSample.apply(FaultDefence.RANGE_PROFILE_SAMPLES)));
        }
    }

    /**
     * {@code data} as the model behind {@code n} sees it, normalised, in memory (faults act on that inner model's
     * weights and activations). Bounds and metadata are the data's.
     */
    private static Dataset normalised(NormalizedClassifier n, Dataset data) {
        int d = data.sampleSize();
        float[] x = new float[Math.multiplyExact(data.size(), d)];
        for (int i = 0; i < data.size(); i++) {
            System.arraycopy(data.image(i), 0, x, i * d, d);
        }
        return data.withPixels(n.normalization().apply(x, data.sampleShape()), data.labels(),
                "normalised (" + n.normalization() + ")");
    }
}
