package org.dlsec.attack.sidechannel;

import ai.djl.Model;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.training.initializer.XavierInitializer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.commons.math3.stat.descriptive.rank.Percentile;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Progress;
import org.dlsec.core.Provenance;
import org.dlsec.core.Seeds;
import org.dlsec.data.Dataset;
import org.dlsec.model.Bounds;
import org.dlsec.model.DjlClassifier;
import org.dlsec.model.Engines;
import org.dlsec.model.ModelInfo;

/**
 * Architecture extraction through the timing side channel of a prediction API, after Duddu, Samanta, Rao and Balas,
 * "Stealing Neural Networks via Timing Side Channels" (2018): a network's inference time grows with its depth, and an
 * attacker who can serve models of its own on the same kind of machine learns the relation and reads the target's depth
 * off its latency.
 *
 * <p>The attacker serves each candidate architecture ({@link Candidate}: an MLP or a CNN of a given depth and width
 * class) through the same {@link Deployment} as the target — {@code dlsec serve} over loopback HTTP in the command —
 * in {@link Config#profiles} instances of its own (fresh random weights: latency does not depend on their values),
 * and sends each {@link Config#queries} single-image queries, alternating with queries to a reference model of its
 * own (the first candidate) served beside it, so that load that changes between measurements cancels. Each served
 * model becomes one feature vector: relative to the reference's, the logarithms of the 5th, 10th, 25th and 50th
 * percentiles of its latencies (low percentiles: a query that waited for the scheduler only ever adds time). A
 * nearest-centroid classifier over the standardised features (one centroid per candidate) is the learned model. The
 * targets are held-out instances of the candidates (other seeds), served and queried the same way; the predicted
 * candidate gives the predicted depth and width class. Every query, warm-up included, is counted.
 *
 * <p>The targets are measured again under background load (threads spinning on the same cores) and under the
 * configured serving countermeasure, with the profiles unchanged (the attacker does not control the target's server):
 * a constant-time server answers every query at the same budget, so every target looks alike.
 *
 * <p>The measurements are interleaved: the queries of every served model (profiles and the targets of every trial) are
 * spread over {@link #ROUNDS} rounds, each visiting all the models in a new seeded order, each visit a fresh serve of
 * the instance (rebuilt from its seed, {@link #WARMUP} untimed queries first) closed afterwards. A drift of the
 * machine's speed during the run then shifts profiles and targets alike; measured one after the other, the profiles
 * taken on a busier machine than the targets made every deep target look one depth shallower.
 *
 * <p>The victim's model gives only the input shape and the number of classes of the candidates; the targets are the
 * attacker's held-out instances. One served model (and the reference) is open at a time, its native memory freed
 * after its visit; the timing figures depend on the machine and its load. An instance holds only its configuration,
 * but runs should not overlap: concurrent runs would load each other's measurements.
 */
public final class TimingAttack implements SideChannelAttack {
    /** Depth accuracy on the held-out targets the attack must reach to count as a success (the acceptance). */
    public static final double SUCCESS_ACCURACY = 0.8;

    /**
     * A candidate architecture: {@code depth} weight layers, ReLU between them.
     *
     * @param family {@code mlp} (flatten, depth−1 linear layers of {@code width} units, linear to the classes) or
     *        {@code cnn} (a 3×3 stride-2 convolution, depth−2 3×3 convolutions, all of {@code width} filters, flatten,
     *        linear to the classes)
     * @param depth weight layers, at least 2
     * @param width units or filters of the hidden layers
     * @param widthClass the coarse width class the attack predicts: narrow or wide
     */
    public record Candidate(String family, int depth, int width, String widthClass) {
        /**
         * Checks the depth.
         *
         * @param family {@code mlp} (flatten, depth−1 linear layers of {@code width} units, linear to the classes) or
         *        {@code cnn} (a 3×3 stride-2 convolution, depth−2 3×3 convolutions, all of {@code width} filters,
         *        flatten, linear to the classes)
         * @param depth weight layers, at least 2
         * @param width units or filters of the hidden layers
         * @param widthClass the coarse width class the attack predicts: narrow or wide
         * @throws org.dlsec.core.DlsecException if {@code depth} &lt; 2
         */
        public Candidate {
            DlsecException.require(depth >= 2, "candidate depth", "must be at least 2, got " + depth);
        }

