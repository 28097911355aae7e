package org.dlsec.attack.poisoning;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.List;
import java.util.function.UnaryOperator;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Finite;
import org.dlsec.core.NumericalIssue;
import org.dlsec.core.StepRecovery;
import org.dlsec.core.Tensors;
import org.dlsec.model.DjlClassifier;
import org.dlsec.model.FeatureExtractor;

/**
 * Clean-label poisons by feature collision (Shafahi, Huang, Najibi, Suciu, Studer, Dumitras,
 * Goldstein, "Poison Frogs! Targeted Clean-Label Poisoning Attacks on Neural Networks", NeurIPS
 * 2018). A poison x starts from a base image b of the base class and solves
 *
 * <pre>  min_x ‖f(x) − f(t)‖² + β‖x − b‖²</pre>
 *
 * where f is the penultimate-layer representation of a feature extractor (a network pre-trained on
 * clean data) and t the target instance: x looks like b — and keeps b's correct label, so no label
 * audit finds it — but sits on top of t in feature space. Retrained on a set holding x, a classifier
 * over those features learns "this point is the base class", and t goes with it.
 *
 * <p>The minimisation is the paper's forward-backward splitting (its Algorithm 1): a gradient
 * (forward) step of size λ on the feature term, then the proximal (backward) step of the β term,
 * x ← (x̂ + λβ·b) / (1 + λβ), then clipping to [0, 1]. A step that raises the objective is undone
 * and retried with half the step size (per poison), as the authors' implementation does. β is
 * scaled to the sizes of the spaces as in the paper: β = β0 · dim_f² / dim_b² (there with dim_f =
 * 2048 for InceptionV3, β0 = 0.25).
 *
 * <p>A step whose objective or gradient is not finite is treated like one that raises the objective
 * (undone, retried from the last finite poison with half the step) and recorded; after
 * {@link StepRecovery#MAX_RETRIES} such events the poison stays at its last finite point.
 *
 * <p>Watermarking (the paper's end-to-end setting): with opacity γ &gt; 0 the base is first blended
 * with the target, b ← γ·t + (1 − γ)·b, and the poison is crafted from — and pulled towards — that
 * blend.
 *
 * @param beta0 the unscaled weight of the similarity to the base (the paper's β0)
 * @param iterations forward-backward steps
 * @param stepSize the initial forward step λ
 * @param watermark the opacity γ of the target blended into the base, in [0, 1); 0 for none
 */
public record FeatureCollision(double beta0, int iterations, double stepSize, double watermark) {
    /**
     * Checks every parameter.
     *
     * @param beta0 the unscaled weight of the similarity to the base (the paper's β0)
     * @param iterations forward-backward steps
     * @param stepSize the initial forward step λ
     * @param watermark the opacity γ of the target blended into the base, in [0, 1); 0 for none
     * @throws org.dlsec.core.DlsecException when a parameter is out of range; the message names it
     */
    public FeatureCollision {
        DlsecException.require(beta0 >= 0 && Double.isFinite(beta0), "beta", "must be finite and ≥ 0, got " + beta0);
        DlsecException.require(iterations >= 1 && iterations <= 100_000, "iterations", "must be in 1..100000, got " + iterations);
        DlsecException.require(stepSize > 0 && Double.isFinite(stepSize), "step size", "must be positive, got " + stepSize);
        DlsecException.require(watermark >= 0 && watermark < 1, "watermark", "opacity must be in [0, 1), got " + watermark);
    }

    /**
     * Defaults for LeNet-5 on MNIST: β0 = 25, 200 iterations, λ = 0.1, no watermark. The paper's β0
     * = 0.25 (for 299×299 images and 2048 features) scales here to β ≈ 0.003, which lets the poison
     * drift far from its base; β0 = 25 gives β ≈ 0.29 and poisons at L2 ≈ 4–5 from the base.
     *
     * @return the attack
     */
    public static FeatureCollision defaults() {
        return new FeatureCollision(25, 200, 0.1, 0);
    }

    /**
     * β scaled to the input and feature sizes: β0 · dim_f² / dim_b².
     *
     * @param inputDim the number of input values of a sample
     * @param featureDim the number of penultimate-layer features
     * @return the scaled β
     */
    public double beta(int inputDim, int featureDim) {
        return beta0 * ((double) featureDim * featureDim) / ((double) inputDim * inputDim);
    }

