package org.dlsec.attack.inference;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.Map;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Finite;
import org.dlsec.core.NumericalIssue;
import org.dlsec.core.StepRecovery;
import org.dlsec.core.Tensors;
import org.dlsec.model.Classifier;
import org.dlsec.model.Engines;
import org.dlsec.model.Gradient;
import org.dlsec.model.LogitObjective;

/**
 * MI-Face, the model inversion attack of Fredrikson, Jha and Ristenpart ("Model Inversion Attacks
 * that Exploit Confidence Information and Basic Countermeasures", CCS 2015, Algorithm 1): starting
 * from a blank image, gradient descent on the cost c(x) = 1 − f_k(x) (f_k: the model's confidence in
 * class k), with a denoising step ("Process") after every descent step. With {@code normalise} (the
 * default) each step is scaled so that the largest pixel change is {@code stepSize} times the input
 * range (the paper's fixed λ on the raw gradient stalls on deep nets, whose confidence gradients are
 * tiny far from the class); without it the step is the paper's x ← x − λ·∇c(x) with λ = {@code
 * stepSize} times the input range, which stops moving as the confidence saturates and so keeps the
 * reconstruction close to what the model's gradient says of the class (the better choice on the
 * softmax-regression models the paper inverts); it stops
 * after {@code steps} iterations, when the cost has not improved by more than {@code tolerance} for {@code patience} steps,
 * or when it falls below {@code targetCost}. The denoiser here is a 3×3 smoothing that mixes each
 * pixel with the mean of its neighbourhood ({@code smoothing} = 0 turns it off); pixels are kept in
 * the model's bounds. One reconstruction per class, all classes in one batch.
 *
 * <p>A class whose confidence or gradient is not finite, or whose next image would not be, keeps its
 * last finite image for that step and goes on with half its step; after {@link StepRecovery#MAX_RETRIES}
 * such events it stops there (the other classes go on). Each event is recorded in
 * {@link Result#numericalIssues()}.
 */
public final class MiFace implements InferenceAttack<MiFace.Classes, MiFace.Result> {
    /**
     * The classes to reconstruct, in the order of the result's images. The descent stops early on the joint cost of
     * the classes asked for, so a class asked for alone can take a different number of steps than in a run over all.
     *
     * @param classes class indices, each below the model's class count
     */
    public record Classes(int[] classes) {
        /**
         * Checks and copies the classes.
         *
         * @param classes class indices, each below the model's class count
         * @throws org.dlsec.core.DlsecException when no class is given
         */
        public Classes {
            DlsecException.require(classes != null && classes.length > 0, "classes", "name at least one class");
            classes = classes.clone();
        }

        /**
         * Every class of a model with {@code k} classes.
         *
         * @param k the number of classes
         * @return 0 to k−1
         */
        public static Classes all(int k) {
            return new Classes(java.util.stream.IntStream.range(0, k).toArray());
        }

        /**
         * The classes.
         *
         * @return a copy
         */
        @Override
        public int[] classes() {
            return classes.clone();
        }
    }

    /**
     * The reconstructions: one image (C·H·W floats) per class and the model's confidence in that class,
     * with the non-finite steps met on the way and what was done about them.
     *
     * @param images one reconstruction per class asked for, C·H·W values in the model's bounds
     * @param confidence the model's probability of each class on its reconstruction
     * @param steps descent steps made
     * @param seconds wall time
     * @param gradients gradient calls made
     * @param parameters the attack's parameters
     * @param numericalIssues the non-finite steps met and what was done (empty if none)
     */
    public record Result(float[][] images, double[] confidence, int steps, double seconds, long gradients,
            Map<String, Object> parameters, java.util.List<NumericalIssue> numericalIssues) {
        /**
         * Copies the issue list (null means none).
         *
         * @param images one reconstruction per class asked for, C·H·W values in the model's bounds
         * @param confidence the model's probability of each class on its reconstruction
         * @param steps descent steps made
         * @param seconds wall time
         * @param gradients gradient calls made
         * @param parameters the attack's parameters
         * @param numericalIssues the non-finite steps met and what was done (empty if none)
         */
        public Result {
            numericalIssues = numericalIssues == null ? java.util.List.of() : java.util.List.copyOf(numericalIssues);
        }
    }

    private final int steps;
    private final double stepSize;
    private final double smoothing;
    private final int patience;
    private final double tolerance;
    private final double targetCost;
    private final boolean normalise;