        /**
         * The candidate's name in reports and {@code --json}.
         *
         * @return {@code family-depth-widthClass}, e.g. {@code cnn-6-wide}
         */
        public String label() {
            return family + "-" + depth + "-" + widthClass;
        }

        /**
         * Builds a fresh, untrained instance with Xavier-uniform random weights on the PyTorch engine.
         *
         * @param shape the input shape (C, H, W) of the images, inputs in [0, 1]
         * @param classes the number of classes, at least 1
         * @param seed the engine seed of the random weights
         * @return a new classifier; the caller owns it and its native memory (an NDManager), and must close it
         */
        public DjlClassifier build(Shape shape, int classes, long seed) {
            SequentialBlock net = new SequentialBlock();
            if (family.equals("mlp")) {
                net.add(Blocks.batchFlattenBlock());
                for (int i = 0; i < depth - 1; i++) {
                    net.add(Linear.builder().setUnits(width).build()).add(Activation.reluBlock());
                }
            } else {
                net.add(Conv2d.builder().setFilters(width).setKernelShape(new Shape(3, 3)).optStride(new Shape(2, 2))
                        .optPadding(new Shape(1, 1)).build()).add(Activation.reluBlock());
                for (int i = 0; i < depth - 2; i++) {
                    net.add(Conv2d.builder().setFilters(width).setKernelShape(new Shape(3, 3))
                            .optPadding(new Shape(1, 1)).build()).add(Activation.reluBlock());
                }
                net.add(Blocks.batchFlattenBlock());
            }
            net.add(Linear.builder().setUnits(classes).build());
            net.setInitializer(new XavierInitializer(XavierInitializer.RandomType.UNIFORM,
                    XavierInitializer.FactorType.IN, 6f), Parameter.Type.WEIGHT);
            Engines.engine();
            Model model = Model.newInstance(label(), Engines.ENGINE);
            model.setBlock(net);
            Engines.seed(seed);
            net.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1).addAll(shape));
            return new DjlClassifier(model, shape, classes, Bounds.UNIT,
                    new ModelInfo("dlsec", "timing candidate " + label() + " seed " + seed, "untrained", label()), false);
        }
    }

    /**
     * The default candidate set: MLPs and CNNs of 2, 4, 6, 8 and 10 weight layers, narrow and wide (20 architectures).
     *
     * @return a new mutable list, MLPs first, by depth, narrow before wide: MLP widths 64 (narrow) and 512 (wide), CNN
     *         widths 8 and 32 filters
     */
    public static List<Candidate> defaultCandidates() {
        List<Candidate> c = new ArrayList<>();
        for (String family : List.of("mlp", "cnn")) {
            for (int depth : new int[] {2, 4, 6, 8, 10}) {
                c.add(new Candidate(family, depth, family.equals("mlp") ? 64 : 8, "narrow"));
                c.add(new Candidate(family, depth, family.equals("mlp") ? 512 : 32, "wide"));
            }
        }
        return c;
    }

    /**
     * The attack's parameters.
     *
     * @param candidates the candidate architectures (at least 2; default {@link #defaultCandidates()}); the first is
     *        also the attacker's reference model
     * @param profiles instances of each candidate the attacker profiles, &gt;= 1 (default 2)
     * @param targets held-out instances of each candidate the attack predicts, &gt;= 1 (default 1)
     * @param queries timed queries per served model, &gt;= 1 (default 200), spread over the {@link #ROUNDS}
     *        rounds, each visit after {@link #WARMUP} untimed ones
     * @param loadThreads background threads spinning while the targets are measured again, &gt;= 0 (default 0: no load
     *        trial)
     * @param defence the serving countermeasure the targets are measured under again (default and null:
     *        {@link ServingDefence#NONE}, no defence trial)
     * @param seed seed of the instances and the query order
     */
    public record Config(List<Candidate> candidates, int profiles, int targets, int queries, int loadThreads,
            ServingDefence defence, long seed) {
        /**
         * Copies the candidates (immutable afterwards), validates the counts and replaces a null defence by
         * {@link ServingDefence#NONE}.
         *
         * @param candidates the candidate architectures (at least 2; default {@link #defaultCandidates()}); the first
         *        is also the attacker's reference model
         * @param profiles instances of each candidate the attacker profiles, &gt;= 1 (default 2)
         * @param targets held-out instances of each candidate the attack predicts, &gt;= 1 (default 1)
         * @param queries timed queries per served model, &gt;= 1 (default 200), spread over the {@link #ROUNDS}
         *        rounds, each visit after {@link #WARMUP} untimed ones
         * @param loadThreads background threads spinning while the targets are measured again, &gt;= 0 (default 0: no
         *        load trial)
         * @param defence the serving countermeasure the targets are measured under again (default and null:
         *        {@link ServingDefence#NONE}, no defence trial)
         * @param seed seed of the instances and the query order
         * @throws org.dlsec.core.DlsecException (one line) if there are fewer than 2 candidates, {@code profiles},
         *         {@code targets} or {@code queries} is &lt; 1, or {@code loadThreads} is negative
         * @throws NullPointerException if {@code candidates} or one of them is null
         */
        public Config {
            candidates = List.copyOf(candidates);
            DlsecException.require(candidates.size() >= 2, "candidates", "the timing attack needs at least 2");
            DlsecException.require(profiles >= 1, "profiles", "must be at least 1, got " + profiles);
            DlsecException.require(targets >= 1, "targets", "must be at least 1, got " + targets);
            DlsecException.require(queries >= 1, "--traces", "must be at least 1 query per served model, got " + queries);
            DlsecException.require(loadThreads >= 0, "--load", "must be >= 0 threads, got " + loadThreads);
            defence = defence == null ? ServingDefence.NONE : defence;
        }

        /**
         * The defaults: the 20 default candidates, 2 profiles and 1 target each, 200 queries per served model, no load
         * trial, no defence.
         *
         * @param seed the seed of the instances and the query order
         * @return the default configuration with that seed
         */
        public static Config defaults(long seed) {
            return new Config(defaultCandidates(), 2, 1, 200, 0, ServingDefence.NONE, seed);
        }

        /**
         * The parameters as recorded in results and {@code --json}.
         *
         * @return a new insertion-ordered map: candidates (their labels), profiles, targets, queries, loadThreads,
         *         defence (command-line name), budgetMillis, seed
         */
        public Map<String, Object> parameters() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("candidates", candidates.stream().map(Candidate::label).toList());
            m.put("profiles", profiles);
            m.put("targets", targets);
            m.put("queries", queries);
            m.put("loadThreads", loadThreads);
            m.put("defence", defence.kind().cliName());
            m.put("budgetMillis", defence.budgetMillis());
            m.put("seed", seed);
            return m;
        }
    }

    /** Untimed queries sent to every served model first, in every round (JIT, allocator and engine warm-up). */
    public static final int WARMUP = 20;

    /**
     * One held-out target: its true and predicted candidate and its median latency.
     *
     * @param truth the label of the target's true candidate, e.g. {@code mlp-4-narrow}
     * @param trueDepth its true depth, in weight layers
     * @param predicted the label of the candidate whose centroid is nearest
     * @param predictedDepth that candidate's depth
     * @param widthRight whether the predicted width class is the true one
     * @param medianMillis the median latency of the target's timed queries, in milliseconds
     */
    public record Prediction(String truth, int trueDepth, String predicted, int predictedDepth, boolean widthRight,
            double medianMillis) {}

    /**
     * One measurement of the held-out targets.
     *
     * @param condition "clean", "load N threads" or the defence's name
     * @param depthAccuracy share of targets whose depth is predicted exactly
     * @param widthAccuracy share whose width class is
     * @param chance the depth accuracy of always guessing the most common depth among the targets
     * @param depths the candidate depths, in the confusion matrix's order
     * @param confusion rows: true depth, columns: predicted depth
     * @param meanMillis mean latency over all timed queries of the targets
     * @param queries queries sent to the targets in this trial
     * @param referenceQueries queries sent to the attacker's own reference model in this trial
     * @param predictions one prediction per held-out target, in candidate order
     */
    public record Trial(String condition, double depthAccuracy, double widthAccuracy, double chance, List<Integer> depths,
            int[][] confusion, double meanMillis, long queries, long referenceQueries, List<Prediction> predictions) {
        /**
         * Copies the lists, which become immutable; {@code confusion} is kept as given.
         *
         * @param condition "clean", "load N threads" or the defence's name
         * @param depthAccuracy share of targets whose depth is predicted exactly
         * @param widthAccuracy share whose width class is
         * @param chance the depth accuracy of always guessing the most common depth among the targets
         * @param depths the candidate depths, in the confusion matrix's order
         * @param confusion rows: true depth, columns: predicted depth
         * @param meanMillis mean latency over all timed queries of the targets
         * @param queries queries sent to the targets in this trial
         * @param referenceQueries queries sent to the attacker's own reference model in this trial
         * @param predictions one prediction per held-out target, in candidate order
         * @throws NullPointerException if {@code depths} or {@code predictions} or one of their elements is null
         */
        public Trial {
            depths = List.copyOf(depths);
            predictions = List.copyOf(predictions);
        }
    }

    /**
     * What the attack found.
     *
     * @param deployment the description of how the models were served, from {@link Deployment#description()}
     * @param config the attack's parameters
     * @param trials the clean trial first, then under load and under the defence when configured
     * @param profileQueries queries spent profiling the attacker's own models (and their references)
     * @param latencyCostMillis the mean latency the defence adds to a query, in milliseconds (0 without one)
     * @param seconds the attack's wall-clock time, in seconds
     * @param provenance the versions, seed, model hash and data of the run
     */
    public record Result(String deployment, Config config, List<Trial> trials, long profileQueries,
            double latencyCostMillis, double seconds, Provenance provenance) implements SideChannelAttack.Result {
        /**
         * Copies {@code trials}, which becomes immutable.
         *
         * @param deployment the description of how the models were served, from {@link Deployment#description()}
         * @param config the attack's parameters
         * @param trials the clean trial first, then under load and under the defence when configured
         * @param profileQueries queries spent profiling the attacker's own models (and their references)
         * @param latencyCostMillis the mean latency the defence adds to a query, in milliseconds (0 without one)
         * @param seconds the attack's wall-clock time, in seconds
         * @param provenance the versions, seed, model hash and data of the run
         * @throws NullPointerException if {@code trials} or one of its elements is null
         */
        public Result {
            trials = List.copyOf(trials);
        }

        /**
         * {@inheritDoc}
         *
         * @return {@code timing}
         */
        @Override
        public String attack() {
            return "timing";
        }

        @Override
        public Countermeasure defence() {
            return config.defence().kind();
        }

        /**
         * The trial without load or countermeasure.
         *
         * @return the first trial
         */
        public Trial clean() {
            return trials.get(0);
        }

        /**
         * The trial under the configured countermeasure.
         *
         * @return the defence trial, or the {@linkplain #clean() clean} one when no countermeasure was configured
         */
        public Trial defended() {
            return trials.get(trials.size() - 1).condition().equals(config.defence().kind().cliName())
                    ? trials.get(trials.size() - 1) : clean();
        }

        /**
         * Whether the depth was learnt under the acceptance rule.
         *
         * @return true when the {@linkplain #defended() defended} trial's depth accuracy is at least
         *         {@value #SUCCESS_ACCURACY}
         */
        @Override
        public boolean succeeded() {
            return defended().depthAccuracy() >= SUCCESS_ACCURACY;
        }

        /**
         * The attack's total query cost.
         *
         * @return the profiling queries plus every trial's queries to the targets and to the reference model
         */
        public long queries() {
            long q = profileQueries;
            for (Trial t : trials) {
                q += t.queries() + t.referenceQueries();
            }
            return q;
        }
    }

    private final Config config;

    /**
     * A timing attack with the given parameters; nothing is built or served until {@link #run}.
     *
     * @param config the attack's parameters, already validated by its constructor
     */
    public TimingAttack(Config config) {
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
        return "timing";
    }

    @Override
    public Map<String, Object> parameters() {
        return config.parameters();
    }

    @Override
    public Result run(SideChannelVictim victim, boolean progress) {
        DlsecException.require(victim.deployment() != null, "deployment", "the timing attack needs a prediction server");
        long start = System.nanoTime();
        Provenance prov = Provenance.start(victim.modelSha256(), victim.model().info().source(),
                victim.attackerData().name() + "/" + victim.attackerData().split(), parameters(), config.seed());
        Shape shape = victim.model().inputShape();
        DlsecException.require(shape.dimension() == 3, "model", "the timing candidates are image networks; the model "
                + "takes samples of shape " + shape);
        int classes = victim.model().numClasses();
        Dataset data = victim.attackerData();
        List<Candidate> cands = config.candidates();
        // every served model of the run: the profiled instances, then the held-out targets of each trial
        List<String> conditions = new ArrayList<>();
        List<ServingDefence> defences = new ArrayList<>();
        List<Integer> loads = new ArrayList<>();
        conditions.add("clean");
        defences.add(ServingDefence.NONE);
        loads.add(0);
        if (config.loadThreads() > 0) {
            conditions.add("load " + config.loadThreads() + " threads");
            defences.add(ServingDefence.NONE);
            loads.add(config.loadThreads());
        }
        if (config.defence().kind() != Countermeasure.NONE) {
            conditions.add(config.defence().kind().cliName());
            defences.add(config.defence());
            loads.add(0);
        }
        List<Subject> subjects = new ArrayList<>();
        for (int c = 0; c < cands.size(); c++) {
            for (int p = 0; p < config.profiles(); p++) {
                subjects.add(new Subject(c, Seeds.mix(config.seed(), 1000L * c + p), ServingDefence.NONE, 0, -1,
                        config.queries()));
            }
        }
        for (int k = 0; k < conditions.size(); k++) {
            for (int c = 0; c < cands.size(); c++) {
                for (int r = 0; r < config.targets(); r++) {
                    subjects.add(new Subject(c, Seeds.mix(config.seed(), 1_000_000L + 1000L * c + r), defences.get(k),
                            loads.get(k), k, config.queries()));
                }
            }
        }
        int rounds = Math.min(ROUNDS, config.queries());
        try (Progress bar = progress ? Progress.start("timing", subjects.size() * rounds) : Progress.none()) {
            for (int round = 0; round < rounds; round++) {
                int n = config.queries() / rounds + (round < config.queries() % rounds ? 1 : 0);
                List<Subject> order = new ArrayList<>(subjects);
                Collections.shuffle(order, new Random(Seeds.mix(config.seed(), 7_000_000L + round)));
                for (Subject s : order) {
                    measure(victim.deployment(), s, shape, classes, data, n);
                    bar.step(1);
                }
            }
        }
        long profileQueries = 0;
        List<double[]> features = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (Subject s : subjects) {
            if (s.trial < 0) {
                features.add(s.features());
                labels.add(s.candidate);
                profileQueries += s.queries + s.referenceQueries;
            }
        }
        Centroids model = Centroids.fit(features.toArray(double[][]::new),
                labels.stream().mapToInt(Integer::intValue).toArray(), cands.size());
        List<Trial> trials = new ArrayList<>();
        for (int k = 0; k < conditions.size(); k++) {
            int condition = k;
            trials.add(trial(conditions.get(k), model, subjects.stream().filter(s -> s.trial == condition).toList()));
        }
        double cost = config.defence().kind() != Countermeasure.NONE
                ? trials.get(trials.size() - 1).meanMillis() - trials.get(0).meanMillis() : 0;
        return new Result(victim.deployment().description(), config, trials, profileQueries, cost,
                (System.nanoTime() - start) / 1e9, prov.finishedNow());
    }

    /**
     * The measurement rounds: every served model gets its {@link Config#queries} timed queries in this many rounds
     * (fewer when there are fewer queries), the models in a new seeded order in every round, so that a slow change of
     * the machine's state during the run (frequency, other work) spreads over all of them instead of shifting the ones
     * measured last against the profiles measured first.
     */
    public static final int ROUNDS = 5;

    /** One served model of the run and the latencies measured so far; {@code trial} -1 for a profiled instance. */
    private static final class Subject {
        final int candidate;
        final long seed;
        final ServingDefence defence;
        final int load;
        final int trial;
        final double[] latencies;
        final double[] reference;
        int filled;
        long queries;
        long referenceQueries;

        Subject(int candidate, long seed, ServingDefence defence, int load, int trial, int queries) {
            this.candidate = candidate;
            this.seed = seed;
            this.defence = defence;
            this.load = load;
            this.trial = trial;
            this.latencies = new double[queries];
            this.reference = new double[queries];
        }

        /** The log latency percentiles of the model minus those of the reference measured with it. */
        double[] features() {
            double[] f = TimingAttack.features(latencies);
            double[] r = TimingAttack.features(reference);
            for (int j = 0; j < f.length; j++) {
                f[j] -= r[j];
            }
            return f;
        }
    }

    private Trial trial(String condition, Centroids model, List<Subject> targets) {
        List<Candidate> cands = config.candidates();
        List<Integer> depths = cands.stream().map(Candidate::depth).distinct().sorted().toList();
        int[][] confusion = new int[depths.size()][depths.size()];
        List<Prediction> predictions = new ArrayList<>();
        int depthRight = 0;
        int widthRight = 0;
        double sum = 0;
        long count = 0;
        long queries = 0;
        long referenceQueries = 0;
        for (Subject s : targets) {
            queries += s.queries;
            referenceQueries += s.referenceQueries;
            for (double v : s.latencies) {
                sum += v;
            }
            count += s.latencies.length;
            Candidate truth = cands.get(s.candidate);
            Candidate guess = cands.get(model.predict(s.features()));
            boolean dr = guess.depth() == truth.depth();
            boolean wr = guess.widthClass().equals(truth.widthClass());
            depthRight += dr ? 1 : 0;
            widthRight += wr ? 1 : 0;
            confusion[depths.indexOf(truth.depth())][depths.indexOf(guess.depth())]++;
            predictions.add(new Prediction(truth.label(), truth.depth(), guess.label(), guess.depth(), wr,
                    quantile(s.latencies, 0.5)));
        }
        int n = predictions.size();
        int common = 0;
        for (int d : depths) {
            int k = (int) cands.stream().filter(x -> x.depth() == d).count();
            common = Math.max(common, k);
        }
        return new Trial(condition, (double) depthRight / n, (double) widthRight / n, (double) common / cands.size(),
                depths, confusion, sum / Math.max(1, count), queries, referenceQueries, predictions);
    }

    /**
     * Serves the subject's instance (under its defence) beside the attacker's own reference model (the first
     * candidate, always undefended), warms both up and times {@code n} more queries to each, alternating, so that a
     * change of background load between two measurements shifts both; the latencies are appended to the subject's and
     * its queries counted. The instance is rebuilt from its seed in every round (the same weights) and closed after.
     */
    private void measure(Deployment deployment, Subject s, Shape shape, int classes, Dataset data, int n) {
        Candidate reference = config.candidates().get(0);
        try (DjlClassifier model = config.candidates().get(s.candidate).build(shape, classes, s.seed);
                DjlClassifier ref = reference.build(shape, classes, Seeds.mix(s.seed, 99));
                Deployment.Endpoint endpoint = deployment.serve(model, s.defence);
                Deployment.Endpoint refPoint = deployment.serve(ref, ServingDefence.NONE)) {
            int[] order = data.permutation(s.seed);
            for (int i = 0; i < WARMUP; i++) {
                endpoint.timeQuery(data.image(order[i % order.length]));
                refPoint.timeQuery(data.image(order[i % order.length]));
            }
            try (Load busy = new Load(s.load)) {
                for (int i = 0; i < n; i++) {
                    float[] x = data.image(order[(WARMUP + s.filled + i) % order.length]);
                    s.reference[s.filled + i] = refPoint.timeQuery(x) / 1e6;
                    s.latencies[s.filled + i] = endpoint.timeQuery(x) / 1e6;
                }
            }
            s.filled += n;
            s.queries += endpoint.queries();
            s.referenceQueries += refPoint.queries();
        }
    }

    /** The feature vector of one served model: log latency percentiles. */
    static double[] features(double[] latencies) {
        Percentile p = percentiles(latencies);
        return new double[] {Math.log(p.evaluate(5)), Math.log(p.evaluate(10)), Math.log(p.evaluate(25)),
                Math.log(p.evaluate(50))};
    }

    /** The {@code q}-quantile (0..1) of {@code v}, linearly interpolated between order statistics. */
    static double quantile(double[] v, double q) {
        return percentiles(v).evaluate(100 * q);
    }

    /** Commons Math's percentiles over {@code v} (sorted once), estimated as q·(n − 1) with interpolation. */
    private static Percentile percentiles(double[] v) {
        Percentile p = new Percentile().withEstimationType(Percentile.EstimationType.R_7);
        p.setData(v);
        return p;
    }

    /**
     * Nearest-centroid classification over standardised features: one centroid per class, distance in units of each
     * feature's pooled within-class spread (a diagonal linear discriminant).
     */
    static final class Centroids {
        final double[][] centroids;
        final double[] scale;

        private Centroids(double[][] centroids, double[] scale) {
            this.centroids = centroids;
            this.scale = scale;
        }

        static Centroids fit(double[][] x, int[] y, int classes) {
            int d = x[0].length;
            double[][] c = new double[classes][d];
            int[] n = new int[classes];
            for (int i = 0; i < x.length; i++) {
                n[y[i]]++;
                for (int j = 0; j < d; j++) {
                    c[y[i]][j] += x[i][j];
                }
            }
            for (int k = 0; k < classes; k++) {
                for (int j = 0; j < d; j++) {
                    c[k][j] /= Math.max(1, n[k]);
                }
            }
            // the spread: pooled within-class standard deviation, floored by a tenth of the spread between classes
            double[] scale = new double[d];
            for (int j = 0; j < d; j++) {
                double within = 0;
                for (int i = 0; i < x.length; i++) {
                    double e = x[i][j] - c[y[i]][j];
                    within += e * e;
                }
                within = x.length > classes ? Math.sqrt(within / (x.length - classes)) : 0;
                double lo = Double.POSITIVE_INFINITY;
                double hi = Double.NEGATIVE_INFINITY;
                for (double[] row : c) {
                    lo = Math.min(lo, row[j]);
                    hi = Math.max(hi, row[j]);
                }
                scale[j] = Math.max(within, Math.max(1e-6, (hi - lo) / 10 / Math.max(1, classes)));
            }
            return new Centroids(c, scale);
        }

        int predict(double[] f) {
            int best = 0;
            double bestD = Double.POSITIVE_INFINITY;
            for (int k = 0; k < centroids.length; k++) {
                double dist = 0;
                for (int j = 0; j < f.length; j++) {
                    double e = (f[j] - centroids[k][j]) / scale[j];
                    dist += e * e;
                }
                if (dist < bestD) {
                    bestD = dist;
                    best = k;
                }
            }
            return best;
        }
    }

    /** Background load: threads spinning on arithmetic until closed. */
    static final class Load implements AutoCloseable {
        static volatile double sink;
        private final AtomicBoolean stop = new AtomicBoolean();
        private final List<Thread> threads = new ArrayList<>();

        Load(int n) {
            for (int i = 0; i < n; i++) {
                Thread t = new Thread(() -> {
                    double x = 1;
                    while (!stop.get()) {
                        for (int k = 0; k < 10_000; k++) {
                            x = Math.sin(x) + 1.0001;
                        }
                    }
                    sink = x;
                }, "dlsec-timing-load-" + i);
                t.setDaemon(true);
                t.start();
                threads.add(t);
            }
        }

        @Override
        public void close() {
            stop.set(true);
            for (Thread t : threads) {
                try {
                    t.join(1000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /**
     * The per-trial console summary: depth accuracy against chance, width-class accuracy, mean latency.
     *
     * @param r a timing attack result
     * @return one line per trial, each ended by the platform's line separator
     */
    public static String summary(Result r) {
        StringBuilder s = new StringBuilder();
        for (Trial t : r.trials()) {
            s.append(String.format(Locale.ROOT, "%-22s depth right %5.1f%% (chance %.1f%%), width class right %5.1f%%, "
                    + "mean latency %.3f ms%n", t.condition(), 100 * t.depthAccuracy(), 100 * t.chance(),
                    100 * t.widthAccuracy(), t.meanMillis()));
        }
        return s.toString();
    }
}
