package org.dlsec.attack.evasion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import org.dlsec.core.Tensors;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Seeds;
import org.dlsec.core.Tensors;
import org.dlsec.data.Dataset;
import org.dlsec.model.Classifier;
import org.dlsec.model.Engines;
import org.dlsec.model.QueryStats;

/**
 * <b>Universal adversarial perturbation</b> — Moosavi-Dezfooli, Fawzi, Fawzi, Frossard, "Universal
 * adversarial perturbations", CVPR 2017 (Algorithm 1).
 *
 * <p>One perturbation v for a whole data distribution. Starting from v = 0, each pass visits the
 * fitting images in a seeded random order; for every x<sub>i</sub> that v does not yet fool
 * (k̂(x<sub>i</sub> + v) = k̂(x<sub>i</sub>)), the minimal extra perturbation Δv<sub>i</sub> sending
 * x<sub>i</sub> + v across the boundary is found with {@link DeepFool}, and v ← P<sub>p,ξ</sub>(v + Δv<sub>i</sub>),
 * the projection onto the ε-ball (L∞: clipping; L2: rescaling). Passes continue until the fooling
 * rate on the fitting set — the fraction of images whose prediction v changes — reaches 1 − δ, or
 * the maximum number of passes. Images x + v are clipped to the model's bounds before they are
 * classified. The fit is sequential (one image at a time), as in the paper.
 */
public final class UniversalPerturbation {
    /**
     * Validated parameters.
     *
     * @param norm linf or l2
     * @param epsilon ξ, the radius of the ball v is projected onto, &gt; 0
     * @param delta δ ∈ [0, 1): stop once the fooling rate reaches 1 − δ (paper: 0.2)
     * @param maxPasses passes over the fitting set ≥ 1
     * @param deepFool the DeepFool settings of the inner steps (overshoot, iterations, candidates)
     * @param seed seed of the visiting order
     */
    public record Params(Norm norm, double epsilon, double delta, int maxPasses, DeepFool.Params deepFool, long seed) {
        /**
         * Checks every parameter.
         *
         * @param norm linf or l2
         * @param epsilon ξ, the radius of the ball v is projected onto, &gt; 0
         * @param delta δ ∈ [0, 1): stop once the fooling rate reaches 1 − δ (paper: 0.2)
         * @param maxPasses passes over the fitting set ≥ 1
         * @param deepFool the DeepFool settings of the inner steps (overshoot, iterations, candidates)
         * @param seed seed of the visiting order
         * @throws org.dlsec.core.DlsecException when a parameter is outside the range given above; the message names it
         */
        public Params {
            DlsecException.require(norm == Norm.LINF || norm == Norm.L2, "norm", "uap supports linf and l2, got " + norm);
            DlsecException.require(Double.isFinite(epsilon) && epsilon > 0, "eps", "must be finite and > 0, got " + epsilon);
            DlsecException.require(Double.isFinite(delta) && delta >= 0 && delta < 1, "delta", "must be in [0, 1), got " + delta);
            DlsecException.require(maxPasses >= 1 && maxPasses <= 1000, "passes", "must be in 1..1000, got " + maxPasses);
            DlsecException.require(deepFool != null, "deepfool", "settings are required");
        }

        /**
         * The paper's settings: δ = 0.2, at most 5 passes, DeepFool's defaults for the inner steps.
         *
         * @param norm linf or l2
         * @param epsilon ξ, positive
         * @param seed seed of the visiting order
         * @return the parameters
         * @throws org.dlsec.core.DlsecException when {@code norm} or {@code epsilon} is invalid
         */
        public static Params defaults(Norm norm, double epsilon, long seed) {
            return new Params(norm, epsilon, 0.2, 5, DeepFool.Params.defaults(seed), seed);
        }
    }

    /**
     * A fitted perturbation.
     *
     * @param perturbation v, flattened (C·H·W)
     * @param sampleShape (C, H, W)
     * @param params the parameters it was fitted with
     * @param foolingRate the fraction of fitting images whose prediction v changes
     * @param passes passes made
     * @param fitSamples images it was fitted on
     * @param queries queries spent fitting
     * @param gradients input gradients spent fitting
     */
    public record Fitted(float[] perturbation, long[] sampleShape, Params params, double foolingRate, int passes,
            int fitSamples, long queries, long gradients) {
        /**
         * Copies the perturbation.
         *
         * @param perturbation v, flattened (C·H·W)
         * @param sampleShape (C, H, W)
         * @param params the parameters it was fitted with
         * @param foolingRate the fraction of fitting images whose prediction v changes
         * @param passes passes made
         * @param fitSamples images it was fitted on
         * @param queries queries spent fitting
         * @param gradients input gradients spent fitting
         */
        public Fitted {
            perturbation = perturbation.clone();
        }

        /**
         * The perturbation v, flattened.
         *
         * @return a copy
         */
        @Override
        public float[] perturbation() {
            return perturbation.clone();
        }
    }

