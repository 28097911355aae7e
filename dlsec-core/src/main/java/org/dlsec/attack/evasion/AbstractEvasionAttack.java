package org.dlsec.attack.evasion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.dlsec.core.Tensors;
import org.dlsec.core.DlsecException;
import org.dlsec.core.NumericalIssue;
import org.dlsec.model.Classifier;
import org.dlsec.model.NoGradientException;
import org.dlsec.model.QueryStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The template every evasion attack shares: validates the batch, predicts the clean labels, lets
 * the algorithm {@link #craft} its adversarial examples, clips them to the model's bounds, replaces
 * any non-finite example by the original (marking the sample failed), predicts the adversarial
 * labels and measures distances, queries and time. Everything runs in one {@code NDScope}, so
 * no native memory outlives the call: algorithms may create arrays freely.
 */
public abstract class AbstractEvasionAttack implements EvasionAttack {
    private static final Logger LOG = LoggerFactory.getLogger(AbstractEvasionAttack.class);

    private final String name;
    private final Knowledge knowledge;

    /**
     * An attack of a fixed name and adversary knowledge (most are).
     *
     * @param name the attack's name as results and the command line show it
     * @param knowledge what the attack needs from the model
     */
    protected AbstractEvasionAttack(String name, Knowledge knowledge) {
        this.name = name;
        this.knowledge = knowledge;
    }

    /** An attack that answers {@link #name()} and {@link #knowledge()} itself (a wrapper of another attack). */
    protected AbstractEvasionAttack() {
        this(null, null);
    }

    @Override
    public String name() {
        if (name == null) {
            throw new IllegalStateException(getClass().getName() + " must override name()");
        }
        return name;
    }

    @Override
    public Knowledge knowledge() {
        if (knowledge == null) {
            throw new IllegalStateException(getClass().getName() + " must override knowledge()");
        }
        return knowledge;
    }

    /**
     * What an algorithm produced for a batch: adversarial examples (n, sample...) on the batch's
     * manager, and per-sample counts of the queries and gradients it spent (the template adds the
     * clean and final predictions). {@code gaveUp} (null: none) marks samples whose optimisation went
     * non-finite too often and was abandoned without an adversarial example (they are reported failed);
     * {@code issues} lists what the algorithm recovered from.
     */
    protected record Crafted(NDArray adversarial, long[] queries, long[] gradients, boolean[] gaveUp,
            List<NumericalIssue> issues) {
        /**
         * A result without given-up samples or numerical issues.
         *
         * @param adversarial the adversarial examples (n, sample...), on the batch's manager
         * @param queries per-sample queries the algorithm made (n)
         * @param gradients per-sample input gradients the algorithm took (n)
         */
        protected Crafted(NDArray adversarial, long[] queries, long[] gradients) {
            this(adversarial, queries, gradients, null, List.of());
        }
    }

    /**
     * The algorithm. {@code y} are true labels (untargeted) or targets (targeted), int64;
     * {@code cleanPred} the model's clean predictions.
     *
     * @param model the classifier under attack
     * @param x the clean batch (n, sample...)
     * @param y true labels or targets (n), int64
     * @param cleanPred the model's predictions on {@code x}
     * @param sampleIds the samples' ids, from which per-sample randomness is drawn
     * @return the adversarial examples and their cost; arrays created here may be left open (they are freed
     *         with the template's scope)
     */
    protected abstract Crafted craft(Classifier model, NDArray x, NDArray y, long[] cleanPred, long[] sampleIds);

    @Override
    public final AttackResult generate(Classifier model, NDArray x, NDArray y, long[] sampleIds) {
        Shape s = x.getShape();
        if (s.dimension() != model.inputShape().dimension() + 1 || !s.slice(1).equals(model.inputShape())) {
            throw new DlsecException("input shape mismatch: the model expects (n, " + model.inputShape() + ") but got " + s);
        }
        int n = (int) s.get(0);
        if (y == null || y.getShape().dimension() != 1 || y.getShape().get(0) != n) {
            throw new DlsecException(name() + ": need one " + (targeted() ? "target" : "label") + " per sample");
        }
        if (sampleIds.length != n) {
            throw new DlsecException(name() + ": need one sample id per sample");
        }
        if (needsGradients() && !model.hasGradients()) {
            throw new NoGradientException(model.info().kind());
        }
        long start = System.nanoTime();
        QueryStats before = model.stats();
        // every NDArray created below is closed with the scope: only Java arrays leave this method
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray yl = y.toType(DataType.INT64, true);
            long[] yv = yl.toLongArray();
            for (long v : yv) {
                if (v < 0 || v >= model.numClasses()) {
                    throw new DlsecException(name() + ": label/target " + v + " outside 0.." + (model.numClasses() - 1));
                }
            }
            long[] clean = model.predictLabels(x).toLongArray();
            Crafted c = craft(model, x, yl, clean, sampleIds);
            NDArray adv = c.adversarial();
            boolean[] failed = Perturbations.nonFiniteRows(adv);
            boolean anyFailed = false;
            for (int i = 0; i < n; i++) {
                failed[i] |= c.gaveUp() != null && c.gaveUp()[i];
                anyFailed |= failed[i];
            }
            if (anyFailed) {
                NDArray mask = Tensors.booleans(x.getManager(), failed).reshape(Perturbations.perSampleShape(n, s.dimension())).broadcast(s);
                adv = NDArrays.where(mask, x, adv);
            }
            adv = model.bounds().clip(adv);
            long[] advPred = model.predictLabels(adv).toLongArray();
            NDArray delta = adv.sub(x);
            double[] l0 = toDoubles(Perturbations.l0(delta));
            double[] l2 = toDoubles(Perturbations.l2(delta));
            double[] linf = toDoubles(Perturbations.linf(delta));
            float[] advFlat = adv.toFloatArray();
            double secs = (System.nanoTime() - start) / 1e9;

            int[] labels = new int[n];
            int[] targets = targeted() ? new int[n] : null;
            int[] cp = new int[n];
            int[] ap = new int[n];
            boolean[] success = new boolean[n];
            long[] queries = new long[n];
            double[] seconds = new double[n];
            for (int i = 0; i < n; i++) {
                cp[i] = (int) clean[i];
                ap[i] = (int) advPred[i];
                if (targeted()) {
                    targets[i] = (int) yv[i];
                    labels[i] = -1;
                } else {
                    labels[i] = (int) yv[i];
                }
                queries[i] = c.queries()[i] + 2;
                seconds[i] = secs / n;
            }
            if (targeted()) {
                // the true labels are not known to a targeted attack's caller; the runner fills them in
                System.arraycopy(cp, 0, labels, 0, n);
            }
            Criterion criterion = criterion();
            for (int i = 0; i < n; i++) {
                success[i] = !failed[i] && criterion.success(cp[i], ap[i], yv[i]);
            }
            QueryStats spent = model.stats().minus(before);
            long counted = 0;
            for (long q : queries) {
                counted += q;
            }
            if (counted != spent.queries()) {
                LOG.warn("{}: per-sample queries add up to {} but the classifier saw {}", name(), counted, spent.queries());
            }
            return new AttackResult(name(), knowledge(), targeted(), parameters(), s.slice(1).getShape(), sampleIds.clone(),
                    labels, targets, cp, ap, success, failed, l0, l2, linf, queries, c.gradients().clone(), seconds, advFlat,
                    c.issues());
        }
    }

    private static double[] toDoubles(NDArray a) {
        float[] f = a.toFloatArray();
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    /**
     * A per-sample count array filled with {@code v}.
     *
     * @param n the number of samples
     * @param v the value of every entry
     * @return a new array
     */
    protected static long[] filled(int n, long v) {
        long[] a = new long[n];
        java.util.Arrays.fill(a, v);
        return a;
    }
}