    /**
     * @param steps maximum descent steps (α in the paper)
     * @param stepSize largest pixel change per step, as a fraction of the input range (λ)
     * @param smoothing weight of the neighbourhood mean in the denoising step, in [0, 1)
     * @param patience β: stop after this many steps without improvement
     * @param tolerance improvement that counts
     * @param targetCost γ: stop when every class's cost is below it
     */
    public MiFace(int steps, double stepSize, double smoothing, int patience, double tolerance, double targetCost) {
        this(steps, stepSize, smoothing, patience, tolerance, targetCost, true);
    }

    /**
     * As above; {@code normalise} false takes the paper's plain gradient step λ·∇c.
     *
     * @param steps maximum descent steps, 1 to 100,000
     * @param stepSize largest pixel change per step, positive
     * @param smoothing weight of the neighbourhood mean, in [0, 1)
     * @param patience steps without improvement before stopping, at least 1
     * @param tolerance improvement that counts
     * @param targetCost stop when every class's cost is below it
     * @param normalise true to normalise the gradient step (the default), false for the paper's plain λ·∇c
     * @throws org.dlsec.core.DlsecException when a value is out of range
     */
    public MiFace(int steps, double stepSize, double smoothing, int patience, double tolerance, double targetCost,
            boolean normalise) {
        DlsecException.require(steps >= 1 && steps <= 100_000, "steps", "must be in 1..100000, got " + steps);
        DlsecException.require(stepSize > 0 && Double.isFinite(stepSize), "stepSize", "must be positive, got " + stepSize);
        DlsecException.require(smoothing >= 0 && smoothing < 1, "smoothing", "must be in [0, 1), got " + smoothing);
        DlsecException.require(patience >= 1, "patience", "must be positive, got " + patience);
        DlsecException.require(tolerance >= 0, "tolerance", "must be non-negative, got " + tolerance);
        DlsecException.require(targetCost >= 0 && targetCost < 1, "targetCost", "must be in [0, 1), got " + targetCost);
        this.steps = steps;
        this.stepSize = stepSize;
        this.smoothing = smoothing;
        this.patience = patience;
        this.tolerance = tolerance;
        this.targetCost = targetCost;
        this.normalise = normalise;
    }

    /**
     * The defaults of {@code dlsec privacy --attack inversion} (see BENCHMARKS.md for what they give on LeNet-5).
     *
     * @return the attack
     */
    public static MiFace defaults() {
        return new MiFace(1000, 0.05, 0.5, 1000, 1e-4, 0.0);
    }

    @Override
    public String name() {
        return "inversion";
    }