    /**
     * Crafted poisons.
     *
     * @param poisons one CHW image per base, in [0, 1]
     * @param bases the bases the poisons were pulled towards (watermarked if γ &gt; 0)
     * @param featureDistanceBefore ‖f(b) − f(t)‖ for the original (unwatermarked) base
     * @param featureDistanceAfter ‖f(x) − f(t)‖ for the poison
     * @param pixelL2 ‖x − b‖₂ to the original base
     * @param pixelLinf ‖x − b‖∞ to the original base
     * @param beta the scaled β used
     * @param numericalIssues the non-finite steps met and what was done (empty if none)
     */
    public record Crafted(float[][] poisons, float[][] bases, double[] featureDistanceBefore, double[] featureDistanceAfter,
            double[] pixelL2, double[] pixelLinf, double beta, List<NumericalIssue> numericalIssues) {
        /**
         * Copies the issue list (null means none).
         *
         * @param poisons one CHW image per base, in [0, 1]
         * @param bases the bases the poisons were pulled towards (watermarked if γ &gt; 0)
         * @param featureDistanceBefore ‖f(b) − f(t)‖ for the original (unwatermarked) base
         * @param featureDistanceAfter ‖f(x) − f(t)‖ for the poison
         * @param pixelL2 ‖x − b‖₂ to the original base
         * @param pixelLinf ‖x − b‖∞ to the original base
         * @param beta the scaled β used
         * @param numericalIssues the non-finite steps met and what was done (empty if none)
         */
        public Crafted {
            numericalIssues = numericalIssues == null ? List.of() : List.copyOf(numericalIssues);
        }
    }

    /**
     * Crafts one poison per base so that its features collide with the target's.
     *
     * @param extractor a model pre-trained on clean data (its penultimate layer is f); not changed
     * @param target the target instance t, CHW in [0, 1]
     * @param bases base-class images, CHW in [0, 1]
     * @return the poisons with their distances to base and target
     */
    public Crafted craft(DjlClassifier extractor, float[] target, float[][] bases) {
        FeatureExtractor fe = FeatureExtractor.penultimate(extractor);
        try (NDManager m = extractor.model().getNDManager().newSubManager()) {
            return craft(fe::features, m, extractor.inputShape(), target, bases);
        }
    }

