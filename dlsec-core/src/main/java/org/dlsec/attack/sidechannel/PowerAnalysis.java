package org.dlsec.attack.sidechannel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Progress;
import org.dlsec.core.Provenance;
import org.dlsec.core.Seeds;
import org.dlsec.data.Dataset;
import org.dlsec.metric.Evaluation;

/**
 * Weight extraction through the power/EM side channel of an int8 MAC implementation, after Batina, Bhasin, Jap and
 * Picek, "CSI NN: Reverse Engineering of Neural Network Architectures Through Electromagnetic Side Channel" (USENIX
 * Security 2019), on a <em>simulated</em> device ({@link MacDevice}). The attacker feeds inputs it chooses (random
 * bytes) or knows (images), records one trace per inference, and recovers the first layer's weights by
 * {@link Cpa correlation power analysis}, one weight at a time over 256 hypotheses, then each bias byte by byte and the
 * layer's requantisation shift. It then computes the first layer's outputs on its inputs with the recovered values —
 * the known inputs of the second layer — and attacks the second layer the same way, and so on: layer by layer, as in
 * the paper. An error in an early layer corrupts the known inputs of every later one.
 *
 * <p>Chosen inputs are uniform random bytes for the first layer. Each deeper layer gets a campaign of its own (the same
 * number of traces), half on uniform bytes, half on random bytes whose density and range are drawn per input: uniform
 * bytes over the whole image
 * leave some of a deeper layer's input features at zero in every trace (on the demo LeNet-5, 20 of the 400 features
 * entering the first linear layer), and nothing of their weights leaks; sparse and dim inputs switch them on. With
 * known images the attacker has no such choice and one campaign serves every layer.
 *
 * <p>The architecture (layer types, sizes, where the ReLUs and pools are) is taken as known — CSI NN recovers it by simple
 * power analysis of the trace's shape, which this simulation does not model — and so are the attacker's inputs. Each
 * convolution is attacked at one output position (the centre of its map), so a trace carries one MAC sequence per
 * output channel; a linear layer's trace carries every neuron's.
 *
 * <p>The first attacked layer is also analysed on prefixes of the traces (the checkpoints) to give the recovery curve
 * and each weight's traces-to-disclosure: the smallest checkpoint from which the weight is recovered exactly at every
 * later checkpoint.
 *
 * <p>An instance holds only its configuration and can run several victims, one after the other or concurrently; a run
 * is CPU-bound and uses the common fork-join pool. The victim's model is read (its weights are copied out once by
 * {@link Int8Network#quantize}) but neither changed nor closed: the caller owns it and its native memory.
 */
public final class PowerAnalysis implements SideChannelAttack {
    /** The chance of guessing one int8 weight: 1 in 256 hypotheses. */
    public static final double CHANCE = 1.0 / Cpa.HYPOTHESES;
    /** The default recovery-curve checkpoints (those above the budget are dropped; the budget itself is added). */
    public static final List<Integer> CHECKPOINTS = List.of(10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000);
    /** The share of exactly recovered weights the attack's success is judged by (the acceptance). */
    public static final double SUCCESS_SHARE = 0.99;

