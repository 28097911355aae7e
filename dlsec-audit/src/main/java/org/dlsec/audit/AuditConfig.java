package org.dlsec.audit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.dlsec.attack.evasion.AttackSpec;
import org.dlsec.attack.evasion.EvasionAttacks;
import org.dlsec.attack.evasion.Norm;
import org.dlsec.attack.poisoning.PoisoningAttacks;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Hashing;

/**
 * A parsed, validated {@code audit.yaml}: which attacks to run with which parameters, on how many
 * samples, with which seed. Every error names the file, the line and the key.
 *
 * @param seed seed of all randomness
 * @param limit how many samples of the split to attack
 * @param split test or train
 * @param batchSize samples per attack batch
 * @param attacks the attack runs, in order
 * @param faults the hardware-fault experiments, in order (may be empty)
 * @param poisoning the poisoning experiments, run only when the audit is given training data (may be empty)
 * @param privacy the privacy attacks: membership inference and model inversion (may be empty)
 * @param extraction the model-extraction experiments (may be empty)
 * @param scan the backdoor scans of the audited model (may be empty)
 * @param certification randomized-smoothing certifications of the audited model (may be empty)
 * @param masking gradient-masking checks of the audited model (may be empty)
 * @param sidechannel side-channel experiments on the model's implementation, one per countermeasure (may be empty)
 * @param defence the defence the model is deployed behind, or null: every attack runs against the defended model
 * @param gates pass/fail conditions on the figures, checked after the audit (may be empty)
 * @param text the YAML text it was read from
 * @param sha256 hash of that text (part of the resume key)
 */
