package org.dlsec.attack.inference;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.dlsec.core.DlsecException;
import org.dlsec.data.Dataset;
import org.dlsec.model.Classifier;

/**
 * The Likelihood Ratio Attack (LiRA) of Carlini, Chien, Nasr, Song, Terzis and Tramèr ("Membership
 * Inference Attacks From First Principles", IEEE S&amp;P 2022).
 *
 * <p>{@code count} reference ("shadow") models of the target's architecture and recipe are trained on
 * random halves: every audit sample is in the training set of exactly half of them (drawn at random
 * per sample), and each training set is topped up with population data to the target's training-set
 * size. For each audit sample the logit-scaled confidence φ = log(p_y / (1 − p_y)) of the models
 * that trained on it (IN) and of those that did not (OUT) is fitted by a Gaussian.
 *
 * <ul>
 *   <li>online: the score is the log-likelihood ratio log N(φ_target; μ_in, σ_in²) − log N(φ_target; μ_out, σ_out²);</li>
 *   <li>offline: only the OUT models are used; the score is the one-sided z = (φ_target − μ_out) / σ_out
 *       (a monotone transform of the paper's Pr[Z &lt; φ_target]).</li>
 * </ul>
 * An online run also reports the offline figures from the same models (under {@code extra.offline}).
 * With fewer than 64 reference models the paper recommends one variance shared by all samples
 * ({@code globalVariance}, the default here); per-sample variances are used otherwise.
 */
public final class Lira implements MembershipAttack {
    private final ShadowSpec spec;
    private final boolean online;
    private final boolean globalVariance;
    private final long seed;
    private final ShadowTrainer trainer;

    /**
     * LiRA with reference models trained in this JVM.
     *
     * @param spec the reference models' architecture, recipe and count (online needs at least 2)
     * @param online true for the online attack (IN and OUT models), false for offline
     * @param globalVariance one variance for all samples (recommended below 64 models)
     * @param seed seed of the reference models' data
     */
    public Lira(ShadowSpec spec, boolean online, boolean globalVariance, long seed) {
        this(spec, online, globalVariance, seed, ShadowTrainer.LOCAL);
    }

    /**
     * As above, the reference models trained by {@code trainer} (e.g. on Spark).
     *
     * @param spec the reference models' architecture, recipe and count
     * @param online true for the online attack
     * @param globalVariance one variance for all samples
     * @param seed seed of the reference models' data
     * @param trainer trains the reference models
     */
    public Lira(ShadowSpec spec, boolean online, boolean globalVariance, long seed, ShadowTrainer trainer) {
        DlsecException.require(trainer != null, "trainer", "must be given");
        this.trainer = trainer;
        DlsecException.require(spec != null, "shadow spec", "must be given");
        DlsecException.require(!online || spec.count() >= 2, "shadows", "online LiRA needs at least 2 reference models, got "
                + spec.count());
        this.spec = spec;
        this.online = online;
        this.globalVariance = globalVariance;
        this.seed = seed;
    }

    /**
     * Online LiRA with the paper's defaults for few reference models: one variance shared by all samples, seed 0.
     *
     * <pre>{@code
     * MembershipAttack lira = Lira.online(ShadowSpec.fromCard(card, 16, Map.of(), 0)).seed(1).build();
     * }</pre>
     *
     * @param spec the reference (shadow) models to train: architecture, training recipe and count
     * @return a builder; {@link Builder#build()} validates the combination
     */
    public static Builder online(ShadowSpec spec) {
        return new Builder(spec, true);
    }

    /**
     * Offline LiRA (OUT models only), otherwise as {@link #online(ShadowSpec)}.
     *
     * @param spec the reference (shadow) models to train
     * @return a builder
     */
    public static Builder offline(ShadowSpec spec) {
        return new Builder(spec, false);
    }

    /** Builds a {@link Lira} attack one named choice at a time; not thread-safe. */
    public static final class Builder {
        private final ShadowSpec spec;
        private final boolean online;
        private boolean globalVariance = true;
        private long seed;
        private ShadowTrainer trainer = ShadowTrainer.LOCAL;

