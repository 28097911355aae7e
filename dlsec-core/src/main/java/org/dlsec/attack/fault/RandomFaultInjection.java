package org.dlsec.attack.fault;

import ai.djl.nn.Parameter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Progress;
import org.dlsec.core.Seeds;
import org.dlsec.data.Dataset;
import org.dlsec.metric.Evaluation;
import org.dlsec.model.DjlClassifier;

/**
 * Random fault-injection campaigns: for every fault count N and every trial t, N distinct bit
 * positions are drawn uniformly (trial seed {@code Seeds.mix(Seeds.mix(seed, N), t)}), the faults
 * are applied, the accuracy is measured and the faults are undone. The result is the accuracy
 * distribution per N. Weight faults hit the convolution and linear weights (not biases); their bit
 * space is (number of weights) × 8 for int8 codes and × 32 for float32.
 */
public final class RandomFaultInjection implements FaultAttack {
    /**
     * One campaign.
     *
     * @param type what a fault does to its bit
     * @param counts the fault counts N (per model for weights, per sample for activations)
     * @param trials trials per count, at least 1
     * @param seed seed of the fault positions
     * @param layers the hooked layers for activation faults (indices among the network's children)
     */
    public record Config(FaultType type, List<Integer> counts, int trials, long seed, List<Integer> layers) {
        /**
         * Checks every parameter.
         *
         * @param type what a fault does to its bit
         * @param counts the fault counts N (per model for weights, per sample for activations)
         * @param trials trials per count, at least 1
         * @param seed seed of the fault positions
         * @param layers the hooked layers for activation faults (indices among the network's children)
         * @throws org.dlsec.core.DlsecException when a parameter is out of range; the message names it
         */
        public Config {
            DlsecException.require(counts != null && !counts.isEmpty(), "bits", "give at least one fault count");
            for (int n : counts) {
                DlsecException.require(n >= 0, "bits", "fault counts must be non-negative, got " + n);
            }
            DlsecException.require(trials >= 1, "trials", "must be at least 1, got " + trials);
            counts = List.copyOf(counts);
            layers = layers == null ? List.of() : List.copyOf(layers);
        }