public record AuditConfig(long seed, int limit, String split, int batchSize, List<Entry> attacks, List<FaultEntry> faults,
        List<PoisonEntry> poisoning, List<PrivacyEntry> privacy, List<ExtractionEntry> extraction, List<ScanEntry> scan,
        List<CertificationEntry> certification, List<MaskingEntry> masking, List<SideChannelEntry> sidechannel,
        Defence defence, List<org.dlsec.report.Gate> gates, String text, String sha256) {

    /** The resource holding the documented default configuration. */
    public static final String DEFAULT_RESOURCE = "/org/dlsec/audit/default-audit.yaml";

    /**
     * One attack run: a unique id (file name of its stored result), the spec, and the budgets
     * (several for a robustness curve).
     */
    public record Entry(String id, AttackSpec spec, List<Double> epsilons, String substitute) {
        /** An attack on the audited model itself. */
        public Entry(String id, AttackSpec spec, List<Double> epsilons) {
            this(id, spec, epsilons, null);
        }

        /** Whether the attack needs the audited model's gradients (a transfer attack takes the substitute's). */
        public boolean needsTargetGradients() {
            return substitute == null && EvasionAttacks.create(spec).needsGradients();
        }
    }

    /**
     * One hardware-fault experiment on the int8-quantised weights (scales per layer): {@code bfa} (progressive
     * Bit-Flip Attack) or {@code random} (uniformly random faults), with the parameters of {@code dlsec fault}
     * ({@link org.dlsec.attack.fault.FaultAttacks}): the audit's {@code flips} is the BFA's {@code --bits}, its
     * {@code counts} the random faults' {@code --bits}.
     */
    public record FaultEntry(String id, String fault, org.dlsec.attack.fault.FaultAttacks.Params params, boolean activations,
            org.dlsec.experiment.FaultDefence guard) {
        /** An entry on the weights without an integrity defence. */
        public FaultEntry(String id, String fault, org.dlsec.attack.fault.FaultAttacks.Params params) {
            this(id, fault, params, false, org.dlsec.experiment.FaultDefence.NONE);
        }
    }

    /**
     * One poisoning experiment: any attack of {@link org.dlsec.attack.poisoning.PoisoningAttacks} with its
     * parameters (the same names and validation as {@code dlsec poison}); the victim trains the audited
     * model's architecture for {@code epochs} in batches of {@code batchSize} on the first
     * {@code trainSamples} training images.
     */
    public record PoisonEntry(String id, String poison, org.dlsec.attack.poisoning.PoisoningAttacks.Params params,
            int trainSamples, int epochs, int batchSize, String detect, boolean retrain,
            org.dlsec.experiment.PoisonDefence.Options defence, org.dlsec.model.Architecture arch,
            org.dlsec.experiment.FeatureCollisionSpec collision) {
        /** An entry without a defence, retraining the audited model's own architecture. */
        public PoisonEntry(String id, String poison, org.dlsec.attack.poisoning.PoisoningAttacks.Params params,
                int trainSamples, int epochs, int batchSize) {
            this(id, poison, params, trainSamples, epochs, batchSize, null, false, null, null, null);
        }

        /** Whether this is a clean-label feature-collision experiment ({@link #collision()} set, no {@link #params()}). */
        public boolean featureCollision() {
            return collision != null;
        }
    }

    /** How a poisoning entry's victim trains: {@code trainSamples}, {@code epochs}, {@code batchSize}, {@code arch}. */
    private record Victim(int trainSamples, int epochs, int batchSize, org.dlsec.model.Architecture arch) {}

    private static Victim victim(Map<String, YamlNode> m) {
        int train = m.containsKey("trainSamples") ? (int) positive(m.get("trainSamples"), 10_000_000) : 10_000;
        int epochs = m.containsKey("epochs") ? (int) positive(m.get("epochs"), 1000) : 2;
        int batch = m.containsKey("batchSize") ? (int) positive(m.get("batchSize"), 65_536) : 128;
        org.dlsec.model.Architecture arch = null;
        if (m.containsKey("arch")) {
            try {
                arch = org.dlsec.model.Architecture.parse(m.get("arch").string());
            } catch (DlsecException e) {
                throw m.get("arch").error(e.getMessage());
            }
        }
        return new Victim(train, epochs, batch, arch);
    }

    /** The keys of a {@code poison: featurecollision} entry beside the common ones. */
    static final List<String> COLLISION_KEYS = List.of("baseClass", "targets", "targetIndex", "poisons", "beta", "iterations",
            "stepSize", "watermark", "fineTune", "headEpochs");

    /** The keys of a poisoning entry's defence ({@code dlsec poison --detect} and its options, without dashes). */
    public static final List<String> POISON_DEFENCE_KEYS = List.of("detect", "retrain", "pruneRatio", "maxAccuracyDrop",
            "finetuneEpochs", "finetuneLr", "cleanseSteps", "epsilon", "overlays", "frr", "stripRule");

    /**
     * One privacy attack: a membership-inference attack ({@link #MEMBERSHIP}: {@code members} members
     * from the images that trained the model, as its card records them, and as many non-members from
     * the test split or from unused training images) or {@code inversion} (MI-Face, one reconstruction
     * per class); {@code params} are the attack's own options, as {@code dlsec privacy --param}.
     */
    public record PrivacyEntry(String id, String attack, int members, String nonMembers, int shadows,
            Map<String, String> params, String dpModel) {
        /** The membership-inference attacks an audit can run. */
        public static final List<String> MEMBERSHIP = List.of("loss", "confidence", "entropy", "labelonly", "shadow", "lira",
                "lira-offline");

        public PrivacyEntry {
            params = Map.copyOf(params);
        }

        public boolean inversion() {
            return attack.equals("inversion");
        }

        /** The same attack on the model trained with DP-SGD ({@code dpModel}), run as {@code <id>-dp}. */
        public PrivacyEntry onDpModel() {
            return new PrivacyEntry(id + "-dp", attack, members, nonMembers, shadows, params, dpModel);
        }
    }

    /**
     * One model-extraction experiment, run as {@code dlsec extract --target MODEL} runs it on the audited model
     * (a black box: the attack sees its answers only), with the same names and validation
     * ({@link org.dlsec.experiment.ExtractionSpec}); its test images are the audited samples. {@code queryData}
     * (knockoff and copycat) is {@code train} (the audited dataset's training split, the attacker's in-distribution
     * data), a built-in dataset name or a path, read at its train split. With {@code arch: auto} ({@code autoArch}) the
     * substitute is a LeNet-5 for images and an MLP for feature vectors, chosen when the audited data are known.
     */
    public record ExtractionEntry(String id, org.dlsec.experiment.ExtractionSpec spec, String queryData, boolean autoArch) {
        /** The spec for {@code data}: with {@code arch: auto}, an MLP substitute for feature vectors. */
        public org.dlsec.experiment.ExtractionSpec spec(org.dlsec.data.Dataset data) {
            if (!autoArch || data.isImage()) {
                return spec;
            }
            org.dlsec.attack.extraction.ExtractionAttacks.Params p = spec.params();
            return new org.dlsec.experiment.ExtractionSpec(spec.attack(), new org.dlsec.attack.extraction.ExtractionAttacks.Params(
                    p.budget(), p.strategy(), p.rounds(), p.lambda(), p.kappa(), org.dlsec.model.Architecture.MLP, p.epochs(),
                    p.lr(), p.checkpoints(), p.seed()), spec.seedSize(), spec.testLimit(), spec.eps(), spec.transferLimit());
        }
    }

    /**
     * One backdoor scan of the audited model on the audited (clean) samples, as {@code dlsec scan} runs it: Neural
     * Cleanse ({@code cleanse}), STRIP calibrated on the clean data ({@code strip}), or both (then STRIP's FAR is
     * measured against the trigger Neural Cleanse reverse-engineered for a flagged class).
     *
     * @param id unique id
     * @param detect {@code cleanse}, {@code strip} or {@code cleanse+strip}
     * @param cleanse Neural Cleanse's parameters, or null
     * @param strip STRIP's parameters, or null
     */
    public record ScanEntry(String id, String detect, org.dlsec.defence.detection.NeuralCleanse cleanse,
            org.dlsec.defence.detection.Strip strip) {}

    /**
     * How the model is deployed: behind an input transformation ({@code dlsec attack --defence}) and/or a prediction API
     * with an output policy ({@code dlsec serve --output}). The audit attacks the defended model. Gradient attacks run
     * adaptively through the transformation (BPDA for a non-differentiable one, EOT over a randomised one: Athalye et
     * al. 2018) and, with {@code gradients: both} (the default), also naively beside it (the exact gradient through the
     * transformation, what a defence-unaware attacker gets); a naive result whose robust accuracy is more than
     * {@code tolerance} above the adaptive one is flagged as gradient masking. Model extraction queries the model
     * served in this process through {@code dlsec serve}'s stack with the output policy.
     *
     * @param transform the transformation as written ({@code squeeze:bits=1}), or null
     * @param spec the parsed transformation, or null
     * @param output the prediction API's output policy as written ({@code top1}), or null (all probabilities)
     * @param policy the parsed output policy, or null
     * @param detector the detector the deployed API rejects flagged inputs with ({@code feature-squeezing}), or null
     * @param detectorFpr the share of clean inputs the detector's threshold flags
     * @param detectorCalibration clean training images the threshold is set on
     * @param gradients {@code adaptive}, {@code naive} or {@code both}
     * @param tolerance accuracy difference (fraction) above which a naive result is flagged
     * @param queryBudget the prediction API's per-client query quota ({@code dlsec serve --query-budget}), or null:
     *     each extraction attacker is a new client of the API served with it, and makes at most that many queries
     */
    public record Defence(String transform, @com.fasterxml.jackson.annotation.JsonIgnore
            org.dlsec.defence.preprocess.Preprocessors.Spec spec, String output,
            @com.fasterxml.jackson.annotation.JsonIgnore org.dlsec.defence.postprocess.OutputPolicy policy, String detector,
            double detectorFpr, int detectorCalibration, String gradients, double tolerance, Integer queryBudget) {
        /** The suffix of the id of a naive run beside an adaptive one. */
        public static final String NAIVE_SUFFIX = "-naive";

        /** The default of {@code tolerance} (also for a distilled model audited without a defence section). */
        public static final double DEFAULT_TOLERANCE = 0.05;

        /** Whether something changes what a gradient attack should do (a transformation or a detector). */
        public boolean changesGradients() {
            return spec != null || detector != null;
        }

        /** Whether gradient attacks run adaptively (always when nothing changes their gradients). */
        public boolean adaptive() {
            return !changesGradients() || !gradients.equals("naive");
        }

        /** Whether gradient attacks also (or only) run naively: through the transformation, or unaware of the detector. */
        public boolean naive() {
            return changesGradients() && !gradients.equals("adaptive");
        }

        /** {@code model} behind the transformation (or {@code model} without one), with adaptive or naive gradients. */
        public org.dlsec.model.Classifier wrap(org.dlsec.model.Classifier model, boolean adaptive, long seed) {
            return spec == null ? model : spec.wrap(model, adaptive, seed);
        }
    }

    /**
     * One randomized-smoothing certification ({@code dlsec certify}) of the first {@code limit} audited samples.
     *
     * @param id unique id
     * @param params σ, n0, n, α, batch size, seed
     * @param radii the L2 radii of the table
     * @param limit how many of the audited samples to certify (each costs n0 + n forward passes)
     */
    public record CertificationEntry(String id, org.dlsec.defence.certification.RandomizedSmoothing.Params params,
            List<Double> radii, int limit) {
        public CertificationEntry {
            radii = List.copyOf(radii);
        }
    }

    /**
     * The gradient-masking checks ({@code dlsec check-masking}) on the first {@code limit} audited samples.
     *
     * @param id unique id
     * @param config ε, Square's queries, tolerance, seed
     * @param limit how many of the audited samples to check
     */
    public record MaskingEntry(String id, org.dlsec.defence.GradientMaskingChecks.Config config, int limit) {}

    /**
     * One side-channel experiment, as {@code dlsec sidechannel --attack power|timing} runs it, against one
     * countermeasure; an entry listing several ({@code defence: [none, shuffle, mask]}) gives one experiment each,
     * named {@code <id>} without a countermeasure and {@code <id>-<defence>} with one. Parsed by
     * {@link SideChannelEntries}.
     *
     * @param id unique id
     * @param attack {@code power} or {@code timing}
     * @param params the attack's parameters (the registry's, {@link org.dlsec.attack.sidechannel.SideChannelAttacks})
     */
    public record SideChannelEntry(String id, String attack,
            org.dlsec.attack.sidechannel.SideChannelAttacks.Params params) {}

    public AuditConfig {
        attacks = List.copyOf(attacks);
        certification = List.copyOf(certification);
        masking = List.copyOf(masking);
        sidechannel = List.copyOf(sidechannel);
        scan = List.copyOf(scan);
        extraction = List.copyOf(extraction);
        faults = List.copyOf(faults);
        poisoning = List.copyOf(poisoning);
        privacy = List.copyOf(privacy);
        gates = List.copyOf(gates);
    }

    public static AuditConfig defaults() {
        try (InputStream in = AuditConfig.class.getResourceAsStream(DEFAULT_RESOURCE)) {
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "default-audit.yaml");
        } catch (IOException e) {
            throw new IllegalStateException("the default audit configuration is missing from the jar", e);
        }
    }

    public static AuditConfig read(Path file) {
        // refused by size before a byte is parsed (4 bytes per character at most in UTF-8)
        String text = org.dlsec.core.BoundedReads.string(file, 4L * YamlNode.MAX_CHARS, "audit configuration");
        return parse(text, file.toString());
    }

    public static AuditConfig parse(String text, String source) {
        YamlNode root = YamlNode.parse(text, source);
        root.onlyKeys(List.of("seed", "limit", "split", "batchSize", "attacks", "faults", "poisoning", "privacy",
                "extraction", "scan", "certification", "masking", "sidechannel", "defence", "gates"));
        Map<String, YamlNode> m = root.map();
        long seed = m.containsKey("seed") ? m.get("seed").integer() : 0;
        int limit = m.containsKey("limit") ? (int) positive(m.get("limit"), 1_000_000) : 500;
        String split = m.containsKey("split") ? m.get("split").string() : "test";
        if (!split.equals("test") && !split.equals("train")) {
            throw m.get("split").error("expected test or train, got '" + org.dlsec.core.Text.echo(split) + "'");
        }
        int batch = m.containsKey("batchSize") ? (int) positive(m.get("batchSize"), 65_536) : 250;
        if (!m.containsKey("attacks")) {
            throw root.error("no 'attacks' list: an audit needs at least one attack");
        }
        List<Entry> entries = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (YamlNode a : m.get("attacks").list()) {
            Entry e = entry(a, seed);
            if (!ids.add(e.id())) {
                throw a.error("duplicate attack id '" + org.dlsec.core.Text.echo(e.id()) + "': give one of them an 'id'");
            }
            if (e.spec().name().equals("uap") && split.equals("train")) {
                throw a.error("uap fits its perturbation on the training split, as dlsec attack does, so it needs an audit"
                        + " of the test split (split: test)");
            }
            entries.add(e);
        }
        if (entries.isEmpty()) {
            throw m.get("attacks").error("the attacks list is empty");
        }
        List<FaultEntry> faults = section(m, "faults", ids, f -> faultEntry(f, seed), FaultEntry::id);
        List<PoisonEntry> poisons = section(m, "poisoning", ids, f -> poisonEntry(f, seed), PoisonEntry::id);
        List<PrivacyEntry> privacy = section(m, "privacy", ids, AuditConfig::privacyEntry, PrivacyEntry::id);
        List<ExtractionEntry> extraction = section(m, "extraction", ids, f -> extractionEntry(f, seed), ExtractionEntry::id);
        List<ScanEntry> scans = section(m, "scan", ids, f -> scanEntry(f, seed), ScanEntry::id);
        List<CertificationEntry> certs = section(m, "certification", ids, f -> certificationEntry(f, seed),
                CertificationEntry::id);
        List<MaskingEntry> masks = section(m, "masking", ids, f -> maskingEntry(f, seed), MaskingEntry::id);
        List<SideChannelEntry> sidechannel = new ArrayList<>();
        if (m.containsKey("sidechannel")) {
            for (YamlNode f : m.get("sidechannel").list()) {
                for (SideChannelEntry e : SideChannelEntries.parse(f, seed)) {
                    if (!ids.add(e.id())) {
                        throw f.error("duplicate id '" + org.dlsec.core.Text.echo(e.id()) + "': give one of them an 'id'");
                    }
                    sidechannel.add(e);
                }
            }
        }
        Defence defence = m.containsKey("defence") ? defence(m.get("defence")) : null;
        List<List<String>> evasionRuns = new ArrayList<>(entries.stream().map(e -> List.of(e.id(), e.spec().name())).toList());
        masks.forEach(e -> evasionRuns.add(List.of(e.id(), "masking")));
        if (defence != null && defence.adaptive() && defence.naive()) {
            for (Entry e : entries) {
                if (e.needsTargetGradients()) {
                    String naive = e.id() + Defence.NAIVE_SUFFIX;
                    if (!ids.add(naive)) {
                        throw m.get("defence").error("the naive run of '" + e.id() + "' is named '" + naive
                                + "', which another entry uses: rename it");
                    }
                    evasionRuns.add(List.of(naive, e.spec().name()));
                }
            }
        }
        List<org.dlsec.report.Gate> gates = new ArrayList<>();
        if (m.containsKey("gates")) {
            Map<String, List<List<String>>> runs = Map.of(
                    "evasion", evasionRuns,
                    "fault", faults.stream().map(e -> List.of(e.id(), e.fault())).toList(),
                    "poisoning", poisons.stream().map(e -> List.of(e.id(), e.poison())).toList(),
                    "privacy", privacy.stream().map(e -> List.of(e.id(), e.attack())).toList(),
                    "extraction", extraction.stream().map(e -> List.of(e.id(), e.spec().attack())).toList(),
                    "scan", scans.stream().map(e -> List.of(e.id(), e.detect())).toList(),
                    "certification", certs.stream().map(e -> List.of(e.id(), "smoothing")).toList(),
                    "sidechannel", sidechannel.stream().map(e -> List.of(e.id(), e.attack())).toList());
            for (YamlNode g : m.get("gates").list()) {
                gates.add(gate(g, runs));
            }
        }
        return new AuditConfig(seed, limit, split, batch, entries, faults, poisons, privacy, extraction, scans, certs, masks,
                sidechannel, defence,
                gates,
                text,
                Hashing.sha256(text.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * A gate, whose run must be configured: named by its id, or by its attack's name when exactly one run has that
     * name (then the gate is rewritten to the id, so the check cannot pick another run).
     */
    private static org.dlsec.report.Gate gate(YamlNode node, Map<String, List<List<String>>> runs) {
        org.dlsec.report.Gate g;
        try {
            g = org.dlsec.report.Gate.parse(node.string());
        } catch (DlsecException e) {
            throw node.error(e.getMessage());
        }
        List<List<String>> configured = runs.get(g.family());
        if (configured.stream().anyMatch(r -> r.get(0).equals(g.run()))) {
            return g;
        }
        List<String> byName = configured.stream().filter(r -> r.get(1).equals(g.run())).map(r -> r.get(0)).toList();
        if (byName.size() == 1) {
            return new org.dlsec.report.Gate(g.text(), g.family(), byName.get(0), g.metric(), g.bound(), g.op(),
                    g.threshold());
        }
        if (byName.size() > 1) {
            throw node.error("gate '" + org.dlsec.core.Text.echo(g.text()) + "': '" + g.run() + "' names " + byName.size()
                    + " runs (" + String.join(", ", byName) + "): name one by its id");
        }
        throw node.error("gate '" + org.dlsec.core.Text.echo(g.text()) + "': no " + g.family() + " run '" + g.run()
                + "' is configured (ids: " + String.join(", ", configured.stream().map(r -> r.get(0)).toList()) + ")");
    }

    /** The entries of the optional list {@code key}, each parsed by {@code parse}; an id used before is an error. */
    private static <E> List<E> section(Map<String, YamlNode> m, String key, Set<String> ids,
            java.util.function.Function<YamlNode, E> parse, java.util.function.Function<E, String> id) {
        List<E> out = new ArrayList<>();
        if (m.containsKey(key)) {
            for (YamlNode f : m.get(key).list()) {
                E e = parse.apply(f);
                if (!ids.add(id.apply(e))) {
                    throw f.error("duplicate id '" + org.dlsec.core.Text.echo(id.apply(e)) + "': give one of them an 'id'");
                }
                out.add(e);
            }
        }
        return out;
    }

    /** The keys of an extraction entry: the options of {@code dlsec extract} without their dashes, in camel case. */
    public static final List<String> EXTRACTION_KEYS = List.of("attack", "id", "budget", "strategy", "queryData", "seedSize",
            "rounds", "lambda", "kappa", "arch", "epochs", "lr", "checkpoints", "testLimit", "eps", "transferLimit");

    private static ExtractionEntry extractionEntry(YamlNode f, long seed) {
        f.onlyKeys(EXTRACTION_KEYS);
        Map<String, YamlNode> m = f.map();
        if (!m.containsKey("attack")) {
            throw f.error("missing 'attack' (" + String.join(", ", org.dlsec.attack.extraction.ExtractionAttacks.NAMES) + ")");
        }
        if (!m.containsKey("budget")) {
            throw f.error("missing 'budget' (the model queries the attack may make)");
        }
        String attack;
        try {
            attack = org.dlsec.attack.extraction.ExtractionAttacks.canonical(m.get("attack").string());
        } catch (org.dlsec.core.DlsecException e) {
            throw m.get("attack").error(e.getMessage());
        }
        String id = entryId(m, "extract-" + attack, Integer.MAX_VALUE);
        List<Integer> checkpoints = new ArrayList<>();
        if (m.containsKey("checkpoints")) {
            YamlNode c = m.get("checkpoints");
            for (YamlNode n : c.isList() ? c.list() : List.of(c)) {
                checkpoints.add((int) positive(n, Integer.MAX_VALUE));
            }
        }
        int budget = (int) positive(m.get("budget"), Integer.MAX_VALUE);
        String strategy = m.containsKey("strategy") ? m.get("strategy").string() : "random";
        int rounds = m.containsKey("rounds") ? (int) positive(m.get("rounds"), 1_000) : 6;
        double lambda = m.containsKey("lambda") ? m.get("lambda").number() : 0.1;
        int kappa = m.containsKey("kappa") ? (int) positive(m.get("kappa"), Integer.MAX_VALUE) : 400;
        String arch = m.containsKey("arch") ? m.get("arch").string() : "lenet5";
        boolean autoArch = arch.trim().equalsIgnoreCase("auto");
        if (autoArch) {
            arch = "lenet5";
        }
        Integer epochs = m.containsKey("epochs") ? (int) positive(m.get("epochs"), 10_000) : null;
        double lr = m.containsKey("lr") ? m.get("lr").number() : 0.001;
        int seedSize = m.containsKey("seedSize") ? (int) positive(m.get("seedSize"), Integer.MAX_VALUE) : 150;
        Integer testLimit = m.containsKey("testLimit") ? (int) positive(m.get("testLimit"), Integer.MAX_VALUE) : null;
        double eps = m.containsKey("eps") ? m.get("eps").number() : 0.3;
        int transferLimit = m.containsKey("transferLimit") ? (int) nonNegativeInt(m.get("transferLimit")) : 1000;
        String query = m.containsKey("queryData") ? m.get("queryData").string().trim() : "train";
        try {
            // the command's validation: the same records, the same messages
            org.dlsec.attack.extraction.KnockoffNets.Strategy.parse(strategy);
            org.dlsec.attack.extraction.ExtractionAttacks.Params p = new org.dlsec.attack.extraction.ExtractionAttacks.Params(
                    budget, strategy, rounds, lambda, kappa, org.dlsec.model.Architecture.parse(arch), epochs, lr, checkpoints,
                    seed);
            org.dlsec.experiment.ExtractionSpec spec = new org.dlsec.experiment.ExtractionSpec(attack, p, seedSize, testLimit,
                    eps, transferLimit);
            if (m.containsKey("queryData") && !spec.usesQueryData()) {
                throw new org.dlsec.core.DlsecException("'queryData' is read by knockoff and copycat only");
            }
            return new ExtractionEntry(id, spec, query, autoArch);
        } catch (org.dlsec.core.DlsecException e) {
            throw f.error(e.getMessage());
        }
    }

    private static CertificationEntry certificationEntry(YamlNode f, long seed) {
        f.onlyKeys(List.of("id", "sigma", "n0", "n", "alpha", "radii", "batchSize", "limit"));
        Map<String, YamlNode> m = f.map();
        double sigma = m.containsKey("sigma") ? m.get("sigma").number() : 0.25;
        String id = entryId(m, "smoothing", ID_MAX);
        List<Double> radii = new ArrayList<>();
        if (m.containsKey("radii")) {
            YamlNode r = m.get("radii");
            for (YamlNode n : r.isList() ? r.list() : List.of(r)) {
                radii.add(nonNegative(n));
            }
            if (radii.isEmpty()) {
                throw r.error("an empty list of radii");
            }
        } else {
            radii.addAll(List.of(0.0, 0.25, 0.5, 0.75));
        }
        try {
            org.dlsec.defence.certification.RandomizedSmoothing.Params p = new org.dlsec.defence.certification.RandomizedSmoothing.Params(
                    sigma, m.containsKey("n0") ? (int) positive(m.get("n0"), 10_000_000) : 100,
                    m.containsKey("n") ? (int) positive(m.get("n"), 10_000_000) : 1000,
                    m.containsKey("alpha") ? m.get("alpha").number() : 0.001,
                    m.containsKey("batchSize") ? (int) positive(m.get("batchSize"), 65_536) : 500, seed);
            return new CertificationEntry(id, p, radii, m.containsKey("limit") ? (int) positive(m.get("limit"), 1_000_000)
                    : 100);
        } catch (DlsecException e) {
            if (e.getMessage().contains(" line ")) {
                throw e;
            }
            throw f.error(e.getMessage());
        }
    }

    private static MaskingEntry maskingEntry(YamlNode f, long seed) {
        f.onlyKeys(List.of("id", "eps", "squareQueries", "tolerance", "limit"));
        Map<String, YamlNode> m = f.map();
        String id = entryId(m, "masking", ID_MAX);
        try {
            org.dlsec.defence.GradientMaskingChecks.Config c = new org.dlsec.defence.GradientMaskingChecks.Config(
                    m.containsKey("eps") ? nonNegative(m.get("eps")) : 0.3,
                    m.containsKey("squareQueries") ? (int) positive(m.get("squareQueries"), 100_000_000) : 1000,
                    m.containsKey("tolerance") ? m.get("tolerance").number() : 0.05, seed);
            return new MaskingEntry(id, c, m.containsKey("limit") ? (int) positive(m.get("limit"), 1_000_000) : 200);
        } catch (DlsecException e) {
            if (e.getMessage().contains(" line ")) {
                throw e;
            }
            throw f.error(e.getMessage());
        }
    }

    private static Defence defence(YamlNode node) {
        node.onlyKeys(List.of("transform", "output", "detector", "detectorFpr", "detectorCalibration", "gradients",
                "tolerance", "queryBudget"));
        Map<String, YamlNode> m = node.map();
        if (!m.containsKey("transform") && !m.containsKey("output") && !m.containsKey("detector")
                && !m.containsKey("queryBudget")) {
            throw node.error("a defence needs 'transform' (the input transformation the model is deployed behind, as dlsec"
                    + " attack --defence: " + String.join(", ", org.dlsec.defence.preprocess.Preprocessors.NAMES) + ") or"
                    + " 'output' (the prediction API's output policy, as dlsec serve --output: probs, top1, topk:K, rounded:D)"
                    + " or 'queryBudget' (its per-client query quota, as dlsec serve --query-budget)");
        }
        String transform = m.containsKey("transform") ? m.get("transform").string().trim() : null;
        org.dlsec.defence.preprocess.Preprocessors.Spec spec = null;
        if (transform != null) {
            try {
                spec = org.dlsec.defence.preprocess.Preprocessors.parse(transform);
            } catch (DlsecException e) {
                throw m.get("transform").error(e.getMessage());
            }
        }
        String output = m.containsKey("output") ? m.get("output").string().trim() : null;
        org.dlsec.defence.postprocess.OutputPolicy policy = null;
        if (output != null) {
            try {
                policy = org.dlsec.defence.postprocess.OutputPolicy.parse(output);
            } catch (DlsecException e) {
                throw m.get("output").error(e.getMessage());
            }
        }
        String gradients = m.containsKey("gradients") ? m.get("gradients").string().trim().toLowerCase(java.util.Locale.ROOT)
                : "both";
        if (!List.of("adaptive", "naive", "both").contains(gradients)) {
            throw m.get("gradients").error("expected adaptive, naive or both, got '" + org.dlsec.core.Text.echo(gradients) + "'");
        }
        String detector = m.containsKey("detector") ? m.get("detector").string().trim().toLowerCase(java.util.Locale.ROOT) : null;
        if (detector != null && !detector.equals("feature-squeezing")) {
            throw m.get("detector").error("unknown detector '" + org.dlsec.core.Text.echo(detector) + "': expected feature-squeezing");
        }
        if (detector != null && transform != null) {
            throw m.get("detector").error("give 'transform' or 'detector', not both: the audit attacks one defence at a time");
        }
        if (detector == null && (m.containsKey("detectorFpr") || m.containsKey("detectorCalibration"))) {
            throw node.error("'detectorFpr' and 'detectorCalibration' belong to a 'detector'");
        }
        double fpr = m.containsKey("detectorFpr") ? m.get("detectorFpr").number() : 0.05;
        if (!(fpr > 0 && fpr < 1)) {
            throw m.get("detectorFpr").error("must be in (0, 1), got " + fpr);
        }
        int calibration = m.containsKey("detectorCalibration") ? (int) positive(m.get("detectorCalibration"), 1_000_000) : 1000;
        if (transform == null && detector == null && m.containsKey("gradients")) {
            throw m.get("gradients").error("'gradients' chooses how attacks see a 'transform' or a 'detector'; this defence"
                    + " has neither");
        }
        double tolerance = m.containsKey("tolerance") ? m.get("tolerance").number() : Defence.DEFAULT_TOLERANCE;
        if (!(tolerance >= 0 && tolerance < 1)) {
            throw m.get("tolerance").error("must be in [0, 1), got " + tolerance);
        }
        Integer queryBudget = m.containsKey("queryBudget") ? (int) positive(m.get("queryBudget"), Integer.MAX_VALUE) : null;
        if (queryBudget != null && policy == null) {
            // a quota is enforced by the prediction API, which answers with all probabilities unless told otherwise
            output = "probs";
            policy = org.dlsec.defence.postprocess.OutputPolicy.parse(output);
        }
        return new Defence(transform, spec, output, policy, detector, fpr, calibration, gradients, tolerance, queryBudget);
    }

    /** The keys of a scan entry: the options of {@code dlsec scan} without their dashes, in camel case. */
    public static final List<String> SCAN_KEYS = List.of("detect", "id", "steps", "batchSize", "threshold", "overlays", "frr",
            "stripRule");

    private static ScanEntry scanEntry(YamlNode f, long seed) {
        f.onlyKeys(SCAN_KEYS);
        Map<String, YamlNode> m = f.map();
        if (!m.containsKey("detect")) {
            throw f.error("missing 'detect' (cleanse, strip, or both as a list)");
        }
        YamlNode d = m.get("detect");
        java.util.Set<String> detectors = new java.util.TreeSet<>();
        for (YamlNode n : d.isList() ? d.list() : List.of(d)) {
            for (String part : n.string().split(",")) {
                String name = part.trim().toLowerCase(java.util.Locale.ROOT);
                if (!name.equals("cleanse") && !name.equals("strip")) {
                    throw n.error("unknown detector '" + org.dlsec.core.Text.echo(part.trim()) + "' (cleanse or strip)");
                }
                detectors.add(name);
            }
        }
        if (detectors.isEmpty()) {
            throw d.error("name at least one detector (cleanse, strip)");
        }
        String detect = String.join("+", detectors);
        boolean cleanse = detectors.contains("cleanse");
        boolean strip = detectors.contains("strip");
        for (String k : List.of("steps", "batchSize", "threshold")) {
            if (!cleanse && m.containsKey(k)) {
                throw m.get(k).error("'" + k + "' belongs to Neural Cleanse (detect: cleanse)");
            }
        }
        for (String k : List.of("overlays", "frr", "stripRule")) {
            if (!strip && m.containsKey(k)) {
                throw m.get(k).error("'" + k + "' belongs to STRIP (detect: strip)");
            }
        }
        String id = entryId(m, detect.replace('+', '-'), ID_MAX);
        try {
            // the command's defaults and validation
            org.dlsec.defence.detection.NeuralCleanse nc = null;
            if (cleanse) {
                org.dlsec.defence.detection.NeuralCleanse def = org.dlsec.defence.detection.NeuralCleanse.defaults(seed);
                nc = new org.dlsec.defence.detection.NeuralCleanse(
                        m.containsKey("steps") ? (int) positive(m.get("steps"), 100_000) : def.steps(),
                        m.containsKey("batchSize") ? (int) positive(m.get("batchSize"), 4096) : def.batchSize(),
                        def.learningRate(), def.initialLambda(), def.successThreshold(),
                        m.containsKey("threshold") ? m.get("threshold").number() : def.anomalyThreshold(), def.patience(), seed);
            }
            org.dlsec.defence.detection.Strip st = null;
            if (strip) {
                org.dlsec.defence.detection.Strip def = org.dlsec.defence.detection.Strip.defaults(seed);
                st = new org.dlsec.defence.detection.Strip(
                        m.containsKey("overlays") ? (int) positive(m.get("overlays"), 10_000) : def.overlays(),
                        m.containsKey("frr") ? m.get("frr").number() : def.frr(),
                        m.containsKey("stripRule") ? org.dlsec.defence.detection.Strip.ThresholdRule.parse(m.get("stripRule").string())
                                : def.rule(), def.inputWeight(), def.overlayWeight(), seed);
            }
            return new ScanEntry(id, detect, nc, st);
        } catch (DlsecException e) {
            if (e.getMessage().contains(" line ")) {
                throw e;
            }
            throw f.error(e.getMessage());
        }
    }

    /** The longest id of the entries that limit it. */
    static final int ID_MAX = 64;

    /**
     * An entry's {@code id} (the file name of its stored result), or {@code dflt}: letters, digits, '.', '_' and '-'
     * only, at most {@code maxLength} characters.
     */
    static String entryId(Map<String, YamlNode> m, String dflt, int maxLength) {
        String id = m.containsKey("id") ? m.get("id").string() : dflt;
        if (!id.matches("[A-Za-z0-9._-]+") || id.length() > maxLength) {
            // only a given id can be bad: the defaults are names of attacks and detectors
            throw m.get("id").error("an id may use letters, digits, '.', '_' and '-' only");
        }
        return id;
    }

    static long nonNegativeInt(YamlNode n) {
        long v = n.integer();
        if (v < 0 || v > Integer.MAX_VALUE) {
            throw n.error("must be in 0.." + Integer.MAX_VALUE + ", got " + v);
        }
        return v;
    }

    private static PrivacyEntry privacyEntry(YamlNode f) {
        f.onlyKeys(List.of("attack", "id", "members", "nonMembers", "shadows", "params", "dpModel"));
        Map<String, YamlNode> m = f.map();
        List<String> known = new ArrayList<>(PrivacyEntry.MEMBERSHIP);
        known.add("inversion");
        if (!m.containsKey("attack")) {
            throw f.error("missing 'attack' (one of " + String.join(", ", known) + ")");
        }
        String kind = m.get("attack").string();
        if (!known.contains(kind)) {
            throw m.get("attack").error("unknown privacy attack '" + org.dlsec.core.Text.echo(kind) + "' (one of " + String.join(", ", known) + ")");
        }
        String id = entryId(m, kind, ID_MAX);
        if (kind.equals("inversion") && (m.containsKey("members") || m.containsKey("nonMembers") || m.containsKey("shadows"))) {
            throw f.error("'members', 'nonMembers' and 'shadows' belong to membership inference; inversion takes 'params'");
        }
        int members = m.containsKey("members") ? (int) positive(m.get("members"), 100_000) : 500;
        String nonMembers = m.containsKey("nonMembers") ? m.get("nonMembers").string() : "test";
        if (!nonMembers.equals("test") && !nonMembers.equals("train")) {
            throw m.get("nonMembers").error("expected test or train, got '" + org.dlsec.core.Text.echo(nonMembers) + "'");
        }
        int shadows = m.containsKey("shadows") ? (int) positive(m.get("shadows"), 1024) : 16;
        Map<String, String> params = new LinkedHashMap<>();
        if (m.containsKey("params")) {
            for (Map.Entry<String, YamlNode> p : m.get("params").map().entrySet()) {
                params.put(p.getKey(), p.getValue().string());
            }
        }
        // the attack's own options are checked now, not after an hour of other attacks
        try {
            if (kind.equals("inversion")) {
                org.dlsec.attack.inference.MembershipAttacks.inversion(params);
            } else {
                List<String> names = org.dlsec.attack.inference.MembershipAttacks.paramNames(kind);
                for (String key : params.keySet()) {
                    if (!names.contains(key)) {
                        throw new DlsecException("unknown parameter '" + org.dlsec.core.Text.echo(key) + "' for " + kind
                                + "; its parameters are " + String.join(", ", names));
                    }
                }
            }
        } catch (DlsecException e) {
            throw (m.containsKey("params") ? m.get("params") : f).error(e.getMessage());
        }
        String dpModel = null;
        if (m.containsKey("dpModel")) {
            if (kind.equals("inversion")) {
                throw m.get("dpModel").error("'dpModel' compares membership inference; inversion does not take it");
            }
            dpModel = m.get("dpModel").string();
            if (!Files.isRegularFile(Path.of(dpModel).resolve(org.dlsec.model.ModelCard.FILE))) {
                throw m.get("dpModel").error("'dpModel' must be a dlsec model directory (its card says which images trained"
                        + " it, and its DP budget), and " + org.dlsec.core.Text.echo(dpModel) + " holds no "
                        + org.dlsec.model.ModelCard.FILE);
            }
        }
        return new PrivacyEntry(id, kind, members, nonMembers, shadows, params, dpModel);
    }

    private static PoisonEntry poisonEntry(YamlNode f, long seed) {
        List<String> common = List.of("poison", "id", "trainSamples", "epochs", "batchSize", "arch");
        Map<String, YamlNode> m = f.map();
        if (!m.containsKey("poison")) {
            throw f.error("missing 'poison' (" + String.join(", ", PoisoningAttacks.NAMES) + ")");
        }
        if (m.get("poison").string().trim().equalsIgnoreCase("featurecollision")) {
            return collisionEntry(f, common, seed);
        }
        String kind;
        try {
            kind = PoisoningAttacks.canonical(m.get("poison").string());
        } catch (org.dlsec.core.DlsecException e) {
            throw m.get("poison").error(e.getMessage());
        }
        List<String> own = new ArrayList<>(PoisoningAttacks.keys(kind));
        if (own.contains("triggerSize")) {
            own.add("size"); // the name before the registry; the same parameter
        }
        List<String> allowed = new ArrayList<>(common);
        allowed.addAll(own);
        allowed.addAll(POISON_DEFENCE_KEYS);
        f.onlyKeys(allowed);
        String id = entryId(m, kind, Integer.MAX_VALUE);
        double rate = m.containsKey("rate") ? m.get("rate").number() : 0.05;
        if (!(rate > 0 && rate < 1)) {
            throw (m.containsKey("rate") ? m.get("rate") : f).error("rate must be in (0, 1), got " + rate);
        }
        int target = m.containsKey("target") ? (int) m.get("target").integer() : 0;
        if (target < 0) {
            throw m.get("target").error("target must be a class index >= 0, got " + target);
        }
        YamlNode sizeNode = m.containsKey("triggerSize") ? m.get("triggerSize") : m.get("size");
        int size = sizeNode != null ? (int) positive(sizeNode, 16) : 3;
        Double alpha = m.containsKey("alpha") ? m.get("alpha").number() : null;
        if (alpha != null && !(alpha > 0 && alpha <= 1)) {
            throw m.get("alpha").error("alpha must be in (0, 1], got " + alpha);
        }
        PoisoningAttacks.Params d = PoisoningAttacks.Params.defaults(rate, seed);
        String pattern = m.containsKey("blendPattern") ? m.get("blendPattern").string() : d.blendPattern();
        int blendSize = m.containsKey("blendSize") ? (int) positive(m.get("blendSize"), 64) : d.blendSize();
        double sigma = m.containsKey("sigma") ? m.get("sigma").number() : d.sigma();
        int pixels = m.containsKey("pixels") ? (int) positive(m.get("pixels"), 4096) : d.pixels();
        float amplitude = m.containsKey("amplitude") ? (float) m.get("amplitude").number() : d.amplitude();
        PoisoningAttacks.Params params = d.withTarget(target).withTrigger(size, alpha).withBlend(pattern, blendSize)
                .withSigma(sigma).withSparse(pixels, amplitude);
        try {
            PoisoningAttacks.create(kind, params); // the command's validation, at parse time
        } catch (org.dlsec.core.DlsecException e) {
            throw f.error(e.getMessage());
        }
        Victim v = victim(m);
        int train = v.trainSamples();
        int epochs = v.epochs();
        int batch = v.batchSize();
        org.dlsec.model.Architecture arch = v.arch();
        String detect = m.containsKey("detect") ? m.get("detect").string().trim().toLowerCase(java.util.Locale.ROOT) : null;
        if (detect == null) {
            for (String k : POISON_DEFENCE_KEYS) {
                if (m.containsKey(k)) {
                    throw m.get(k).error("'" + k + "' belongs to a defence: give 'detect' ("
                            + String.join(", ", org.dlsec.experiment.PoisonDefence.NAMES) + ")");
                }
            }
            return new PoisonEntry(id, kind, params, train, epochs, batch, null, false, null, arch, null);
        }
        if (!org.dlsec.experiment.PoisonDefence.NAMES.contains(detect)) {
            throw m.get("detect").error("unknown defence '" + org.dlsec.core.Text.echo(detect) + "': expected one of "
                    + String.join(", ", org.dlsec.experiment.PoisonDefence.NAMES));
        }
        boolean retrain = m.containsKey("retrain") && m.get("retrain").bool();
        if (retrain && !detect.equals("spectral") && !detect.equals("ac")) {
            throw m.get("retrain").error("'retrain' needs detect: spectral or ac (it retrains on the samples the detector keeps)");
        }
        try {
            org.dlsec.experiment.PoisonDefence.Options od = org.dlsec.experiment.PoisonDefence.Options.defaults(seed);
            org.dlsec.defence.detection.Strip sd = od.strip();
            org.dlsec.experiment.PoisonDefence.Options o = new org.dlsec.experiment.PoisonDefence.Options(
                    new org.dlsec.defence.detection.Strip(
                            m.containsKey("overlays") ? (int) positive(m.get("overlays"), 10_000) : sd.overlays(),
                            m.containsKey("frr") ? m.get("frr").number() : sd.frr(),
                            m.containsKey("stripRule") ? org.dlsec.defence.detection.Strip.ThresholdRule.parse(
                                    m.get("stripRule").string()) : sd.rule(), sd.inputWeight(), sd.overlayWeight(), seed),
                    m.containsKey("pruneRatio") ? m.get("pruneRatio").number() : null,
                    m.containsKey("maxAccuracyDrop") ? m.get("maxAccuracyDrop").number() : od.maxAccuracyDrop(),
                    m.containsKey("finetuneEpochs") ? (int) nonNegativeInt(m.get("finetuneEpochs")) : od.finetuneEpochs(),
                    m.containsKey("finetuneLr") ? m.get("finetuneLr").number() : od.finetuneLr(),
                    m.containsKey("cleanseSteps") ? (int) positive(m.get("cleanseSteps"), 100_000) : od.cleanseSteps(),
                    m.containsKey("epsilon") ? m.get("epsilon").number() : null);
            // the command's validation of the defence's parameters
            org.dlsec.experiment.PoisonDefence.named(detect, o, seed, batch, rate, 10);
            return new PoisonEntry(id, kind, params, train, epochs, batch, detect, retrain, o, arch, null);
        } catch (DlsecException e) {
            if (e.getMessage().contains(" line ")) {
                throw e;
            }
            throw f.error(e.getMessage());
        }
    }

    /**
     * A clean-label feature-collision entry (Poison Frogs): the command's defaults
     * ({@link org.dlsec.experiment.FeatureCollisionSpec#defaults}) with the entry's overrides, validated as the command
     * validates them; the extractor is the victim's architecture trained on the clean training samples.
     */
    private static PoisonEntry collisionEntry(YamlNode f, List<String> common, long seed) {
        List<String> allowed = new ArrayList<>(common);
        allowed.addAll(COLLISION_KEYS);
        for (String k : POISON_DEFENCE_KEYS) {
            if (f.map().containsKey(k)) {
                throw f.map().get(k).error("'" + k + "' is not available with featurecollision (clean-label poisons carry"
                        + " no trigger for the training-set detectors)");
            }
        }
        f.onlyKeys(allowed);
        Map<String, YamlNode> m = f.map();
        String id = entryId(m, "featurecollision", Integer.MAX_VALUE);
        org.dlsec.experiment.FeatureCollisionSpec d = org.dlsec.experiment.FeatureCollisionSpec.defaults(seed);
        List<Integer> targetIndex = new ArrayList<>();
        if (m.containsKey("targetIndex")) {
            for (YamlNode t : m.get("targetIndex").list()) {
                long v = t.integer();
                if (v < 0 || v > Integer.MAX_VALUE) {
                    throw t.error("a target index must be a test-set index >= 0, got " + v);
                }
                targetIndex.add((int) v);
            }
        }
        org.dlsec.experiment.FeatureCollisionSpec spec;
        try {
            spec = new org.dlsec.experiment.FeatureCollisionSpec(
                    m.containsKey("baseClass") ? (int) nonNegativeInt(m.get("baseClass")) : d.baseClass(),
                    m.containsKey("targets") ? (int) positive(m.get("targets"), 1000) : d.targets(), targetIndex,
                    m.containsKey("poisons") ? (int) positive(m.get("poisons"), 1000) : d.poisons(),
                    m.containsKey("beta") ? m.get("beta").number() : d.beta(),
                    m.containsKey("iterations") ? (int) positive(m.get("iterations"), 100_000) : d.iterations(),
                    m.containsKey("stepSize") ? m.get("stepSize").number() : d.stepSize(),
                    m.containsKey("watermark") ? m.get("watermark").number() : d.watermark(),
                    m.containsKey("fineTune") ? Integer.valueOf((int) positive(m.get("fineTune"), 10_000_000)) : d.fineTune(),
                    m.containsKey("headEpochs") ? (int) positive(m.get("headEpochs"), 1000) : d.headEpochs(), seed);
            spec.attack(); // the attack's own checks on beta, steps and watermark
        } catch (DlsecException e) {
            throw f.error(e.getMessage());
        }
        Victim v = victim(m);
        return new PoisonEntry(id, "featurecollision", null, v.trainSamples(), v.epochs(), v.batchSize(), null, false, null,
                v.arch(), spec);
    }

    private static final Map<String, String> FAULT_TITLES = Map.of("bfa", "the BFA", "random", "random faults", "trojan",
            "the trojan");

    private static FaultEntry faultEntry(YamlNode f, long seed) {
        f.onlyKeys(List.of("fault", "id", "flips", "attackSamples", "stopAccuracy", "candidates", "counts", "trials",
                "faultType", "target", "on", "guard", "signature", "groupSize", "recovery"));
        Map<String, YamlNode> m = f.map();
        if (!m.containsKey("fault")) {
            throw f.error("missing 'fault' (bfa or random)");
        }
        String kind = m.get("fault").string();
        if (!org.dlsec.attack.fault.FaultAttacks.NAMES.contains(kind)) {
            throw m.get("fault").error("unknown fault '" + org.dlsec.core.Text.echo(kind) + "' (bfa, random or trojan)");
        }
        String id = entryId(m, kind, Integer.MAX_VALUE);
        List<String> own = org.dlsec.attack.fault.FaultAttacks.keys(kind);
        for (String other : org.dlsec.attack.fault.FaultAttacks.NAMES) {
            for (String k : org.dlsec.attack.fault.FaultAttacks.keys(other)) {
                if (!own.contains(k) && m.containsKey(k)) {
                    throw f.error("'" + k + "' belongs to " + FAULT_TITLES.get(other) + "; " + kind + " takes "
                            + String.join(", ", own));
                }
            }
        }
        org.dlsec.attack.fault.FaultAttacks.Params p = org.dlsec.attack.fault.FaultAttacks.Params.defaults(seed)
                .withFlips(m.containsKey("flips") ? (int) positive(m.get("flips"), 10_000) : 20);
        List<Integer> counts = new ArrayList<>();
        if (m.containsKey("counts")) {
            YamlNode c = m.get("counts");
            for (YamlNode n : c.isList() ? c.list() : List.of(c)) {
                counts.add((int) positive(n, 1_000_000));
            }
            p = p.withBits("random", counts);
        }
        org.dlsec.attack.fault.FaultType type = m.containsKey("faultType")
                ? org.dlsec.attack.fault.FaultType.parse(m.get("faultType").string()) : org.dlsec.attack.fault.FaultType.BIT_FLIP;
        p = p.withRandom(m.containsKey("trials") ? (int) positive(m.get("trials"), 100_000) : 10, type, List.of());
        Double stop = m.containsKey("stopAccuracy") ? m.get("stopAccuracy").number() : null;
        p = p.withBfa(m.containsKey("attackSamples") ? (int) positive(m.get("attackSamples"), 100_000) : 128, stop,
                m.containsKey("candidates") ? (int) positive(m.get("candidates"), 1_000) : 1);
        if (m.containsKey("target")) {
            long t = m.get("target").integer();
            if (t < 0 || t > Integer.MAX_VALUE) {
                throw m.get("target").error("must be a class index, got " + t);
            }
            p = p.withTarget((int) t);
        }
        String on = m.containsKey("on") ? m.get("on").string().trim().toLowerCase(java.util.Locale.ROOT) : "weights";
        if (!on.equals("weights") && !on.equals("activations")) {
            throw m.get("on").error("expected weights or activations, got '" + org.dlsec.core.Text.echo(on) + "'");
        }
        for (String k : List.of("signature", "groupSize", "recovery")) {
            if (m.containsKey(k) && !(m.containsKey("guard") && m.get("guard").string().trim().equalsIgnoreCase("checksum"))) {
                throw m.get(k).error("'" + k + "' belongs to the checksum guard (guard: checksum)");
            }
        }
        try {
            org.dlsec.attack.fault.FaultAttacks.create(kind, p, Integer.MAX_VALUE); // the command's validation
            org.dlsec.experiment.FaultDefence guard = org.dlsec.experiment.FaultDefence.parse(
                    m.containsKey("guard") ? m.get("guard").string() : "none",
                    m.containsKey("signature") ? m.get("signature").string() : "radar2",
                    m.containsKey("groupSize") ? (int) positive(m.get("groupSize"), 1 << 20) : 16,
                    m.containsKey("recovery") ? m.get("recovery").string() : "zero");
            FaultEntry e = new FaultEntry(id, kind, p, on.equals("activations"), guard);
            FaultRuns.spec(e); // the command's checks of the combination (e.g. the BFA with a range guard)
            return e;
        } catch (org.dlsec.core.DlsecException e) {
            if (e.getMessage().contains(" line ")) {
                throw e;
            }
            throw f.error(e.getMessage());
        }
    }

    static long positive(YamlNode n, long max) {
        long v = n.integer();
        if (v < 1 || v > max) {
            throw n.error("must be in 1.." + max + ", got " + v);
        }
        return v;
    }

    private static Entry entry(YamlNode a, long seed) {
        a.onlyKeys(List.of("attack", "id", "eps", "norm", "steps", "stepSize", "restarts", "targeted", "maxQueries",
                "params", "substitute"));
        Map<String, YamlNode> m = a.map();
        if (!m.containsKey("attack")) {
            throw a.error("missing key 'attack' (one of " + String.join(", ", EvasionAttacks.NAMES) + ")");
        }
        String name = m.get("attack").string();
        if (!EvasionAttacks.NAMES.contains(name)) {
            throw m.get("attack").error("unknown attack '" + org.dlsec.core.Text.echo(name) + "' (one of " + String.join(", ", EvasionAttacks.NAMES) + ")");
        }
        String id = entryId(m, name, ID_MAX);
        List<Double> eps = new ArrayList<>();
        if (m.containsKey("eps")) {
            YamlNode e = m.get("eps");
            if (e.value() instanceof List) {
                for (YamlNode v : e.list()) {
                    eps.add(nonNegative(v));
                }
            } else {
                eps.add(nonNegative(e));
            }
            if (eps.isEmpty()) {
                throw e.error("an empty list of budgets");
            }
        } else {
            eps.add(0.3);
        }
        Map<String, String> params = new LinkedHashMap<>();
        if (m.containsKey("params")) {
            for (Map.Entry<String, YamlNode> p : m.get("params").map().entrySet()) {
                params.put(p.getKey(), p.getValue().string());
            }
        }
        try {
            Norm norm = m.containsKey("norm") ? Norm.parse(m.get("norm").string()) : Norm.LINF;
            AttackSpec spec = new AttackSpec(name, eps.get(0), norm,
                    m.containsKey("steps") ? (int) positive(m.get("steps"), 1_000_000) : null,
                    m.containsKey("stepSize") ? m.get("stepSize").number() : null,
                    m.containsKey("restarts") ? (int) positive(m.get("restarts"), 1000) : null,
                    m.containsKey("targeted") && m.get("targeted").bool(),
                    m.containsKey("maxQueries") ? (int) positive(m.get("maxQueries"), 100_000_000) : null, seed, params);
            try {
                EvasionAttacks.checkParams(spec);
            } catch (DlsecException typo) {
                throw m.get("params").error(typo.getMessage());
            }
            String substitute = m.containsKey("substitute") ? m.get("substitute").string().trim() : null;
            if (substitute != null && name.equals("uap")) {
                throw m.get("substitute").error("a universal perturbation is fitted on the audited model; 'substitute'"
                        + " crafts the other attacks on another model");
            }
            return new Entry(id, spec, eps, substitute);
        } catch (DlsecException ex) {
            if (ex.getMessage().contains(" line ")) {
                throw ex;
            }
            throw a.error(ex.getMessage());
        }
    }

    private static double nonNegative(YamlNode v) {
        double d = v.number();
        if (!(d >= 0) || !Double.isFinite(d) || d > Float.MAX_VALUE) {
            throw v.error("a budget must be finite, >= 0 and fit a 32-bit float, got " + d);
        }
        return d;
    }
}
