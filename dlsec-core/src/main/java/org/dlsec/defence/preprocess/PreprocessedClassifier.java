package org.dlsec.defence.preprocess;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Seeds;
import org.dlsec.model.AbstractClassifier;
import org.dlsec.model.Classifier;
import org.dlsec.model.Gradient;
import org.dlsec.model.LogitObjective;
import org.dlsec.model.ModelInfo;

/**
 * A defended model f(g(x)): a {@link Preprocessor} g in front of any classifier f. Predictions
 * always go through g. What an attack's gradient call returns depends on the {@link GradientMode}:
 * <ul>
 *   <li>{@link GradientMode#NAIVE} — the exact gradient of f∘g, by autograd through g (for one
 *       random draw if g is randomised). For rounding and quantisation it is zero: the masked
 *       gradient a defence-unaware attacker sees.</li>
 *   <li>{@link GradientMode#ADAPTIVE} — BPDA (Athalye, Carlini, Wagner, "Obfuscated Gradients
 *       Give a False Sense of Security", ICML 2018) for non-differentiable g: the straight-through
 *       approximation g'(x) ≈ I, i.e. f's gradient evaluated at g(x); and EOT (Athalye, Engstrom,
 *       Ilyas, Kwok, "Synthesizing Robust Adversarial Examples", ICML 2018) for randomised g: the
 *       mean of the gradients over k draws. Both combine when g is both.</li>
 * </ul>
 * Random draws are seeded per sample from (seed, call number, draw, the sample's content), so they
 * do not depend on where a sample sits in its batch. The wrapper counts one gradient call per
 * request; the k EOT draws show in the wrapped model's own counters.
 */
public final class PreprocessedClassifier extends AbstractClassifier {
    /** Which gradient an attack gets. */
    public enum GradientMode {
        /** Autograd's gradient through g (BPDA and EOT off): what a non-adaptive attacker gets. */
        NAIVE,
        /** BPDA for non-differentiable g, EOT for randomised g: what an adaptive attacker gets. */
        ADAPTIVE
    }

    private final Classifier inner;
    private final Preprocessor pre;
    private final GradientMode mode;
    private final int eotSamples;
    private final long seed;
    private final AtomicLong calls = new AtomicLong();

    /**
     * @param inner the model behind the transformation; not owned, not closed
     * @param pre the transformation g
     * @param mode the gradient attacks get
     * @param eotSamples draws averaged by an adaptive gradient of a randomised preprocessor (1..10000)
     * @param seed seed of the random draws
     * @throws org.dlsec.core.DlsecException when {@code eotSamples} is out of range
     */
    public PreprocessedClassifier(Classifier inner, Preprocessor pre, GradientMode mode, int eotSamples, long seed) {
        super(inner.inputShape(), inner.numClasses(), inner.bounds(), new ModelInfo(inner.info().kind(),
                inner.info().source() + " + " + pre.name() + pre.parameters(), inner.info().sha256(),
                inner.info().architecture()));
        DlsecException.require(eotSamples >= 1 && eotSamples <= 10_000, "eot", "must be in 1..10000, got " + eotSamples);
        this.inner = inner;
        this.pre = pre;
        this.mode = mode;
        this.eotSamples = eotSamples;
        this.seed = seed;
    }

    /**
     * The model behind the transformation.
     *
     * @return the wrapped model
     */
    public Classifier inner() {
        return inner;
    }

    /**
     * The transformation g.
     *
     * @return the preprocessor
     */
    public Preprocessor preprocessor() {
        return pre;
    }

    /**
     * The gradient attacks get.
     *
     * @return naive or adaptive
     */
    public GradientMode mode() {
        return mode;
    }

    /**
     * The same defence with another gradient mode (the predictions are identical).
     *
     * @param m the new gradient mode
     * @return a new wrapper around the same model
     */
    public PreprocessedClassifier withMode(GradientMode m) {
        return new PreprocessedClassifier(inner, pre, m, eotSamples, seed);
    }