    /**
     * As above with the feature map {@code fe} (images (n, sample...) to features (n, F), differentiable)
     * and the manager {@code m} to work on.
     */
    Crafted craft(UnaryOperator<NDArray> fe, NDManager m, Shape shape, float[] target, float[][] bases) {
        DlsecException.require(bases.length >= 1, "bases", "need at least one base image");
        int d = Math.toIntExact(shape.size());
        DlsecException.require(target.length == d, "target", "has " + target.length + " values, the model takes " + d);
        int n = bases.length;
        float g = (float) watermark;
        float[] orig = new float[n * d];
        float[] base = new float[n * d];
        for (int i = 0; i < n; i++) {
            DlsecException.require(bases[i].length == d, "bases", "base " + i + " has " + bases[i].length + " values, expected " + d);
            for (int k = 0; k < d; k++) {
                orig[i * d + k] = bases[i][k];
                base[i * d + k] = g * target[k] + (1 - g) * bases[i][k];
            }
        }
        {
            NDArray ft = fe.apply(Tensors.floats(m, target, new Shape(1).addAll(shape)));
            int fdim = (int) ft.getShape().get(1);
            double beta = beta(d, fdim);
            double[] before = featureDistance(fe, m, orig, n, shape, ft);
            float[] x = base.clone();
            float[] prevX = x.clone();
            float[] prevGrad = new float[n * d];
            double[] prevF = new double[n];
            java.util.Arrays.fill(prevF, Double.POSITIVE_INFINITY);
            double[] lr = new double[n];
            java.util.Arrays.fill(lr, stepSize);
            StepRecovery recovery = new StepRecovery("feature-collision", n);
            for (int it = 0; it < iterations; it++) {
                float[] grad = new float[n * d];
                double[] obj = objectiveAndGradient(fe, m, x, base, n, shape, ft, beta, grad);
                for (int i = 0; i < n; i++) {
                    if (recovery.gaveUp(i)) {
                        continue; // stays at its last finite point
                    }
                    boolean finite = Double.isFinite(obj[i]) && Finite.all(grad, i * d, (i + 1) * d);
                    if (!finite) {
                        double halved = lr[i] / 2;
                        String problem = Double.isFinite(obj[i]) ? "non-finite gradient" : "non-finite objective";
                        if (!recovery.fail(i, "poison " + i, it, problem,
                                f -> "restarted from the last finite point with step " + (float) halved,
                                "kept its last finite point as the poison")) {
                            System.arraycopy(prevX, i * d, x, i * d, d);
                            continue;
                        }
                    }
                    if (!finite || obj[i] > prevF[i]) {
                        lr[i] /= 2;
                        System.arraycopy(prevX, i * d, x, i * d, d);
                        System.arraycopy(prevGrad, i * d, grad, i * d, d);
                    } else {
                        prevF[i] = obj[i];
                        System.arraycopy(x, i * d, prevX, i * d, d);
                        System.arraycopy(grad, i * d, prevGrad, i * d, d);
                    }
                    double step = lr[i];
                    double shrink = 1 + step * beta;
                    for (int k = i * d; k < (i + 1) * d; k++) {
                        double forward = x[k] - step * grad[k];
                        double backward = (forward + step * beta * base[k]) / shrink;
                        x[k] = (float) Math.min(1, Math.max(0, backward));
                    }
                }
            }
            double[] last = objectiveAndGradient(fe, m, x, base, n, shape, ft, beta, null);
            for (int i = 0; i < n; i++) {
                if (!(last[i] <= prevF[i])) { // also when the last objective is not finite
                    System.arraycopy(prevX, i * d, x, i * d, d);
                }
            }
            double[] after = featureDistance(fe, m, x, n, shape, ft);
            float[][] poisons = new float[n][];
            float[][] pulled = new float[n][];
            double[] l2 = new double[n];
            double[] linf = new double[n];
            for (int i = 0; i < n; i++) {
                poisons[i] = java.util.Arrays.copyOfRange(x, i * d, (i + 1) * d);
                pulled[i] = java.util.Arrays.copyOfRange(base, i * d, (i + 1) * d);
                double s = 0;
                double mx = 0;
                for (int k = 0; k < d; k++) {
                    double diff = Math.abs(poisons[i][k] - bases[i][k]);
                    s += diff * diff;
                    mx = Math.max(mx, diff);
                }
                l2[i] = Math.sqrt(s);
                linf[i] = mx;
            }
            return new Crafted(poisons, pulled, before, after, l2, linf, beta, recovery.issues());
        }
    }

    /** ‖f(x_i) − f(t)‖ for each of the n images in {@code flat}. */
    private static double[] featureDistance(UnaryOperator<NDArray> fe, NDManager parent, float[] flat, int n, Shape shape, NDArray ft) {
        try (NDManager m = parent.newSubManager()) {
            NDArray f = fe.apply(Tensors.floats(m, flat, new Shape(n).addAll(shape)));
            float[] dist = f.sub(ft).square().sum(new int[] {1}).sqrt().toFloatArray();
            double[] out = new double[n];
            for (int i = 0; i < n; i++) {
                out[i] = dist[i];
            }
            return out;
        }
    }

    /**
     * Per-poison objective ‖f(x) − f(t)‖² + β‖x − b‖² at {@code x}; when {@code grad} is not null it
     * receives the gradient of the feature term (the forward step's direction).
     */
    private static double[] objectiveAndGradient(UnaryOperator<NDArray> fe, NDManager parent, float[] x, float[] base, int n,
            Shape shape, NDArray ft, double beta, float[] grad) {
        int d = Math.toIntExact(shape.size());
        float[] feat;
        try (NDManager m = parent.newSubManager()) {
            NDArray xi = Tensors.floats(m, x, new Shape(n).addAll(shape));
            if (grad == null) {
                feat = fe.apply(xi).sub(ft).square().sum(new int[] {1}).toFloatArray();
            } else {
                xi.setRequiresGradient(true);
                NDArray per;
                try (GradientCollector gc = m.getEngine().newGradientCollector()) {
                    per = fe.apply(xi).sub(ft).square().sum(new int[] {1});
                    gc.backward(per.sum());
                }
                feat = per.stopGradient().toFloatArray();
                float[] gr = xi.getGradient().toFloatArray();
                System.arraycopy(gr, 0, grad, 0, n * d);
            }
        }
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int k = i * d; k < (i + 1) * d; k++) {
                double diff = x[k] - base[k];
                s += diff * diff;
            }
            out[i] = feat[i] + beta * s;
        }
        return out;
    }
}