        /**
         * The configuration as results record it.
         *
         * @return a new mutable map, ready for the JSON mapper
         */
        public Map<String, Object> parameters() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("faultType", type.cliName());
            m.put("counts", counts);
            m.put("trials", trials);
            m.put("seed", seed);
            if (!layers.isEmpty()) {
                m.put("layers", layers);
            }
            return m;
        }
    }

    /**
     * The accuracy distributions of a campaign.
     *
     * @param target where the faults landed
     * @param cleanAccuracy the accuracy without faults
     * @param distributions one per fault count, in the configuration's order
     * @param seconds the campaign's time
     */
    public record Result(FaultTarget target, double cleanAccuracy, List<AccuracyDistribution> distributions,
            double seconds) implements FaultAttack.Result {}

    private final Config config;

    /**
     * The attack with {@code config}; it is run by one of the static methods for the representation it faults.
     *
     * @param config the campaign
     */
    public RandomFaultInjection(Config config) {
        this.config = java.util.Objects.requireNonNull(config, "config");
    }

    /**
     * The configuration.
     *
     * @return the campaign
     */
    public Config config() {
        return config;
    }

    @Override
    public String name() {
        return "random";
    }

    @Override
    public Map<String, Object> parameters() {
        return config.parameters();
    }

    /** Places the faults where the victim says: int8 codes, float32 weights or activations. */
    @Override
    public Result inject(FaultVictim victim, boolean progress) {
        switch (victim.target()) {
            case ACTIVATIONS:
                return onActivations(victim.model(), victim.data(), config,
                        victim.hooks().activationHooks(victim.model(), config.layers()), progress);
            case FLOAT_WEIGHTS:
                return onFloatWeights(victim.model(), victim.data(), config, progress);
            default:
                try (QuantizedModel q = QuantizedModel.quantize(victim.model(), victim.granularity())) {
                    return onCodes(q, victim.data(), config, victim.hooks().onQuantized(q), progress);
                }
        }
    }

    static long trialSeed(long seed, int n, int trial) {
        return Seeds.mix(Seeds.mix(seed, n), trial);
    }

    /**
     * Faults in the int8 codes of {@code model}. {@code afterFaults} (may be null) runs after the
     * faults are placed and before the accuracy is measured: a run-time defence.
     *
     * @param model the int8 model; its codes are restored after each trial
     * @param eval the samples the accuracy is measured on
     * @param cfg the campaign
     * @param afterFaults the defence run after each trial's faults, or null
     * @param progress whether to show a progress bar on stderr
     * @return the accuracy distributions
     */
    public static Result onCodes(QuantizedModel model, Dataset eval, Config cfg, Consumer<QuantizedModel> afterFaults,
            boolean progress) {
        long start = System.nanoTime();
        long[] offsets = new long[model.layers() + 1];
        for (int l = 0; l < model.layers(); l++) {
            offsets[l + 1] = offsets[l] + model.tensor(l).bits();
        }
        byte[][] clean = model.codes();
        double cleanAcc = Evaluation.accuracy(model.classifier(), eval);
        List<AccuracyDistribution> out = new ArrayList<>();
        try (Progress bar = Progress.start("faults", progress ? (long) cfg.counts().size() * cfg.trials() : 0)) {
            for (int n : cfg.counts()) {
                double[] acc = new double[cfg.trials()];
                for (int t = 0; t < cfg.trials(); t++) {
                    SplittableRandom rnd = new SplittableRandom(trialSeed(cfg.seed(), n, t));
                    for (long p : FaultSite.sample(offsets[model.layers()], n, rnd)) {
                        int l = layerOf(offsets, p);
                        long q = p - offsets[l];
                        QuantizedTensor tensor = model.tensor(l);
                        int index = (int) (q / Bits.INT8_BITS);
                        tensor.setCode(index, cfg.type().apply(tensor.code(index), (int) (q % Bits.INT8_BITS)));
                    }
                    for (int l = 0; l < model.layers(); l++) {
                        model.sync(l);
                    }
                    if (afterFaults != null) {
                        afterFaults.accept(model);
                    }
                    acc[t] = Evaluation.accuracy(model.classifier(), eval);
                    model.setCodes(clean);
                    bar.step(1);
                }
                out.add(AccuracyDistribution.of(n, acc));
            }
        }
        return new Result(FaultTarget.INT8_WEIGHTS, cleanAcc, out, (System.nanoTime() - start) / 1e9);
    }

    /**
     * Faults in the float32 convolution and linear weights of {@code classifier}, restored afterwards.
     *
     * @param classifier the network; its weights are restored afterwards
     * @param eval the samples the accuracy is measured on
     * @param cfg the campaign
     * @param progress whether to show a progress bar on stderr
     * @return the accuracy distributions
     */
    public static Result onFloatWeights(DjlClassifier classifier, Dataset eval, Config cfg, boolean progress) {
        long start = System.nanoTime();
        try (WeightSnapshot snap = WeightSnapshot.of(classifier);
                Progress bar = Progress.start("faults", progress ? (long) cfg.counts().size() * cfg.trials() : 0)) {
            List<String> names = new ArrayList<>();
            for (String name : snap.names()) {
                if (QuantizedModel.isQuantisable(snap.parameter(name))) {
                    names.add(name);
                }
            }
            long[] offsets = new long[names.size() + 1];
            for (int l = 0; l < names.size(); l++) {
                offsets[l + 1] = offsets[l] + snap.parameter(names.get(l)).getArray().size() * Bits.FLOAT_BITS;
            }
            double cleanAcc = Evaluation.accuracy(classifier, eval);
            List<AccuracyDistribution> out = new ArrayList<>();
            for (int n : cfg.counts()) {
                double[] acc = new double[cfg.trials()];
                for (int t = 0; t < cfg.trials(); t++) {
                    SplittableRandom rnd = new SplittableRandom(trialSeed(cfg.seed(), n, t));
                    float[][] w = new float[names.size()][];
                    for (long p : FaultSite.sample(offsets[names.size()], n, rnd)) {
                        int l = layerOf(offsets, p);
                        if (w[l] == null) {
                            w[l] = snap.saved(names.get(l));
                        }
                        long q = p - offsets[l];
                        int index = (int) (q / Bits.FLOAT_BITS);
                        w[l][index] = cfg.type().apply(w[l][index], (int) (q % Bits.FLOAT_BITS));
                    }
                    for (int l = 0; l < names.size(); l++) {
                        if (w[l] != null) {
                            WeightSnapshot.write(snap.parameter(names.get(l)), w[l]);
                        }
                    }
                    acc[t] = Evaluation.accuracy(classifier, eval);
                    snap.restore();
                    bar.step(1);
                }
                out.add(AccuracyDistribution.of(n, acc));
            }
            return new Result(FaultTarget.FLOAT_WEIGHTS, cleanAcc, out, (System.nanoTime() - start) / 1e9);
        }
    }

    /**
     * Faults in the float32 outputs of {@code cfg.layers()} (all convolution and linear layers when
     * empty) of {@code classifier}: N faults per sample and forward pass. {@code extraHooks} run after
     * the fault hook (e.g. an activation range check).
     *
     * @param classifier the network; not changed
     * @param eval the samples the accuracy is measured on
     * @param cfg the campaign
     * @param extraHooks hooks run after the fault hook, possibly empty
     * @param progress whether to show a progress bar on stderr
     * @return the accuracy distributions
     */
    public static Result onActivations(DjlClassifier classifier, Dataset eval, Config cfg, List<ActivationHook> extraHooks,
            boolean progress) {
        long start = System.nanoTime();
        LayerHookClassifier probe = new LayerHookClassifier(classifier, List.of());
        List<Integer> layers = cfg.layers().isEmpty() ? probe.weightLayers() : cfg.layers();
        for (int l : layers) {
            DlsecException.require(l >= 0 && l < probe.layerCount(), "layers",
                    "layer " + l + " outside 0.." + (probe.layerCount() - 1));
        }
        long[] sizes = probe.outputSizes();
        double cleanAcc = Evaluation.accuracy(classifier, eval);
        List<AccuracyDistribution> out = new ArrayList<>();
        try (Progress bar = Progress.start("faults", progress ? (long) cfg.counts().size() * cfg.trials() : 0)) {
            for (int n : cfg.counts()) {
                ActivationFaults faults = new ActivationFaults(layers, sizes, n, cfg.type(), 0);
                List<ActivationHook> hooks = new ArrayList<>();
                hooks.add(faults);
                if (extraHooks != null) {
                    hooks.addAll(extraHooks);
                }
                LayerHookClassifier hooked = new LayerHookClassifier(classifier, hooks);
                double[] acc = new double[cfg.trials()];
                for (int t = 0; t < cfg.trials(); t++) {
                    faults.reset(trialSeed(cfg.seed(), n, t));
                    acc[t] = Evaluation.accuracy(hooked, eval);
                    bar.step(1);
                }
                out.add(AccuracyDistribution.of(n, acc));
            }
        }
        return new Result(FaultTarget.ACTIVATIONS, cleanAcc, out, (System.nanoTime() - start) / 1e9);
    }

    private static int layerOf(long[] offsets, long p) {
        int l = 0;
        while (p >= offsets[l + 1]) {
            l++;
        }
        return l;
    }
}