        private Builder(ShadowSpec spec, boolean online) {
            this.spec = spec;
            this.online = online;
        }

        /**
         * One Gaussian variance per sample instead of one shared by all (the paper's choice with 64 or more
         * reference models).
         *
         * @return this builder
         */
        public Builder perSampleVariance() {
            this.globalVariance = false;
            return this;
        }

        /**
         * Sets the seed of the reference models' data splits and training.
         *
         * @param s the seed (default 0)
         * @return this builder
         */
        public Builder seed(long s) {
            this.seed = s;
            return this;
        }

        /**
         * Trains the reference models with {@code t} (e.g. on Spark) instead of in this JVM.
         *
         * @param t the trainer
         * @return this builder
         */
        public Builder trainer(ShadowTrainer t) {
            this.trainer = t;
            return this;
        }

        /**
         * Builds the attack.
         *
         * @return the attack
         * @throws DlsecException naming the parameter when the spec or trainer is missing, or online LiRA has fewer
         *     than 2 reference models
         */
        public Lira build() {
            return new Lira(spec, online, globalVariance, seed, trainer);
        }
    }

    @Override
    public String name() {
        return online ? "lira" : "lira-offline";
    }

    @Override
    public Map<String, Object> parameters() {
        Map<String, Object> p = new LinkedHashMap<>(spec.describe());
        p.put("online", online);
        p.put("globalVariance", globalVariance);
        p.put("seed", seed);
        return p;
    }

    /** The reference models' scaled confidences on the audit set and who trained on what. */
    record Reference(double[][] phi, boolean[][] in, double[] shadowTrainAccuracy) {}

    @Override
    public MembershipResult infer(Classifier target, MembershipSplit split) {
        long start = System.nanoTime();
        Reference ref = reference(spec, split, seed, trainer);
        long q0 = target.stats().queries();
        double[] phiTarget = scaled(target, split.audit());
        long queries = target.stats().queries() - q0;
        double[] scores = scores(ref, phiTarget, online, globalVariance);
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("shadowTrainAccuracy", ref.shadowTrainAccuracy());
        if (online) {
            // the offline variant comes for free from the same reference models
            double[] offline = scores(ref, phiTarget, false, globalVariance);
            org.dlsec.metric.Roc roc = org.dlsec.metric.Roc.of(offline, split.member());
            Map<String, Object> off = new LinkedHashMap<>();
            off.put("auc", roc.auc());
            off.put("balancedAccuracy", roc.balancedAccuracy());
            off.put("tprAt01Fpr", roc.tprAtFpr(0.001));
            off.put("tprAt1Fpr", roc.tprAtFpr(0.01));
            extra.put("offline", off);
        }
        return MembershipResult.of(this, scores, split, queries, start, extra);
    }

    static double[] scaled(Classifier model, Dataset data) {
        return scaled(Outputs.logits(model, data), data);
    }

    static double[] scaled(double[][] z, Dataset data) {
        double[] phi = new double[z.length];
        for (int i = 0; i < z.length; i++) {
            phi[i] = Outputs.scaledConfidence(z[i], data.label(i));
        }
        return phi;
    }

