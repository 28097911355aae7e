package org.dlsec.attack.fault;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Progress;
import org.dlsec.data.Dataset;
import org.dlsec.metric.Evaluation;
import org.dlsec.model.Engines;

/**
 * The progressive Bit-Flip Attack (BFA) of Rakin, He and Fan, "Bit-Flip Attack: Crushing Neural
 * Network with Progressive Bit Search" (ICCV 2019), on the int8 codes of a {@link QuantizedModel}.
 *
 * <p>Each step: (1) one gradient call gives ∂L/∂w on the attacker's batch, hence ∂L/∂code = ∂L/∂w ·
 * scale; (2) in-layer search: in every layer, every bit b of every code c is scored by the first-order
 * loss change of flipping it, ∂L/∂code · Δ(c, b), where Δ is +2^b or -2^b (∓128 for the sign bit) in
 * two's complement; the {@code bitsPerStep} highest positive scores form the layer's candidate — the
 * paper ranks |∂L/∂b| and flips only bits whose flip follows the gradient sign, which selects the same
 * bits; (3) cross-layer search: each layer's candidate is applied in turn, the batch loss measured
 * exactly with a forward pass, and the flip is undone; the candidate with the highest loss is kept.
 * The attack stops when the accuracy on the evaluation set reaches {@code stopAccuracy} or after
 * {@code maxFlips} flips. A bit already flipped is not flipped back (the paper does not say; this only
 * prevents oscillation).
 *
 * <p>Extension (off by default): with {@code candidatesPerLayer} m &gt; 1, the cross-layer search
 * measures the exact loss of each of the m best single bits of every layer instead of only the best
 * one; m = 1 is the paper's search.
 */
public final class BitFlipAttack implements FaultAttack {
    /**
     * @param maxFlips     budget of bit flips
     * @param bitsPerStep  bits flipped together per step (n_b in the paper; 1 for the classic BFA)
     * @param stopAccuracy stop as soon as the evaluation accuracy is at most this (e.g. 0.11, chance + 1 point)
     * @param candidatesPerLayer bits per layer whose exact loss the cross-layer search compares (1: the paper's search;
     *        more needs one bit per step)
     */
    public record Config(int maxFlips, int bitsPerStep, double stopAccuracy, int candidatesPerLayer) {
        /**
         * The paper's search: one candidate per layer.
         *
         * @param maxFlips budget of bit flips
         * @param bitsPerStep bits flipped together per step (n_b in the paper; 1 for the classic BFA)
         * @param stopAccuracy stop as soon as the evaluation accuracy is at most this (e.g. 0.11, chance + 1 point)
         */
        public Config(int maxFlips, int bitsPerStep, double stopAccuracy) {
            this(maxFlips, bitsPerStep, stopAccuracy, 1);
        }

        /**
         * Checks every parameter.
         *
         * @param maxFlips budget of bit flips
         * @param bitsPerStep bits flipped together per step (n_b in the paper; 1 for the classic BFA)
         * @param stopAccuracy stop as soon as the evaluation accuracy is at most this (e.g. 0.11, chance + 1 point)
         * @param candidatesPerLayer bits per layer whose exact loss the cross-layer search compares (1: the paper's search;
         *        more needs one bit per step)
         * @throws org.dlsec.core.DlsecException when a parameter is out of range; the message names it
         */
        public Config {
            DlsecException.require(candidatesPerLayer >= 1, "candidates per layer",
                    "must be at least 1, got " + candidatesPerLayer);
            DlsecException.require(candidatesPerLayer == 1 || bitsPerStep == 1, "candidates per layer",
                    "several candidates per layer need one bit per step");
            DlsecException.require(maxFlips >= 1, "flips", "must be at least 1, got " + maxFlips);
            DlsecException.require(bitsPerStep >= 1, "bits per step", "must be at least 1, got " + bitsPerStep);
            DlsecException.require(stopAccuracy >= 0 && stopAccuracy <= 1, "stop accuracy",
                    "must be in [0, 1], got " + stopAccuracy);
        }