    /**
     * The attack's parameters.
     *
     * @param traces traces (inferences) recorded per layer, &gt; 0 (default 5000); also the last checkpoint of the
     *        recovery curve
     * @param sigma the standard deviation of the Gaussian noise on every sample, in Hamming-weight units, finite and
     *        &gt; 0 (default 1)
     * @param leakage the leakage model (default {@link LeakageModel#HAMMING_WEIGHT})
     * @param defence the device's countermeasure: {@link Countermeasure#NONE} (default), {@link Countermeasure#SHUFFLE}
     *        or {@link Countermeasure#MASK}
     * @param layers MAC layers attacked in turn from the first, &gt;= 0 (default 1; 0: all, which also compares the
     *        extracted model on the test data); more than the network has means all
     * @param knownImages true: the attacker's inputs are images of its data; false (default): random bytes it chooses
     *        (uniform for the first layer; half uniform, half of random density and range in a new campaign for each
     *        deeper layer)
     * @param testLimit test samples the extracted model is compared on, &gt;= 0 (default 0: all)
     * @param seed seed of the inputs, the noise, the shuffles and the masks
     */
    public record Config(int traces, double sigma, LeakageModel leakage, Countermeasure defence, int layers,
            boolean knownImages, int testLimit, long seed) {
        /**
         * Validates the parameters.
         *
         * @param traces traces (inferences) recorded per layer, &gt; 0 (default 5000); also the last checkpoint of the
         *        recovery curve
         * @param sigma the standard deviation of the Gaussian noise on every sample, in Hamming-weight units, finite
         *        and &gt; 0 (default 1)
         * @param leakage the leakage model (default {@link LeakageModel#HAMMING_WEIGHT})
         * @param defence the device's countermeasure: {@link Countermeasure#NONE} (default), {@link
         *        Countermeasure#SHUFFLE} or {@link Countermeasure#MASK}
         * @param layers MAC layers attacked in turn from the first, &gt;= 0 (default 1; 0: all, which also compares the
         *        extracted model on the test data); more than the network has means all
         * @param knownImages true: the attacker's inputs are images of its data; false (default): random bytes it
         *        chooses (uniform for the first layer; half uniform, half of random density and range in a new campaign
         *        for each deeper layer)
         * @param testLimit test samples the extracted model is compared on, &gt;= 0 (default 0: all)
         * @param seed seed of the inputs, the noise, the shuffles and the masks
         * @throws org.dlsec.core.DlsecException (one line, naming the option) if {@code traces} &lt; 1, {@code sigma}
         *         is not a finite number &gt; 0, {@code layers} or {@code testLimit} is negative, or {@code defence} is
         *         a timing countermeasure
         * @throws NullPointerException if {@code defence} is null
         */
        public Config {
            DlsecException.require(traces > 0, "--traces", "must be at least 1 trace, got " + traces);
            DlsecException.require(Double.isFinite(sigma) && sigma > 0, "--noise",
                    "σ must be a finite number > 0 Hamming-weight units, got " + sigma);
            DlsecException.require(layers >= 0, "--layers", "must be 0 (all) or a positive count, got " + layers);
            DlsecException.require(testLimit >= 0, "--limit", "must be >= 0, got " + testLimit);
            DlsecException.require(defence.appliesToPower(), "--defence",
                    defence.cliName() + " is a timing defence; the power side channel takes shuffle or mask");
        }

        /**
         * The command's defaults: 5000 traces, σ = 1, Hamming-weight leakage, no countermeasure, the first layer only,
         * chosen random inputs, the whole test split.
         *
         * @param seed the seed of every random choice
         * @return the default configuration with that seed
         */
        public static Config defaults(long seed) {
            return new Config(5000, 1.0, LeakageModel.HAMMING_WEIGHT, Countermeasure.NONE, 1, false, 0, seed);
        }

        /**
         * The parameters as recorded in results and {@code --json}.
         *
         * @return a new insertion-ordered map: traces, sigma, leakage and defence (command-line names), layers, inputs
         *         ("known images" or "chosen random bytes"), testLimit, seed
         */
        public Map<String, Object> parameters() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("traces", traces);
            m.put("sigma", sigma);
            m.put("leakage", leakage.cliName());
            m.put("defence", defence.cliName());
            m.put("layers", layers);
            m.put("inputs", knownImages ? "known images" : "chosen random bytes");
            m.put("testLimit", testLimit);
            m.put("seed", seed);
            return m;
        }
    }

    /**
     * One point of the first layer's recovery curve.
     *
     * @param traces the checkpoint: the attack used the first {@code traces} traces
     * @param recovered the share of the layer's weights disclosed at this checkpoint (recovered exactly here and at
     *        every later checkpoint), in [0, 1]
     */
    public record CurvePoint(int traces, double recovered) {}

    /**
     * One layer's recovery.
     *
     * @param layer MAC layer index (0: first)
     * @param kind {@code conv} or {@code linear}
     * @param units output units attacked (all of the layer's)
     * @param weights weights of the layer, units × fan-in
     * @param exact weights recovered exactly, 0..{@code weights}
     * @param unobservable weights whose input was zero in every trace (nothing leaks; set to 0)
     * @param exactObservable weights recovered exactly among the observable ones (the others), 0..{@code
     *        weights − unobservable}
     * @param biasesExact biases recovered exactly, 0..{@code units}
     * @param shiftExact whether the requantisation shift was recovered (null for the logits layer)
     * @param traces traces used
     * @param curve recovery rate at the checkpoints (first layer only; empty otherwise)
     * @param disclosureMedian median traces-to-disclosure over the weights disclosed within the budget (first layer; 0
     *        otherwise)
     * @param disclosureMax the largest (first layer; 0 otherwise)
     * @param undisclosed weights not disclosed within the budget (first layer)
     */
    public record LayerRecovery(int layer, String kind, int units, int weights, int exact, int unobservable,
            int exactObservable, int biasesExact, Boolean shiftExact, int traces, List<CurvePoint> curve,
            int disclosureMedian, int disclosureMax, int undisclosed) {
        /**
         * Copies {@code curve}, which becomes immutable.
         *
         * @param layer MAC layer index (0: first)
         * @param kind {@code conv} or {@code linear}
         * @param units output units attacked (all of the layer's)
         * @param weights weights of the layer, units × fan-in
         * @param exact weights recovered exactly, 0..{@code weights}
         * @param unobservable weights whose input was zero in every trace (nothing leaks; set to 0)
         * @param exactObservable weights recovered exactly among the observable ones (the others), 0..{@code
         *        weights − unobservable}
         * @param biasesExact biases recovered exactly, 0..{@code units}
         * @param shiftExact whether the requantisation shift was recovered (null for the logits layer)
         * @param traces traces used
         * @param curve recovery rate at the checkpoints (first layer only; empty otherwise)
         * @param disclosureMedian median traces-to-disclosure over the weights disclosed within the budget (first
         *        layer; 0 otherwise)
         * @param disclosureMax the largest (first layer; 0 otherwise)
         * @param undisclosed weights not disclosed within the budget (first layer)
         * @throws NullPointerException if {@code curve} or one of its points is null
         */
        public LayerRecovery {
            curve = List.copyOf(curve);
        }

        /**
         * The layer's share of weights recovered exactly.
         *
         * @return {@code exact / weights}, in [0, 1]; 0 for a layer without weights
         */
        public double recovered() {
            return weights == 0 ? 0 : (double) exact / weights;
        }
    }

    /**
     * The extracted model against the original on the test data.
     *
     * @param samples test samples compared (at most the configuration's {@code testLimit})
     * @param floatAccuracy the original float model's accuracy
     * @param int8Accuracy the device's int8 implementation's accuracy
     * @param extractedAccuracy the extracted int8 model's accuracy
     * @param fidelityToInt8 share of samples on which the extracted model predicts what the device predicts
     * @param fidelityToFloat share on which it predicts what the float model predicts
     */
    public record Extraction(int samples, double floatAccuracy, double int8Accuracy, double extractedAccuracy,
            double fidelityToInt8, double fidelityToFloat) {}

    /**
     * What the attack found.
     *
     * @param model the attacked model's source (its file or directory)
     * @param implementation the int8 network (layers, shifts), as {@link Int8Network#toString()} writes it
     * @param config the attack's parameters
     * @param layers per-layer recovery, in attack order
     * @param allLayers whether every MAC layer was attacked
     * @param extraction the extracted model's accuracy and fidelity when every layer was attacked and the victim had
     *        test data, else null
     * @param chance the chance level of one weight, {@link #CHANCE}
     * @param seconds the attack's wall-clock time, in seconds
     * @param provenance the versions, seed, model hash and data of the run
     */
    public record Result(String model, String implementation, Config config, List<LayerRecovery> layers,
            boolean allLayers, Extraction extraction, double chance, double seconds, Provenance provenance)
            implements SideChannelAttack.Result {
        /**
         * Copies {@code layers}, which becomes immutable.
         *
         * @param model the attacked model's source (its file or directory)
         * @param implementation the int8 network (layers, shifts), as {@link Int8Network#toString()} writes it
         * @param config the attack's parameters
         * @param layers per-layer recovery, in attack order
         * @param allLayers whether every MAC layer was attacked
         * @param extraction the extracted model's accuracy and fidelity when every layer was attacked and the victim
         *        had test data, else null
         * @param chance the chance level of one weight, {@link #CHANCE}
         * @param seconds the attack's wall-clock time, in seconds
         * @param provenance the versions, seed, model hash and data of the run
         * @throws NullPointerException if {@code layers} or one of its elements is null
         */
        public Result {
            layers = List.copyOf(layers);
        }

        /**
         * {@inheritDoc}
         *
         * @return {@code power}
         */
        @Override
        public String attack() {
            return "power";
        }

        @Override
        public Countermeasure defence() {
            return config.defence();
        }

        /**
         * The first layer's share of weights recovered exactly, with all the traces.
         *
         * @return in [0, 1]; 0 if no layer was attacked
         */
        public double firstLayerRecovered() {
            return layers.isEmpty() ? 0 : layers.get(0).recovered();
        }

        /**
         * Whether the weights were extracted under the acceptance rule.
         *
         * @return true when at least {@value #SUCCESS_SHARE} of the first layer's weights were recovered exactly within
         *         the trace budget
         */
        @Override
        public boolean succeeded() {
            return firstLayerRecovered() >= SUCCESS_SHARE;
        }
    }

    private final Config config;

    /**
     * A power analysis with the given parameters; nothing runs until {@link #run}.
     *
     * @param config the attack's parameters, already validated by its constructor
     */
    public PowerAnalysis(Config config) {
        this.config = config;
    }

    /**
     * The attack's parameters.
     *
     * @return the configuration given to the constructor
     */
    public Config config() {
        return config;
    }

    @Override
    public String name() {
        return "power";
    }

    @Override
    public Map<String, Object> parameters() {
        return config.parameters();
    }

    @Override
    public Result run(SideChannelVictim victim, boolean progress) {
        long start = System.nanoTime();
        Provenance prov = Provenance.start(victim.modelSha256(), victim.model().info().source(),
                victim.attackerData().name() + "/" + victim.attackerData().split(), parameters(), config.seed());
        Int8Network device = Int8Network.quantize(victim.model(), victim.attackerData());
        int attacked = config.layers() == 0 ? device.layerCount() : Math.min(config.layers(), device.layerCount());
        MacDevice probe = new MacDevice(config.leakage(), config.sigma(), config.defence(), Seeds.mix(config.seed(), 7));
        int n = config.traces();
        int[][] trueIn = inputs(device, victim.attackerData(), n);
        int[][] knownIn = new int[n][];
        for (int t = 0; t < n; t++) {
            knownIn[t] = trueIn[t].clone();
        }
        Int8Network recovered = device;
        List<LayerRecovery> out = new ArrayList<>();
        long work = 0;
        for (int l = 0; l < attacked; l++) {
            work += (long) device.layer(l).units() * device.layer(l).fanIn();
        }
        try (Progress bar = progress ? Progress.start("power CPA", (int) Math.min(Integer.MAX_VALUE, work))
                : Progress.none()) {
            for (int l = 0; l < attacked; l++) {
                LayerOutcome o = attackLayer(device, l, probe, trueIn, knownIn, n, l == 0, bar);
                out.add(o.recovery);
                recovered = recovered.withLayer(l, o.codes, o.bias, o.shift);
                if (l + 1 < attacked) {
                    int layer = l;
                    Int8Network rec = recovered;
                    if (config.knownImages()) {
                        IntStream.range(0, n).parallel().forEach(t -> {
                            trueIn[t] = device.advance(layer, trueIn[t]);
                            knownIn[t] = rec.advance(layer, knownIn[t]);
                        });
                    } else {
                        // a new campaign for the next layer, on inputs chosen to switch its input features on
                        int[][] x = varied(device, rec, n, layer + 1);
                        IntStream.range(0, n).parallel().forEach(t -> {
                            trueIn[t] = device.inputOf(layer + 1, x[t]);
                            knownIn[t] = rec.inputOf(layer + 1, x[t]);
                        });
                    }
                }
            }
        }
        Extraction extraction = null;
        if (attacked == device.layerCount() && victim.testData() != null) {
            extraction = compare(victim, device, recovered);
        }
        double secs = (System.nanoTime() - start) / 1e9;
        return new Result(victim.model().info().source(), device.toString(), config, out, attacked == device.layerCount(),
                extraction, CHANCE, secs, prov.finishedNow());
    }

    private record LayerOutcome(LayerRecovery recovery, byte[] codes, int[] bias, int shift) {}

    private LayerOutcome attackLayer(Int8Network device, int l, MacDevice probe, int[][] trueIn, int[][] knownIn, int n,
            boolean curve, Progress bar) {
        Int8Network.MacLayer layer = device.layer(l);
        int units = layer.units();
        int k = layer.fanIn();
        List<Integer> checkpoints = new ArrayList<>();
        if (curve) {
            for (int c : CHECKPOINTS) {
                if (c < n) {
                    checkpoints.add(c);
                }
            }
        }
        checkpoints.add(n);
        Cpa.Unit[] found = new Cpa.Unit[units];
        float[][] outSamples = new float[units][];
        // per weight: the checkpoint index from which it stays correct (checkpoints.size(): never)
        int[] disclosedAt = new int[units * k];
        IntStream.range(0, units).parallel().forEach(u -> {
            float[][] trace = probe.record(layer, l, u, trueIn, n);
            int[][] x = new int[k][n];
            int[] w = new int[k];
            int pos = layer.observedPosition();
            for (int t = 0; t < n; t++) {
                layer.window(knownIn[t], pos, w);
                for (int i = 0; i < k; i++) {
                    x[i][t] = w[i];
                }
            }
            int[] since = new int[k];
            Arrays.fill(since, -1);
            Cpa.Unit last = null;
            for (int c = 0; c < checkpoints.size(); c++) {
                last = Cpa.unit(x, trace, checkpoints.get(c), probe.leakage());
                for (int i = 0; i < k; i++) {
                    boolean ok = last.weights()[i] == layer.code(u, i);
                    if (!ok) {
                        since[i] = -1;
                    } else if (since[i] < 0) {
                        since[i] = c;
                    }
                }
            }
            for (int i = 0; i < k; i++) {
                disclosedAt[u * k + i] = since[i] < 0 ? checkpoints.size() : since[i];
            }
            found[u] = last;
            outSamples[u] = layer.relu() ? trace[2 * k + 1] : null;
            synchronized (bar) {
                bar.step(k);
            }
        });
        byte[] codes = new byte[units * k];
        int[] bias = new int[units];
        int exact = 0;
        int unobservable = 0;
        int exactObservable = 0;
        int biasesExact = 0;
        for (int u = 0; u < units; u++) {
            for (int i = 0; i < k; i++) {
                codes[u * k + i] = (byte) found[u].weights()[i];
                boolean ok = found[u].weights()[i] == layer.code(u, i);
                exact += ok ? 1 : 0;
                unobservable += found[u].unobservable()[i] ? 1 : 0;
                exactObservable += ok && !found[u].unobservable()[i] ? 1 : 0;
            }
            bias[u] = found[u].bias();
            biasesExact += bias[u] == layer.bias(u) ? 1 : 0;
        }
        Boolean shiftExact = null;
        int shift = -1;
        if (layer.relu()) {
            int[][] sums = new int[units][];
            for (int u = 0; u < units; u++) {
                sums[u] = found[u].sums();
            }
            shift = Cpa.shift(sums, outSamples, n);
            shiftExact = shift == layer.shift();
        }
        List<CurvePoint> points = new ArrayList<>();
        int median = 0;
        int max = 0;
        int undisclosed = 0;
        if (curve) {
            int[] ttd = new int[disclosedAt.length];
            int m = 0;
            for (int c = 0; c < checkpoints.size(); c++) {
                int count = 0;
                for (int d : disclosedAt) {
                    count += d <= c ? 1 : 0;
                }
                points.add(new CurvePoint(checkpoints.get(c), (double) count / disclosedAt.length));
            }
            for (int d : disclosedAt) {
                if (d < checkpoints.size()) {
                    ttd[m++] = checkpoints.get(d);
                } else {
                    undisclosed++;
                }
            }
            int[] sorted = Arrays.copyOf(ttd, m);
            Arrays.sort(sorted);
            median = m == 0 ? 0 : sorted[m / 2];
            max = m == 0 ? 0 : sorted[m - 1];
        }
        LayerRecovery rec = new LayerRecovery(l, layer.isConvolution() ? "conv" : "linear", units, units * k, exact,
                unobservable, exactObservable, biasesExact, shiftExact, n, points, median, max, undisclosed);
        return new LayerOutcome(rec, codes, bias, shift);
    }

    /** The attacker's network inputs: images of its data, or uniform random bytes. */
    private int[][] inputs(Int8Network device, Dataset data, int n) {
        int[][] x = new int[n][];
        if (config.knownImages()) {
            DlsecException.require(data.size() > 0, "attacker data", "is empty");
            int[] order = data.permutation(config.seed());
            for (int t = 0; t < n; t++) {
                x[t] = Int8Network.quantizeInput(data.image(order[t % order.length]));
            }
        } else {
            SplittableRandom rnd = new SplittableRandom(Seeds.mix(config.seed(), 3));
            for (int t = 0; t < n; t++) {
                x[t] = new int[device.inputSize()];
                for (int i = 0; i < x[t].length; i++) {
                    x[t][i] = rnd.nextInt(256);
                }
            }
        }
        return x;
    }

    /**
     * Chosen inputs for attacking a deeper layer: candidates half uniform random bytes, half random bytes whose density
     * (share of non-zero pixels) and range are themselves drawn per input. Uniform bytes over the whole image leave some
     * of a deeper layer's input features off in every trace, so nothing of their weights leaks; sparse and dim inputs
     * switch those on, and the uniform half keeps the large activations that leak the most. Some features are still
     * switched on by few candidates (on the test LeNet-5's first linear layer, a few in 3% of them), too few traces for
     * their weights, and a weight missed corrupts the known accumulator of the rest of the unit in those traces. So
     * the attacker, which knows the layers it has recovered, draws {@value #POOL} times as many candidates, computes
     * the attacked window's input features of each with the recovered layers, and keeps the first half of the campaign
     * as drawn; while some feature is switched on in fewer than 1/{@value #RARE} of the traces, the next one kept is
     * the candidate that switches on the most such rare features, each counted {@code 1 / (1 + traces kept so far that
     * switch it on)}; the rest are kept as drawn (a layer without rare features has the campaign it had without the
     * pool).
     */
    private int[][] varied(Int8Network device, Int8Network recovered, int n, int layer) {
        SplittableRandom rnd = new SplittableRandom(Seeds.mix(config.seed(), 100 + layer));
        int pool = POOL * n;
        int[][] x = new int[pool][device.inputSize()];
        for (int t = 0; t < pool; t++) {
            boolean uniform = rnd.nextBoolean();
            double density = uniform ? 1.0 : rnd.nextDouble(0.05, 1.0);
            int range = uniform ? 256 : 1 + rnd.nextInt(256);
            for (int i = 0; i < x[t].length; i++) {
                x[t][i] = rnd.nextDouble() < density ? rnd.nextInt(range) : 0;
            }
        }
        Int8Network.MacLayer target = recovered.layer(layer);
        int k = target.fanIn();
        int pos = target.observedPosition();
        int[][] on = new int[pool][];
        IntStream.range(0, pool).parallel().forEach(t -> {
            int[] w = new int[k];
            target.window(recovered.inputOf(layer, x[t]), pos, w);
            on[t] = IntStream.range(0, k).filter(i -> w[i] != 0).toArray();
        });
        int[][] out = new int[n][];
        int[] count = new int[k];
        int half = n / 2;
        for (int t = 0; t < half; t++) {
            out[t] = x[t];
            for (int i : on[t]) {
                count[i]++;
            }
        }
        int enough = Math.max(1, n / RARE);
        // lazy greedy: a candidate's gain only falls as traces are kept, so a stale gain is an upper bound
        java.util.PriorityQueue<double[]> queue = new java.util.PriorityQueue<>(
                (p, q) -> p[0] != q[0] ? Double.compare(q[0], p[0]) : Double.compare(p[1], q[1]));
        for (int t = half; t < pool; t++) {
            queue.add(new double[] {gain(on[t], count, enough), t});
        }
        boolean[] used = new boolean[pool];
        int kept = half;
        while (kept < n && !queue.isEmpty()) {
            double[] top = queue.poll();
            int t = (int) top[1];
            double g = gain(on[t], count, enough);
            if (g <= 0) {
                break;
            }
            if (!queue.isEmpty() && g < queue.peek()[0]) {
                queue.add(new double[] {g, t});
                continue;
            }
            out[kept++] = x[t];
            used[t] = true;
            for (int i : on[t]) {
                count[i]++;
            }
        }
        // every feature that any candidate switches on has its traces: the rest of the campaign as drawn
        for (int t = half; kept < n; t++) {
            if (!used[t]) {
                out[kept++] = x[t];
            }
        }
        return out;
    }

    /** A deeper layer's input feature is rare when fewer than 1/RARE of the campaign's traces switch it on. */
    static final int RARE = 10;

    /** Candidate inputs drawn per trace kept in a deeper layer's campaign. */
    static final int POOL = 4;

    private static double gain(int[] on, int[] count, int target) {
        double g = 0;
        for (int i : on) {
            g += count[i] < target ? 1.0 / (1 + count[i]) : 0;
        }
        return g;
    }

    private Extraction compare(SideChannelVictim victim, Int8Network device, Int8Network recovered) {
        Dataset test = victim.testData();
        if (config.testLimit() > 0 && config.testLimit() < test.size()) {
            test = test.first(config.testLimit());
        }
        int n = test.size();
        int[] dev = device.predict(test, n);
        int[] ext = recovered.predict(test, n);
        int[] flt = Evaluation.evaluate(victim.model(), test, Evaluation.DEFAULT_BATCH, false).predictions();
        int ca = 0;
        int cd = 0;
        int ce = 0;
        int fi = 0;
        int ff = 0;
        for (int i = 0; i < n; i++) {
            int y = test.label(i);
            ca += flt[i] == y ? 1 : 0;
            cd += dev[i] == y ? 1 : 0;
            ce += ext[i] == y ? 1 : 0;
            fi += ext[i] == dev[i] ? 1 : 0;
            ff += ext[i] == flt[i] ? 1 : 0;
        }
        return new Extraction(n, (double) ca / n, (double) cd / n, (double) ce / n, (double) fi / n, (double) ff / n);
    }

    /**
     * The per-layer console summary, e.g. {@code layer 1 (conv, 150 weights): 100.00% exact, biases 6/6, shift ok}.
     *
     * @param r a power analysis result
     * @return one line per attacked layer, each ended by the platform's line separator; empty if no layer was attacked
     */
    public static String summary(Result r) {
        StringBuilder s = new StringBuilder();
        for (LayerRecovery l : r.layers()) {
            s.append(String.format(Locale.ROOT, "layer %d (%s, %d weights): %.2f%% exact, biases %d/%d, shift %s%n",
                    l.layer() + 1, l.kind(), l.weights(), 100 * l.recovered(), l.biasesExact(), l.units(),
                    l.shiftExact() == null ? "-" : l.shiftExact() ? "ok" : "wrong"));
        }
        return s.toString();
    }
}