    /** Trains the reference models: each audit sample IN for exactly half of them. */
    static Reference reference(ShadowSpec spec, MembershipSplit split, long seed, ShadowTrainer trainer) {
        int k = spec.count();
        int n = split.audit().size();
        Random rnd = new Random(seed ^ 0x5EEDL);
        boolean[][] in = new boolean[k][n];
        for (int i = 0; i < n; i++) {
            int[] perm = Dataset.permutation(k, rnd);
            for (int j = 0; j < k / 2; j++) {
                in[perm[j]][i] = true;
            }
            if (k % 2 == 1 && rnd.nextBoolean()) {
                in[perm[k / 2]][i] = true;
            }
        }
        Dataset pop = split.population();
        Dataset[] sets = new Dataset[k];
        for (int s = 0; s < k; s++) {
            int inCount = 0;
            for (boolean b : in[s]) {
                inCount += b ? 1 : 0;
            }
            int fill = Math.max(0, Math.min(pop.size(), split.targetTrainSize() - inCount));
            int[] auditIdx = new int[inCount];
            int a = 0;
            for (int i = 0; i < n; i++) {
                if (in[s][i]) {
                    auditIdx[a++] = i;
                }
            }
            Dataset part = split.audit().subset(auditIdx, "reference model " + s + ": its IN half of the audit set");
            if (fill > 0) {
                int[] popIdx = Arrays.copyOf(Dataset.permutation(pop.size(), rnd), fill);
                part = MembershipSplit.concat(part, pop.subset(popIdx, "reference model " + s + ": population fill"));
            }
            sets[s] = part;
        }
        double[][] phi = new double[k][];
        double[] acc = new double[k];
        Dataset[][] probes = new Dataset[k][];
        for (int s = 0; s < k; s++) {
            probes[s] = new Dataset[] {split.audit(), sets[s]};
        }
        double[][][][] logits = trainer.trainAndProbe(spec, sets, probes);
        for (int s = 0; s < k; s++) {
            phi[s] = scaled(logits[s][0], split.audit());
            acc[s] = ShadowModels.accuracy(logits[s][1], sets[s]);
        }
        return new Reference(phi, in, acc);
    }

    static double[] scores(Reference ref, double[] phiTarget, boolean online, boolean globalVariance) {
        int k = ref.phi().length;
        int n = phiTarget.length;
        double[] muIn = new double[n];
        double[] muOut = new double[n];
        double[] sdIn = new double[n];
        double[] sdOut = new double[n];
        double poolIn = 0;
        double poolOut = 0;
        int dfIn = 0;
        int dfOut = 0;
        for (int i = 0; i < n; i++) {
            double si = 0;
            double so = 0;
            int ni = 0;
            int no = 0;
            for (int s = 0; s < k; s++) {
                if (ref.in()[s][i]) {
                    si += ref.phi()[s][i];
                    ni++;
                } else {
                    so += ref.phi()[s][i];
                    no++;
                }
            }
            muIn[i] = ni == 0 ? Double.NaN : si / ni;
            muOut[i] = no == 0 ? Double.NaN : so / no;
            double vi = 0;
            double vo = 0;
            for (int s = 0; s < k; s++) {
                double d = ref.phi()[s][i] - (ref.in()[s][i] ? muIn[i] : muOut[i]);
                if (ref.in()[s][i]) {
                    vi += d * d;
                } else {
                    vo += d * d;
                }
            }
            poolIn += vi;
            poolOut += vo;
            dfIn += Math.max(0, ni - 1);
            dfOut += Math.max(0, no - 1);
            sdIn[i] = ni > 1 ? Math.sqrt(vi / (ni - 1)) : Double.NaN;
            sdOut[i] = no > 1 ? Math.sqrt(vo / (no - 1)) : Double.NaN;
        }
        double gIn = dfIn > 0 ? Math.sqrt(poolIn / dfIn) : 1;
        double gOut = dfOut > 0 ? Math.sqrt(poolOut / dfOut) : 1;
        double[] scores = new double[n];
        for (int i = 0; i < n; i++) {
            double so = floor(globalVariance || Double.isNaN(sdOut[i]) ? gOut : sdOut[i]);
            double mo = Double.isNaN(muOut[i]) ? 0 : muOut[i];
            if (!online) {
                scores[i] = (phiTarget[i] - mo) / so;
                continue;
            }
            double si = floor(globalVariance || Double.isNaN(sdIn[i]) ? gIn : sdIn[i]);
            double mi = Double.isNaN(muIn[i]) ? mo : muIn[i];
            scores[i] = new NormalDistribution(null, mi, si).logDensity(phiTarget[i])
                    - new NormalDistribution(null, mo, so).logDensity(phiTarget[i]);
        }
        return scores;
    }

    private static double floor(double sd) {
        return Math.max(sd, 1e-6);
    }
}