    /**
     * What the gradient is, for reports: exact, bpda, eot or bpda+eot.
     *
     * @return one of {@code exact}, {@code bpda}, {@code eot}, {@code bpda+eot}
     */
    public String gradientKind() {
        if (mode == GradientMode.NAIVE) {
            return "exact";
        }
        String s = pre.differentiable() ? "" : "bpda";
        if (pre.randomised()) {
            s = s.isEmpty() ? "eot" : s + "+eot";
        }
        return s.isEmpty() ? "exact" : s;
    }

    /**
     * What results record about the defence: the transformation, its parameters and the gradient kind.
     *
     * @return a new mutable map
     */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("defence", pre.name());
        m.putAll(pre.parameters());
        m.put("differentiable", pre.differentiable());
        m.put("randomised", pre.randomised());
        m.put("gradient", gradientKind());
        if (pre.randomised() && mode == GradientMode.ADAPTIVE) {
            m.put("eotSamples", eotSamples);
        }
        return m;
    }

    @Override
    public boolean hasGradients() {
        return inner.hasGradients();
    }

    @Override
    protected NDArray forward(NDArray x) {
        long[] seeds = sampleSeeds(x, calls.getAndIncrement(), 0);
        try (NDArray z = pre.apply(x, bounds(), seeds)) {
            return inner.predictLogits(z);
        }
    }

    @Override
    protected Gradient backward(NDArray x, LogitObjective objective) {
        long call = calls.getAndIncrement();
        int draws = pre.randomised() && mode == GradientMode.ADAPTIVE ? eotSamples : 1;
        boolean straightThrough = mode == GradientMode.ADAPTIVE && !pre.differentiable();
        NDArray grad = null;
        NDArray logits = null;
        NDArray values = null;
        for (int j = 0; j < draws; j++) {
            try (NDScope s = new NDScope()) {
                s.suppressNotUsedWarning();
                long[] seeds = sampleSeeds(x, call, j);
                NDArray z = pre.apply(x, bounds(), seeds);
                Gradient g = inner.gradient(z, objective);
                NDArray gx = straightThrough ? g.grad() : throughPreprocessor(x, seeds, g.grad());
                grad = grad == null ? gx : grad.add(gx);
                logits = logits == null ? g.logits() : logits.add(g.logits());
                values = values == null ? g.values() : values.add(g.values());
                NDScope.unregister(grad, logits, values);
            }
        }
        if (draws > 1) {
            float inv = 1f / draws;
            grad = grad.muli(inv);
            logits = logits.muli(inv);
            values = values.muli(inv);
        }
        return new Gradient(logits, values, grad);
    }

    /** The vector-Jacobian product gz·∂g/∂x by autograd through g (same random draw as the forward). */
    private NDArray throughPreprocessor(NDArray x, long[] seeds, NDArray gz) {
        NDManager owner = x.getManager();
        try (NDManager scope = owner.newSubManager()) {
            NDArray xi = x.duplicate();
            xi.attach(scope);
            xi.setRequiresGradient(true);
            // thread-local grad mode, not DJL's JVM-wide collector: several attack tasks share a JVM on Spark
            try (org.dlsec.model.InputGradients ig = org.dlsec.model.InputGradients.open()) {
                NDArray z = pre.apply(xi, bounds(), seeds);
                ig.backward(z.mul(gz).sum());
            }
            NDArray grad = xi.getGradient();
            grad.attach(owner);
            return grad;
        }
    }

    /** Per-sample seeds from (seed, call, draw, content); zeros for a deterministic preprocessor. */
    private long[] sampleSeeds(NDArray x, long call, int draw) {
        int n = (int) x.getShape().get(0);
        long[] out = new long[n];
        if (!pre.randomised()) {
            return out;
        }
        float[] v = x.toFloatArray();
        int d = v.length / n;
        long base = Seeds.mix(Seeds.mix(seed, call), draw);
        for (int i = 0; i < n; i++) {
            long h = 0x51ED270B27A0F1B5L;
            for (int j = i * d; j < (i + 1) * d; j++) {
                h = (h ^ Float.floatToIntBits(v[j])) * 0x100000001B3L;
            }
            out[i] = Seeds.mix(base, h);
        }
        return out;
    }

    /** The wrapped model is not closed: the caller owns it. */
    @Override
    public void close() {
        // the wrapped classifier belongs to the caller
    }

    @Override
    public String kernels() {
        return inner.kernels();
    }
}