        /**
         * The configuration as results record it.
         *
         * @return a new mutable map, ready for the JSON mapper
         */
        public Map<String, Object> parameters() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("maxFlips", maxFlips);
            m.put("bitsPerStep", bitsPerStep);
            m.put("stopAccuracy", stopAccuracy);
            m.put("candidatesPerLayer", candidatesPerLayer);
            return m;
        }
    }

    /** One flipped bit: the weight, the code before and after, and the state after the step. */
    public record Flip(int step, int layer, String tensor, int index, int bit, int before, int after, double loss,
            double accuracy) {}

    /**
     * @param curve        accuracy on the evaluation set after 0, 1, 2, … flips
     * @param flipsToStop  flips used when the accuracy first reached the stop level, or -1 if never
     */
    public record Result(double cleanAccuracy, double cleanLoss, List<Flip> flips, List<Double> curve, int flipsToStop,
            double finalAccuracy, int gradientCalls, double seconds) implements FaultAttack.Result {}

    private final Config config;
    private final int attackSamples;

    /**
     * The attack with {@code config}, its attacker holding 128 training samples.
     *
     * @param config the budget and the stop level
     */
    public BitFlipAttack(Config config) {
        this(config, 128);
    }

    /**
     * The attack with {@code config}, its attacker holding {@code attackSamples} training samples.
     *
     * @param config the budget and the stop level
     * @param attackSamples the attacker's batch size, at least 1
     * @throws org.dlsec.core.DlsecException when {@code attackSamples} is below 1
     */
    public BitFlipAttack(Config config, int attackSamples) {
        DlsecException.require(attackSamples >= 1, "attack samples", "must be at least 1, got " + attackSamples);
        this.config = config;
        this.attackSamples = attackSamples;
    }

    @Override
    public int attackerSamples() {
        return attackSamples;
    }

    /**
     * Quantises the victim's weights to int8, runs the attack with the victim's attacker data as its batch, and undoes
     * the flips.
     */
    @Override
    public Result inject(FaultVictim victim, boolean progress) {
        DlsecException.require(victim.target() == FaultTarget.INT8_WEIGHTS, "fault target",
                "the Bit-Flip Attack flips bits of int8 weight codes, not " + victim.target().cliName());
        DlsecException.require(victim.attackerData() != null, "attacker data", "the Bit-Flip Attack needs the attacker's batch");
        try (QuantizedModel q = QuantizedModel.quantize(victim.model(), victim.granularity())) {
            victim.hooks().onQuantized(q);
            Result r = run(q, victim.attackerData(), victim.data(), progress);
            victim.hooks().afterBitFlips(q, r);
            return r;
        }
    }

    /**
     * The configuration.
     *
     * @return the budget and the stop level
     */
    public Config config() {
        return config;
    }

    @Override
    public String name() {
        return "bfa";
    }

    @Override
    public Map<String, Object> parameters() {
        return config.parameters();
    }

    /**
     * Attacks {@code model} with the attacker's batch {@code attackData} and measures the accuracy on
     * {@code evalData} after every flip. The flips stay in the model's codes (call
     * {@link QuantizedModel#resetCodes()} to undo them).
     *
     * @param model the int8 model; its codes are changed
     * @param attackData the attacker's batch (e.g. 128 training samples)
     * @param evalData the samples the accuracy is measured on
     * @param progress whether to show a progress bar on stderr
     * @return the flips made and the accuracy after each
     */
    public Result run(QuantizedModel model, Dataset attackData, Dataset evalData, boolean progress) {
        DlsecException.require(attackData.size() > 0, "attack data", "is empty");
        DlsecException.require(evalData.size() > 0, "evaluation data", "is empty");
        long start = System.nanoTime();
        List<Parameter> params = new ArrayList<>();
        for (QuantizedTensor t : model.tensors()) {
            params.add(model.original().parameter(t.name()));
        }
        List<Flip> flips = new ArrayList<>();
        List<Double> curve = new ArrayList<>();
        Set<Long> used = new HashSet<>();
        int gradientCalls = 0;
        try (NDManager m = Engines.newManager();
                Progress bar = Progress.start("bfa", progress ? config.maxFlips() : 0)) {
            NDArray x = attackData.images(m, 0, attackData.size());
            NDArray y = attackData.labels(m, 0, attackData.size());
            double clean = Evaluation.accuracy(model.classifier(), evalData);
            double cleanLoss = Losses.meanCrossEntropy(model.classifier(), x, y);
            curve.add(clean);
            int flipsToStop = clean <= config.stopAccuracy() ? 0 : -1;
            double accuracy = clean;
            int step = 0;
            while (flips.size() < config.maxFlips() && flipsToStop < 0) {
                WeightGradients.Result g = WeightGradients.compute(model.classifier(), params, x, y);
                gradientCalls++;
                int bestLayer = -1;
                double bestLoss = Double.NEGATIVE_INFINITY;
                List<long[]> bestCandidate = null;
                for (int l = 0; l < model.layers(); l++) {
                    int k = Math.min(config.bitsPerStep(), config.maxFlips() - flips.size());
                    List<long[]> ranked = inLayerSearch(model.tensor(l), g.gradients()[l],
                            Math.max(k, config.candidatesPerLayer()), l, used);
                    List<List<long[]>> options = new ArrayList<>();
                    if (config.candidatesPerLayer() == 1) {
                        if (!ranked.isEmpty()) {
                            options.add(ranked);
                        }
                    } else {
                        for (long[] c : ranked) {
                            options.add(List.of(c));
                        }
                    }
                    for (List<long[]> cand : options) {
                        byte[] saved = model.tensor(l).codes();
                        for (long[] c : cand) {
                            model.tensor(l).setCode((int) c[1], Bits.flip(model.tensor(l).code((int) c[1]), (int) c[2]));
                        }
                        model.sync(l);
                        double loss = Losses.meanCrossEntropy(model.classifier(), x, y);
                        model.tensor(l).setCodes(saved);
                        model.sync(l);
                        if (loss > bestLoss) {
                            bestLoss = loss;
                            bestLayer = l;
                            bestCandidate = cand;
                        }
                    }
                }
                if (bestCandidate == null) {
                    break; // no bit whose flip raises the loss to first order
                }
                step++;
                QuantizedTensor t = model.tensor(bestLayer);
                List<int[]> applied = new ArrayList<>();
                for (long[] c : bestCandidate) {
                    int index = (int) c[1];
                    int bit = (int) c[2];
                    byte before = t.code(index);
                    t.setCode(index, Bits.flip(before, bit));
                    used.add(key(bestLayer, index, bit));
                    applied.add(new int[] {index, bit, before, t.code(index)});
                }
                model.sync(bestLayer);
                accuracy = Evaluation.accuracy(model.classifier(), evalData);
                for (int[] a : applied) {
                    flips.add(new Flip(step, bestLayer, t.name(), a[0], a[1], a[2], a[3], bestLoss, accuracy));
                    curve.add(accuracy);
                }
                bar.step(applied.size());
                if (accuracy <= config.stopAccuracy()) {
                    flipsToStop = flips.size();
                }
            }
            return new Result(clean, cleanLoss, flips, curve, flipsToStop, accuracy, gradientCalls,
                    (System.nanoTime() - start) / 1e9);
        }
    }

    /** The k bits of layer {@code l} with the largest positive first-order loss increase, best first. */
    static List<long[]> inLayerSearch(QuantizedTensor t, float[] weightGrad, int k, int l, Set<Long> used) {
        // a small sorted array of the best k (score, index, bit)
        double[] scores = new double[k];
        int[] idx = new int[k];
        int[] bits = new int[k];
        int n = 0;
        for (int i = 0; i < t.size(); i++) {
            double gc = (double) weightGrad[i] * t.scale(i);
            if (gc == 0.0 || Double.isNaN(gc)) {
                continue;
            }
            byte c = t.code(i);
            for (int b = 0; b < Bits.INT8_BITS; b++) {
                double s = gc * Bits.flipDelta(c, b);
                if (s <= 0 || (n == k && s <= scores[k - 1]) || used.contains(key(l, i, b))) {
                    continue;
                }
                int pos = n < k ? n++ : k - 1;
                while (pos > 0 && scores[pos - 1] < s) {
                    scores[pos] = scores[pos - 1];
                    idx[pos] = idx[pos - 1];
                    bits[pos] = bits[pos - 1];
                    pos--;
                }
                scores[pos] = s;
                idx[pos] = i;
                bits[pos] = b;
            }
        }
        List<long[]> out = new ArrayList<>();
        for (int j = 0; j < n; j++) {
            out.add(new long[] {l, idx[j], bits[j]});
        }
        return out;
    }

    private static long key(int layer, int index, int bit) {
        return ((long) layer << 40) | ((long) index << 3) | bit;
    }
}
