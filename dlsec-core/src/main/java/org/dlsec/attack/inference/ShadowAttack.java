package org.dlsec.attack.inference;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.dlsec.core.DlsecException;
import org.dlsec.data.Dataset;
import org.dlsec.model.Classifier;

/**
 * The shadow-model attack of Shokri, Stronati, Song and Shmatikov ("Membership Inference Attacks
 * Against Machine Learning Models", IEEE S&amp;P 2017). {@code count} shadow models of the target's
 * architecture and recipe are trained on disjoint parts of the population data, each with an equally
 * large disjoint held-out part; their outputs on their own training data (label "in") and held-out
 * data ("out") train one attack model per class. The attack model here is a logistic regression on
 * the sorted log-probability vector together with the log-probability of the true class (Shokri et al.
 * use a small neural network on the probability vector); the target's outputs on the audit set are then
 * scored by the attack model of each sample's class.
 */
public final class ShadowAttack implements MembershipAttack {
    private final ShadowSpec spec;
    private final long seed;
    private final ShadowTrainer trainer;

    /**
     * Shadow models trained in this JVM.
     *
     * @param spec the shadow models' architecture, recipe and count
     * @param seed seed of the shadow models' data
     */
    public ShadowAttack(ShadowSpec spec, long seed) {
        this(spec, seed, ShadowTrainer.LOCAL);
    }

    /**
     * As above, the shadow models trained by {@code trainer} (e.g. on Spark).
     *
     * @param spec the shadow models' architecture, recipe and count
     * @param seed seed of the shadow models' data
     * @param trainer trains the shadow models
     */
    public ShadowAttack(ShadowSpec spec, long seed, ShadowTrainer trainer) {
        DlsecException.require(trainer != null, "trainer", "must be given");
        this.trainer = trainer;
        DlsecException.require(spec != null, "shadow spec", "must be given");
        this.spec = spec;
        this.seed = seed;
    }

    @Override
    public String name() {
        return "shadow";
    }

    @Override
    public Map<String, Object> parameters() {
        Map<String, Object> p = new LinkedHashMap<>(spec.describe());
        p.put("attackModel", "logistic regression per class on the sorted log-probabilities and log p(true class)");
        p.put("seed", seed);
        return p;
    }

    @Override
    public MembershipResult infer(Classifier target, MembershipSplit split) {
        long start = System.nanoTime();
        Dataset pop = split.population();
        int k = spec.count();
        int size = Math.min(split.targetTrainSize(), pop.size() / (2 * k));
        DlsecException.require(size >= 10, "shadows", "the population (" + pop.size() + " samples) is too small for " + k
                + " shadow models with disjoint in and out sets");
        int[] perm = pop.permutation(seed ^ 0x5AD0L);
        Dataset[] ins = new Dataset[k];
        Dataset[] outs = new Dataset[k];
        for (int s = 0; s < k; s++) {
            ins[s] = pop.subset(Arrays.copyOfRange(perm, 2 * s * size, (2 * s + 1) * size), "shadow " + s + " in");
            outs[s] = pop.subset(Arrays.copyOfRange(perm, (2 * s + 1) * size, (2 * s + 2) * size), "shadow " + s + " out");
        }
        int classes = split.audit().numClasses();
        int total = 2 * k * size;
        double[][] feats = new double[total][];
        boolean[] member = new boolean[total];
        int[] label = new int[total];
        int[] next = {0};
        Dataset[][] probes = new Dataset[k][];
        for (int s = 0; s < k; s++) {
            probes[s] = new Dataset[] {ins[s], outs[s]};
        }
        double[][][][] logits = trainer.trainAndProbe(spec, ins, probes);
        for (int s = 0; s < k; s++) {
            for (int p = 0; p < 2; p++) {
                Dataset d = probes[s][p];
                double[][] z = logits[s][p];
                for (int i = 0; i < z.length; i++) {
                    int at = next[0]++;
                    feats[at] = features(z[i], d.label(i));
                    member[at] = p == 0;
                    label[at] = d.label(i);
                }
            }
        }
        LogisticRegression[] perClass = new LogisticRegression[classes];
        for (int c = 0; c < classes; c++) {
            final int cls = c;
            int[] idx = java.util.stream.IntStream.range(0, total).filter(i -> label[i] == cls).toArray();
            if (idx.length < 4) {
                continue;
            }
            double[][] x = new double[idx.length][];
            boolean[] y = new boolean[idx.length];
            for (int j = 0; j < idx.length; j++) {
                x[j] = feats[idx[j]];
                y[j] = member[idx[j]];
            }
            perClass[c] = LogisticRegression.fit(x, y, 1e-2, 50);
        }
        long q0 = target.stats().queries();
        double[][] z = Outputs.logits(target, split.audit());
        double[] scores = new double[z.length];
        for (int i = 0; i < z.length; i++) {
            LogisticRegression lr = perClass[split.audit().label(i)];
            scores[i] = lr == null ? 0 : lr.logit(features(z[i], split.audit().label(i)));
        }
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("shadowTrainSize", size);
        return MembershipResult.of(this, scores, split, target.stats().queries() - q0, start, extra);
    }

    /** Sorted log-probabilities (descending, clamped at −50) and the true class's log-probability. */
    static double[] features(double[] z, int y) {
        double lse = Outputs.logSumExp(z, -1);
        double[] lp = new double[z.length];
        for (int j = 0; j < z.length; j++) {
            lp[j] = Math.max(-50, z[j] - lse);
        }
        double[] sorted = lp.clone();
        Arrays.sort(sorted);
        double[] f = new double[z.length + 1];
        for (int j = 0; j < z.length; j++) {
            f[j] = sorted[z.length - 1 - j];
        }
        f[z.length] = lp[y];
        return f;
    }
}
