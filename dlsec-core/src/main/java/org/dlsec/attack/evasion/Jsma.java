package org.dlsec.attack.evasion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.util.Map;
import org.dlsec.core.Tensors;
import org.dlsec.core.DlsecException;
import org.dlsec.model.Classifier;
import org.dlsec.model.Gradient;

/**
 * <b>JSMA</b> — Papernot, McDaniel, Jha, Fredrikson, Celik, Swami, "The Limitations of Deep
 * Learning in Adversarial Settings", IEEE EuroS&amp;P 2016 (Algorithms 1 and 3: the saliency map
 * over feature pairs, increasing features, θ = +1).
 *
 * <p>A targeted L0 attack. At each iteration, with α<sub>i</sub> = ∂F<sub>t</sub>/∂x<sub>i</sub> and
 * β<sub>i</sub> = Σ<sub>j≠t</sub> ∂F<sub>j</sub>/∂x<sub>i</sub>, the forward derivatives of the network's
 * softmax output F ("JSMA-F" in Carlini &amp; Wagner's naming; {@code saliency=logits} takes them of the
 * logits Z instead, "JSMA-Z", as many later implementations do), the pair (p, q) of the search
 * domain maximising (α<sub>p</sub> + α<sub>q</sub>)·|β<sub>p</sub> + β<sub>q</sub>| subject to
 * α<sub>p</sub> + α<sub>q</sub> &gt; 0 and β<sub>p</sub> + β<sub>q</sub> &lt; 0 is set to the upper bound
 * (θ = +1 with clipping) and leaves the domain. The domain starts as the features below the upper
 * bound. A sample stops when it is classified as its target, when the changed features would
 * exceed γ·d (at most ⌊γ·d/2⌋ pairs), or when fewer than two features remain. When no pair meets
 * both sign conditions — a case the paper leaves open — the pair with the largest
 * (α<sub>p</sub> + α<sub>q</sub>) − (β<sub>p</sub> + β<sub>q</sub>) is taken.
 *
 * <p>F is the default because it is the stronger attack where we measured both: on the demo LeNet-5,
 * 99.8% success with 3.7% of the pixels changed against 96.5% and 5.8% for Z (BENCHMARKS.md).
 *
 * <p>Cost: two gradient calls per iteration per active sample (of F<sub>t</sub> and of
 * Σ<sub>j≠t</sub> F<sub>j</sub>); the logits of the first tell whether the target is reached, after
 * which the sample costs nothing more. The attack is always targeted: y holds the targets (the
 * runner draws them at random per sample, as ART does).
 */
public final class Jsma extends AbstractParameterisedAttack<Jsma.Params> {
    /**
     * Validated parameters.
     *
     * @param gamma γ ∈ (0, 1], the largest fraction of features that may change (paper: up to 14.5%)
     * @param probabilities forward derivatives of the softmax output F ("JSMA-F", the default) rather
     *     than of the logits Z ("JSMA-Z")
     * @param seed recorded for provenance (targets are drawn by the runner from the seed)
     */
    public record Params(double gamma, boolean probabilities, long seed) {
        /**
         * Checks every parameter.
         *
         * @param gamma γ ∈ (0, 1], the largest fraction of features that may change (paper: up to 14.5%)
         * @param probabilities forward derivatives of the softmax output F ("JSMA-F", the default) rather
         *        than of the logits Z ("JSMA-Z")
         * @param seed recorded for provenance (targets are drawn by the runner from the seed)
         * @throws org.dlsec.core.DlsecException when a parameter is outside the range given above; the message names it
         */
        public Params {
            DlsecException.require(Double.isFinite(gamma) && gamma > 0 && gamma <= 1, "gamma", "must be in (0, 1], got " + gamma);
        }

        /**
         * JSMA-F (saliency on the probabilities) with {@code gamma}.
         *
         * @param gamma γ, in (0, 1]
         * @param seed recorded for provenance
         * @throws org.dlsec.core.DlsecException when {@code gamma} is out of range
         */
        public Params(double gamma, long seed) {
            this(gamma, true, seed);
        }
    }

    /**
     * JSMA (Papernot et al. 2016; targeted, the run's targets) in one line with the registry's defaults (γ = 0.145,
     * saliency on the probabilities, seed 0), e.g. {@code Jsma.builder().gamma(0.1).onLogits().build()}.
     *
     * @return a builder with the defaults above
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Fluent, validated configuration of {@link Jsma}; {@link #build()} names a bad parameter. */
    public static final class Builder extends AttackBuilder<Builder, Jsma> {
        private double gamma = 0.145;
        private boolean probabilities = true;

        private Builder() {}

        @Override
        protected Builder self() {
            return this;
        }

        /**
         * The largest share of the features changed (default 0.145).
         *
         * @param g γ, in (0, 1]
         * @return this builder
         */
        public Builder gamma(double g) {
            this.gamma = g;
            return this;
        }

        /**
         * Saliency from the logits (JSMA-Z) instead of the probabilities (JSMA-F, the default).
         *
         * @return this builder
         */
        public Builder onLogits() {
            this.probabilities = false;
            return this;
        }


        @Override
        public Jsma build() {
            return new Jsma(new Params(gamma, probabilities, seed));
        }
    }

    /**
     * The attack with {@code params}; immutable, so one instance may be shared between threads and runs.
     *
     * @param params the validated parameters
     */
    public Jsma(Params params) {
        super("jsma", Knowledge.WHITE_BOX, params);
    }


    @Override
    public boolean targeted() {
        return true;
    }