    @Override
    public Map<String, Object> parameters() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("steps", steps);
        p.put("stepSize", stepSize);
        p.put("smoothing", smoothing);
        p.put("patience", patience);
        p.put("tolerance", tolerance);
        p.put("targetCost", targetCost);
        p.put("normalise", normalise ? 1 : 0);
        return p;
    }

    /**
     * Reconstructs one input per class of {@code model}.
     *
     * @param model a white-box classifier; not closed
     * @return one reconstruction per class
     * @throws org.dlsec.model.NoGradientException when the model has no gradients
     */
    public Result infer(Classifier model) {
        return infer(model, Classes.all(model.numClasses()));
    }

    /** Reconstructs one input for each class of {@code query}, in its order. */
    @Override
    public Result infer(Classifier model, Classes query) {
        DlsecException.require(model.hasGradients(), "model", "MI-Face needs gradients: use a white-box model");
        long start = System.nanoTime();
        long g0 = model.stats().gradientCalls();
        int k = model.numClasses();
        int[] cls = query.classes();
        for (int c : cls) {
            DlsecException.require(c >= 0 && c < k, "classes", "must be below the model's " + k + " classes, got " + c);
        }
        int n = cls.length;
        Shape sample = model.inputShape();
        org.dlsec.model.Bounds bounds = model.bounds();
        float lo = bounds.min();
        float hi = bounds.max();
        int d = (int) sample.size();
        float[] x = new float[n * d];
        for (int j = 0; j < x.length; j++) {
            x[j] = bounds.lo(j % d);
        }
        double[] cost = new double[n];
        java.util.Arrays.fill(cost, 1.0);
        StepRecovery recovery = new StepRecovery(name(), n);
        double best = Double.POSITIVE_INFINITY;
        int sinceBest = 0;
        int done = 0;
        long[] targets = new long[n];
        for (int c = 0; c < n; c++) {
            targets[c] = cls[c];
        }
        try (NDManager root = Engines.newManager()) {
            for (int it = 0; it < steps; it++) {
                try (NDManager m = root.newSubManager()) {
                    NDArray xs = Tensors.floats(m, x, new Shape(n).addAll(sample));
                    NDArray onehot = Tensors.longs(m, targets).oneHot(k);
                    // objective: f_k(x) per sample; its gradient ascends the confidence, i.e. descends c(x) = 1 − f_k(x)
                    LogitObjective conf = logits -> logits.softmax(1).mul(onehot).sum(new int[] {1});
                    Gradient g = model.gradient(xs, conf);
                    float[] grad = g.grad().toFloatArray();
                    float[] f = g.values().toFloatArray();
                    String[] problem = new String[n];
                    double total = 0;
                    boolean anyLeft = false;
                    for (int c = 0; c < n; c++) {
                        if (recovery.gaveUp(c)) {
                            total += cost[c];
                            continue;
                        }
                        if (!Float.isFinite(f[c])) {
                            problem[c] = "non-finite confidence";
                        } else if (!Finite.all(grad, c * d, (c + 1) * d)) {
                            problem[c] = "non-finite gradient";
                        } else {
                            cost[c] = 1 - f[c];
                        }
                        total += cost[c];
                        anyLeft = true;
                    }
                    done = it + 1;
                    if (!anyLeft) {
                        break;
                    }
                    if (total < best - tolerance) {
                        best = total;
                        sinceBest = 0;
                    } else if (++sinceBest >= patience) {
                        break;
                    }
                    boolean allBelow = true;
                    for (double v : cost) {
                        allBelow &= v < targetCost;
                    }
                    if (allBelow) {
                        break;
                    }
                    float[] next = new float[d];
                    for (int c = 0; c < n; c++) {
                        if (recovery.gaveUp(c)) {
                            continue;
                        }
                        if (problem[c] == null) {
                            float max = 0;
                            for (int j = c * d; j < (c + 1) * d; j++) {
                                max = Math.max(max, Math.abs(grad[j]));
                            }
                            double scale = stepSize * (hi - lo) * recovery.factor(c);
                            float step = !normalise ? (float) scale : max > 0 ? (float) scale / max : 0f;
                            for (int j = c * d; j < (c + 1) * d; j++) {
                                next[j - c * d] = bounds.clamp(j - c * d, x[j] + step * grad[j]);
                            }
                            if (Finite.all(next)) {
                                System.arraycopy(next, 0, x, c * d, d);
                            } else {
                                problem[c] = "non-finite image";
                            }
                        }
                        if (problem[c] != null) {
                            // the class keeps its last finite image for this step
                            recovery.fail(c, "class " + cls[c], it, problem[c], stepSize, "kept its last finite reconstruction");
                        }
                    }
                    if (smoothing > 0) {
                        float[] before = x.clone();
                        denoise(x, n, sample, smoothing);
                        for (int c = 0; c < n; c++) {
                            if (recovery.gaveUp(c)) {
                                System.arraycopy(before, c * d, x, c * d, d);
                            }
                        }
                    }
                }
            }
            // final confidences of the returned images
            try (NDManager m = root.newSubManager()) {
                float[] p = model.predictProba(Tensors.floats(m, x, new Shape(n).addAll(sample))).toFloatArray();
                for (int c = 0; c < n; c++) {
                    cost[c] = p[c * k + cls[c]];
                }
            }
        }
        float[][] images = new float[n][];
        for (int c = 0; c < n; c++) {
            images[c] = java.util.Arrays.copyOfRange(x, c * d, (c + 1) * d);
        }
        return new Result(images, cost, done, (System.nanoTime() - start) / 1e9, model.stats().gradientCalls() - g0, parameters(),
                recovery.issues());
    }

    /** x ← (1 − s)·x + s·mean3×3(x), per channel, edges using the available neighbours. */
    static void denoise(float[] x, int n, Shape sample, double s) {
        int c = (int) sample.get(0);
        int h = (int) sample.get(1);
        int w = (int) sample.get(2);
        float[] src = x.clone();
        for (int img = 0; img < n * c; img++) {
            int base = img * h * w;
            for (int yy = 0; yy < h; yy++) {
                for (int xx = 0; xx < w; xx++) {
                    double sum = 0;
                    int cnt = 0;
                    for (int dy = -1; dy <= 1; dy++) {
                        for (int dx = -1; dx <= 1; dx++) {
                            int y2 = yy + dy;
                            int x2 = xx + dx;
                            if (y2 >= 0 && y2 < h && x2 >= 0 && x2 < w) {
                                sum += src[base + y2 * w + x2];
                                cnt++;
                            }
                        }
                    }
                    int at = base + yy * w + xx;
                    x[at] = (float) ((1 - s) * src[at] + s * sum / cnt);
                }
            }
        }
    }
}