    private UniversalPerturbation() {}

    /**
     * Fits v on every image of {@code fitData} (Algorithm 1).
     *
     * @param model the classifier to fool; not closed
     * @param fitData the fitting images, at least one, matching the model
     * @param p the parameters
     * @return the fitted perturbation with its fooling rate and cost
     * @throws org.dlsec.core.DlsecException when the data is empty or does not match the model
     */
    public static Fitted fit(Classifier model, Dataset fitData, Params p) {
        DlsecException.require(fitData.size() >= 1, "fit data", "is empty");
        if (model.numClasses() != fitData.numClasses() || !fitData.sampleShape().equals(model.inputShape())) {
            throw new DlsecException("uap: the fitting data (" + fitData.name() + ") does not match the model");
        }
        QueryStats before = model.stats();
        int n = fitData.size();
        int d = fitData.sampleSize();
        float[] v = new float[d];
        Shape one = new Shape(1).addAll(model.inputShape());
        double rate = 0;
        int passes = 0;
        try (NDManager root = Engines.newManager()) {
            long[] clean = predictAll(model, root, fitData, null);
            rate = foolingRate(model, root, fitData, v, clean);
            while (rate < 1 - p.delta() && passes < p.maxPasses()) {
                int[] order = fitData.permutation(Seeds.mix(p.seed(), passes));
                for (int i : order) {
                    try (NDManager m = root.newSubManager(); NDScope s = new NDScope()) {
                        s.suppressNotUsedWarning();
                        NDArray xv = model.bounds().clip(
                                Tensors.floats(m, fitData.image(i), one).add(Tensors.floats(m, v, one)));
                        long pred = model.predictLabels(xv).getLong(0);
                        if (pred != clean[i]) {
                            continue;
                        }
                        DeepFool.Core c = DeepFool.run(model, xv, new long[] {clean[i]}, new long[] {i}, p.deepFool());
                        float[] dv = c.adversarial().sub(xv).toFloatArray();
                        for (int j = 0; j < d; j++) {
                            v[j] += Float.isFinite(dv[j]) ? dv[j] : 0f;
                        }
                        project(v, p.norm(), p.epsilon());
                    }
                }
                passes++;
                rate = foolingRate(model, root, fitData, v, clean);
            }
        }
        QueryStats spent = model.stats().minus(before);
        return new Fitted(v, model.inputShape().getShape(), p, rate, passes, n, spent.queries(), spent.gradientSamples());
    }

    /**
     * The fraction of {@code data} whose prediction changes when v is added (clipped to the bounds).
     *
     * @param model the classifier; not closed
     * @param root the manager under which per-batch managers are opened; not closed
     * @param data the images
     * @param v the perturbation, flattened (one sample's size)
     * @param clean the clean predictions of {@code data}, one per image
     * @return a value in [0, 1]
     */
    public static double foolingRate(Classifier model, NDManager root, Dataset data, float[] v, long[] clean) {
        long[] pred = predictAll(model, root, data, v);
        int fooled = 0;
        for (int i = 0; i < pred.length; i++) {
            fooled += pred[i] != clean[i] ? 1 : 0;
        }
        return (double) fooled / pred.length;
    }

    private static long[] predictAll(Classifier model, NDManager root, Dataset data, float[] v) {
        long[] out = new long[data.size()];
        int batch = 500;
        for (int from = 0; from < data.size(); from += batch) {
            int to = Math.min(data.size(), from + batch);
            try (NDManager m = root.newSubManager()) {
                NDArray x = data.images(m, from, to);
                if (v != null) {
                    x = model.bounds().clip(x.add(Tensors.floats(m, v, new Shape(1).addAll(model.inputShape()))));
                }
                long[] p = model.predictLabels(x).toLongArray();
                System.arraycopy(p, 0, out, from, p.length);
            }
        }
        return out;
    }

    /** P_{p,ξ}: projection of v onto the ε-ball, in place. */
    static void project(float[] v, Norm norm, double eps) {
        if (norm == Norm.LINF) {
            for (int j = 0; j < v.length; j++) {
                v[j] = (float) Math.max(-eps, Math.min(eps, v[j]));
            }
        } else {
            double sq = 0;
            for (float f : v) {
                sq += (double) f * f;
            }
            double norm2 = Math.sqrt(sq);
            if (norm2 > eps) {
                double k = eps / norm2;
                for (int j = 0; j < v.length; j++) {
                    v[j] = (float) (v[j] * k);
                }
            }
        }
    }
}