    @Override
    public Map<String, Object> parameters() {
        return ParameterMap.of(p).first("norm", Norm.L0.cliName()).before("gamma", "theta", 1.0)
                .rename("probabilities", "saliency", p.probabilities() ? "probabilities" : "logits").before("seed", "targeted", true).map();
    }

    @Override
    protected Crafted craft(Classifier model, NDArray x, NDArray y, long[] cleanPred, long[] ids) {
        int n = (int) x.getShape().get(0);
        int d = (int) (x.getShape().size() / n);
        int k = model.numClasses();
        org.dlsec.model.Bounds b = model.bounds();
        NDManager m = x.getManager();
        long[] target = y.toLongArray();
        float[] adv = x.toFloatArray();
        long[] gradients = new long[n];
        int maxPairs = (int) Math.floor(p.gamma() * d / 2);
        boolean[][] domain = new boolean[n][];
        int[] domainSize = new int[n];
        int[] pairs = new int[n];
        boolean[] active = new boolean[n];
        for (int i = 0; i < n; i++) {
            active[i] = cleanPred[i] != target[i] && maxPairs >= 1;
            domain[i] = new boolean[d];
            for (int j = 0; j < d; j++) {
                domain[i][j] = adv[i * d + j] < b.hi(j);
                domainSize[i] += domain[i][j] ? 1 : 0;
            }
            active[i] &= domainSize[i] >= 2;
        }
        long[] sampleShape = x.getShape().slice(1).getShape();
        while (true) {
            int[] idx = Rows.where(active);
            if (idx.length == 0) {
                break;
            }
            try (NDScope s = new NDScope()) {
                s.suppressNotUsedWarning();
                NDArray cur = Tensors.floats(m, gatherRows(adv, idx, d), batchShape(idx.length, sampleShape));
                NDArray tOneHot = Tensors.longs(m, Rows.select(target, idx)).oneHot(k);
                Gradient gt = model.gradient(cur, logits -> output(logits).mul(tOneHot).sum(new int[] {1}));
                long[] pred = gt.logits().argMax(1).toLongArray();
                boolean[] still = new boolean[idx.length];
                for (int j = 0; j < idx.length; j++) {
                    gradients[idx[j]]++;
                    if (pred[j] == target[idx[j]]) {
                        active[idx[j]] = false;
                    } else {
                        still[j] = true;
                    }
                }
                int[] keep = Rows.where(still);
                if (keep.length == 0) {
                    continue;
                }
                int[] sub = new int[keep.length];
                for (int j = 0; j < keep.length; j++) {
                    sub[j] = idx[keep[j]];
                }
                NDArray curK = Rows.take(cur, keep);
                NDArray otherMask = Rows.take(tOneHot, keep).neg().add(1f);
                Gradient go = model.gradient(curK, logits -> output(logits).mul(otherMask).sum(new int[] {1}));
                float[] alpha = Perturbations.finiteOrZero(Rows.take(gt.grad(), keep)).toFloatArray();
                float[] beta = Perturbations.finiteOrZero(go.grad()).toFloatArray();
                for (int j = 0; j < keep.length; j++) {
                    int i = sub[j];
                    gradients[i]++;
                    int[] pq = bestPair(alpha, beta, j * d, domain[i], d);
                    for (int f : pq) {
                        adv[i * d + f] = b.hi(f);
                        domain[i][f] = false;
                    }
                    domainSize[i] -= 2;
                    pairs[i]++;
                    if (pairs[i] >= maxPairs || domainSize[i] < 2) {
                        active[i] = false;
                    }
                }
            }
        }
        return new Crafted(Tensors.floats(m, adv, x.getShape()), new long[n], gradients);
    }

    /** The network output whose forward derivatives make the saliency map: Z, or F = softmax(Z). */
    private NDArray output(NDArray logits) {
        return p.probabilities() ? logits.softmax(1) : logits;
    }

    /** The saliency-maximising pair of domain features (Algorithm 3 with θ = +1). */
    static int[] bestPair(float[] alpha, float[] beta, int off, boolean[] domain, int d) {
        int[] feats = new int[d];
        int mCount = 0;
        for (int f = 0; f < d; f++) {
            if (domain[f]) {
                feats[mCount++] = f;
            }
        }
        double best = 0;
        int bp = -1;
        int bq = -1;
        double fallback = Double.NEGATIVE_INFINITY;
        int fp = feats[0];
        int fq = feats[1];
        for (int a = 0; a < mCount; a++) {
            int pf = feats[a];
            float ap = alpha[off + pf];
            float bpv = beta[off + pf];
            for (int b = a + 1; b < mCount; b++) {
                int qf = feats[b];
                float at = ap + alpha[off + qf];
                float bt = bpv + beta[off + qf];
                if (at > 0 && bt < 0) {
                    double sc = (double) at * -bt;
                    if (sc > best) {
                        best = sc;
                        bp = pf;
                        bq = qf;
                    }
                } else if (bp < 0) {
                    double fb = (double) at - bt;
                    if (fb > fallback) {
                        fallback = fb;
                        fp = pf;
                        fq = qf;
                    }
                }
            }
        }
        return bp >= 0 ? new int[] {bp, bq} : new int[] {fp, fq};
    }

    private static float[] gatherRows(float[] a, int[] idx, int d) {
        float[] out = new float[idx.length * d];
        for (int j = 0; j < idx.length; j++) {
            System.arraycopy(a, idx[j] * d, out, j * d, d);
        }
        return out;
    }

    private static ai.djl.ndarray.types.Shape batchShape(int n, long[] sample) {
        long[] s = new long[sample.length + 1];
        s[0] = n;
        System.arraycopy(sample, 0, s, 1, sample.length);
        return new ai.djl.ndarray.types.Shape(s);
    }
}
