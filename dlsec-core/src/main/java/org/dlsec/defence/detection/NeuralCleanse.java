package org.dlsec.defence.detection;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Finite;
import org.dlsec.core.NumericalIssue;
import org.dlsec.core.Progress;
import org.dlsec.core.Seeds;
import org.dlsec.data.Dataset;
import org.dlsec.model.Classifier;
import org.dlsec.model.Engines;
import org.dlsec.model.Gradient;
import org.dlsec.model.LogitObjective;

/**
 * <b>Neural Cleanse</b> — Wang, Yao, Shan, Li, Viswanath, Zheng, Zhao, "Neural Cleanse: Identifying
 * and Mitigating Backdoor Attacks in Neural Networks", IEEE S&amp;P 2019.
 *
 * <p>For every class t, the smallest trigger that sends clean inputs to t is reverse-engineered: a
 * mask m ∈ [0,1]^{H×W} and a pattern p ∈ [0,1]^{C×H×W}, applied as x' = (1 − m)·x + m·p, minimising
 * the cross-entropy of x' against t plus λ·‖m‖₁. A backdoor target needs a much smaller mask than the
 * other classes (the trigger is a shortcut), so the L1 norms of the masks are compared with the
 * median absolute deviation: anomaly index_t = |‖m_t‖₁ − median| / (1.4826 · MAD). A class whose mask
 * is smaller than the median with an index above {@code anomalyThreshold} (the paper: 2) is flagged,
 * and the model with it, provided its reversed trigger reached the success threshold.
 *
 * <p>As in the paper, m and p are optimised through a tanh reparametrisation with Adam, and λ is
 * adapted: every {@code patience} steps it grows (×1.5) while the reversed trigger reaches the
 * {@code successThreshold} on the batches and shrinks (÷1.5) otherwise; the smallest mask that
 * reached the threshold is kept. The input gradient comes from the classifier's
 * {@link Classifier#gradient}, so any white-box model works (a dlsec model or a TorchScript file);
 * dL/dm and dL/dp follow by the chain rule. Batches are drawn from a seeded permutation of the clean data.
 *
 * <p>A step whose loss, input gradient or Adam update is not finite is not taken: the class goes on
 * from its last finite mask and pattern with half the learning rate. After {@link #MAX_RETRIES} such
 * events the class is given up: it keeps the best trigger found so far (or its last finite one, then
 * not "reached", so it cannot be flagged). Each event is recorded in {@link Result#numericalIssues()}.
 *
 * @param steps optimisation steps per class, 1..100000
 * @param batchSize clean images per step, 1..4096
 * @param learningRate Adam step on the tanh parameters, (0, 10]
 * @param initialLambda initial weight of ‖m‖₁, (0, 10]
 * @param successThreshold share of a batch that must reach the class for a mask to count, (0, 1]
 * @param anomalyThreshold anomaly index above which a class is flagged (paper: 2), &gt; 0
 * @param patience steps between adjustments of λ, 1..10000
 * @param seed seed of the batch order
 */
public record NeuralCleanse(int steps, int batchSize, double learningRate, double initialLambda, double successThreshold,
        double anomalyThreshold, int patience, long seed) {
    /**
     * The paper the scan implements, as results cite it.
     */
    public static final String PAPER = "Wang et al., Neural Cleanse: Identifying and Mitigating Backdoor Attacks in Neural"
            + " Networks, IEEE S&P 2019";
    /** MAD-to-standard-deviation factor for normally distributed data (the paper's consistency constant). */
    public static final double MAD_CONSTANT = 1.4826;
    /** Non-finite steps a class may have before its optimisation is given up. */
    public static final int MAX_RETRIES = org.dlsec.core.StepRecovery.MAX_RETRIES;

    /**
     * Checks every parameter.
     *
     * @param steps optimisation steps per class, 1..100000
     * @param batchSize clean images per step, 1..4096
     * @param learningRate Adam step on the tanh parameters, (0, 10]
     * @param initialLambda initial weight of ‖m‖₁, (0, 10]
     * @param successThreshold share of a batch that must reach the class for a mask to count, (0, 1]
     * @param anomalyThreshold anomaly index above which a class is flagged (paper: 2), &gt; 0
     * @param patience steps between adjustments of λ, 1..10000
     * @param seed seed of the batch order
     * @throws org.dlsec.core.DlsecException when a parameter is outside its range; the message names it
     */
    public NeuralCleanse {
        DlsecException.require(steps >= 1 && steps <= 100_000, "steps", "must be in 1..100000, got " + steps);
        DlsecException.require(batchSize >= 1 && batchSize <= 4096, "batch size", "must be in 1..4096, got " + batchSize);
        DlsecException.require(learningRate > 0 && learningRate <= 10, "learning rate", "must be in (0, 10], got " + learningRate);
        DlsecException.require(initialLambda > 0 && initialLambda <= 10, "lambda", "must be in (0, 10], got " + initialLambda);
        DlsecException.require(successThreshold > 0 && successThreshold <= 1, "success threshold",
                "must be in (0, 1], got " + successThreshold);
        DlsecException.require(anomalyThreshold > 0 && Double.isFinite(anomalyThreshold), "anomaly threshold",
                "must be positive, got " + anomalyThreshold);
        DlsecException.require(patience >= 1 && patience <= 10_000, "patience", "must be in 1..10000, got " + patience);
    }

    /**
     * 300 steps of 32 images per class, Adam 0.1, λ from 0.01, success 0.95, anomaly index 2, patience 10.
     *
     * @param seed seed of the batch order
     * @return the scan
     */
    public static NeuralCleanse defaults(long seed) {
        return new NeuralCleanse(300, 32, 0.1, 0.01, 0.95, 2.0, 10, seed);
    }

    /**
     * The same scan with another number of optimisation steps per class.
     *
     * @param newSteps optimisation steps per class, 1 to 100,000
     * @return a new scan
     * @throws org.dlsec.core.DlsecException when {@code newSteps} is out of range
     */
    public NeuralCleanse withSteps(int newSteps) {
        return new NeuralCleanse(newSteps, batchSize, learningRate, initialLambda, successThreshold, anomalyThreshold, patience,
                seed);
    }

    /**
     * The reverse-engineered trigger of one class.
     *
     * @param label the class the trigger sends inputs to
     * @param mask H·W values in [0, 1]
     * @param pattern C·H·W values in [0, 1]
     * @param maskL1 ‖m‖₁ of the kept mask
     * @param attackSuccess share of the last batches sent to the class with the kept trigger
     * @param reached whether the mask reached the success threshold (if not, the last mask is kept)
     * @param numericalIssues the non-finite steps met while reversing this class, and what was done
     */
    public record ClassTrigger(int label, float[] mask, float[] pattern, double maskL1, double attackSuccess, boolean reached,
            List<NumericalIssue> numericalIssues) {
        /**
         * Copies the issue list (null means none).
         *
         * @param label the class the trigger sends inputs to
         * @param mask H·W values in [0, 1]
         * @param pattern C·H·W values in [0, 1]
         * @param maskL1 ‖m‖₁ of the kept mask
         * @param attackSuccess share of the last batches sent to the class with the kept trigger
         * @param reached whether the mask reached the success threshold (if not, the last mask is kept)
         * @param numericalIssues the non-finite steps met while reversing this class, and what was done
         */
        public ClassTrigger {
            numericalIssues = numericalIssues == null ? List.of() : List.copyOf(numericalIssues);
        }

        /**
         * A trigger found without numerical accidents.
         *
         * @param label the class the trigger sends inputs to
         * @param mask H·W values in [0, 1]
         * @param pattern C·H·W values in [0, 1]
         * @param maskL1 ‖m‖₁ of the kept mask
         * @param attackSuccess share of the last batches sent to the class with the kept trigger
         * @param reached whether the mask reached the success threshold (if not, the last mask is kept)
         */
        public ClassTrigger(int label, float[] mask, float[] pattern, double maskL1, double attackSuccess, boolean reached) {
            this(label, mask, pattern, maskL1, attackSuccess, reached, List.of());
        }

        /**
         * Every image of {@code data} with this trigger applied, x' = (1 − m)·x + m·p; labels unchanged.
         *
         * @param data the images to stamp
         * @return a new in-memory dataset
         */
        public Dataset stamp(Dataset data) {
            org.dlsec.model.SampleLayout layout = org.dlsec.model.SampleLayout.of(data.sampleShape());
            int c = layout.channels();
            int hw = layout.height() * layout.width();
            DlsecException.require(mask.length == hw && pattern.length == c * hw, "trigger", "its shape does not match the data's "
                    + data.sampleShape());
            int d = data.sampleSize();
            float[] px = new float[data.size() * d];
            for (int s = 0; s < data.size(); s++) {
                float[] img = data.image(s);
                for (int k = 0; k < c; k++) {
                    for (int i = 0; i < hw; i++) {
                        int j = k * hw + i;
                        img[j] = (1 - mask[i]) * img[j] + mask[i] * pattern[j];
                    }
                }
                System.arraycopy(img, 0, px, s * d, d);
            }
            return data.withPixels(px, data.labels(), "Neural Cleanse reversed trigger of class " + label);
        }
    }

    /**
     * @param triggers per class, in class order
     * @param anomalyIndex per class: |L1 − median| / (1.4826 · MAD), signed negative above the median
     * @param backdoored whether some class has a small mask with an index above the threshold
     * @param suspectedTarget the flagged class with the largest index, or −1
     */
    public record Result(List<ClassTrigger> triggers, double[] anomalyIndex, double median, double mad, boolean backdoored,
            int suspectedTarget, double seconds) {
        /**
         * Every class's non-finite steps, in class order.
         *
         * @return an immutable list
         */
        public List<NumericalIssue> numericalIssues() {
            return triggers.stream().flatMap(t -> t.numericalIssues().stream()).toList();
        }

        /**
         * The largest anomaly index among classes whose mask is smaller than the median (0 if none).
         *
         * @return the index, at least 0
         */
        public double maxAnomalyIndex() {
            double best = 0;
            for (double a : anomalyIndex) {
                best = Math.max(best, a);
            }
            return best;
        }

        /**
         * The figures as results record them (without the masks and patterns).
         *
         * @return a new mutable map, ready for the JSON mapper
         */
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("detector", "neural-cleanse");
            m.put("paper", PAPER);
            m.put("backdoored", backdoored);
            m.put("suspectedTarget", suspectedTarget);
            m.put("anomalyIndex", maxAnomalyIndex());
            m.put("anomalyIndices", anomalyIndex);
            m.put("maskL1", triggers.stream().mapToDouble(ClassTrigger::maskL1).toArray());
            m.put("reversedSuccess", triggers.stream().mapToDouble(ClassTrigger::attackSuccess).toArray());
            m.put("medianL1", median);
            m.put("mad", mad);
            m.put("seconds", seconds);
            m.put("numericalIssues", numericalIssues());
            return m;
        }
    }

    /**
     * Reverse-engineers a trigger for every class of {@code model} on the clean images of {@code clean}.
     *
     * @param model the classifier; not closed
     * @param clean clean images the defender holds
     * @param progress whether to show a progress bar on stderr
     * @return every class's trigger and the verdict
     * @throws org.dlsec.core.DlsecException when the data does not fit the model or the model has no gradients
     */
    public Result scan(Classifier model, Dataset clean, boolean progress) {
        DlsecException.require(model.hasGradients(), "model", "Neural Cleanse needs input gradients (a white-box model)");
        DlsecException.require(clean.size() > 0, "data", "needs clean images");
        DlsecException.require(clean.sampleShape().equals(model.inputShape()), "data", "shape " + clean.sampleShape()
                + " does not match the model's input " + model.inputShape());
        long t0 = System.nanoTime();
        int k = model.numClasses();
        List<ClassTrigger> triggers = new ArrayList<>();
        try (Progress bar = progress ? Progress.start("neural cleanse", (long) k * steps) : Progress.none()) {
            for (int t = 0; t < k; t++) {
                triggers.add(reverse(model, clean, t, bar));
            }
        }
        return verdict(triggers, (System.nanoTime() - t0) / 1e9);
    }

    /**
     * The MAD outlier analysis of the paper over the reverse-engineered triggers of all classes.
     *
     * @param triggers one trigger per class, in class order
     * @param seconds the time the reversal took
     * @return the verdict and the suspected target
     */
    public Result verdict(List<ClassTrigger> triggers, double seconds) {
        int k = triggers.size();
        double[] l1 = triggers.stream().mapToDouble(ClassTrigger::maskL1).toArray();
        double median = median(l1);
        double[] dev = new double[k];
        for (int i = 0; i < k; i++) {
            dev[i] = Math.abs(l1[i] - median);
        }
        double mad = MAD_CONSTANT * median(dev);
        double[] index = new double[k];
        int suspected = -1;
        for (int i = 0; i < k; i++) {
            double a = mad > 0 ? dev[i] / mad : (dev[i] > 0 ? Double.POSITIVE_INFINITY : 0);
            index[i] = l1[i] <= median ? a : -a;
            // a mask that never sent the batches to the class is not a trigger: it cannot be flagged
            if (triggers.get(i).reached() && index[i] > anomalyThreshold && (suspected < 0 || index[i] > index[suspected])) {
                suspected = i;
            }
        }
        return new Result(List.copyOf(triggers), index, median, mad, suspected >= 0, suspected, seconds);
    }

    /**
     * The smallest trigger found for class {@code target}.
     *
     * @param model the classifier; not closed
     * @param clean clean images the defender holds
     * @param target the class, 0 to K−1
     * @param bar the progress bar to advance
     * @return the trigger with the smallest mask that reached the success threshold (or the last one)
     */
    public ClassTrigger reverse(Classifier model, Dataset clean, int target, Progress bar) {
        // the mask covers the spatial positions of the (C, H, W) view of a sample (for a feature vector:
        // one mask value per feature)
        org.dlsec.model.SampleLayout layout = org.dlsec.model.SampleLayout.of(model.inputShape());
        int c = layout.channels();
        int h = layout.height();
        int w = layout.width();
        int[] order = clean.permutation(Seeds.mix(seed, target));
        int cursor = 0;
        try (NDManager base = Engines.newManager()) {
            NDArray am = base.zeros(new Shape(1, 1, h, w));
            NDArray ap = base.zeros(new Shape(1, c, h, w));
            Adam adamM = new Adam(base, am.getShape(), learningRate);
            Adam adamP = new Adam(base, ap.getShape(), learningRate);
            double lambda = initialLambda;
            int reachedInWindow = 0;
            float[] bestMask = null;
            float[] bestPattern = null;
            double bestL1 = Double.POSITIVE_INFINITY;
            double bestSuccess = 0;
            float[] lastMask = null;
            float[] lastPattern = null;
            double lastSuccess = 0;
            double lrFactor = 1;
            int events = 0;
            boolean gaveUp = false;
            List<NumericalIssue> issues = new ArrayList<>();
            for (int step = 0; step < steps && !gaveUp; step++) {
                int n = Math.min(batchSize, clean.size());
                int[] idx = new int[n];
                for (int i = 0; i < n; i++) {
                    idx[i] = order[cursor];
                    cursor = (cursor + 1) % order.length;
                }
                String problem = null;
                try (NDManager m = base.newSubManager()) {
                    NDArray x = clean.gather(m, idx).reshape(n, c, h, w);
                    NDArray tm = am.tanh();
                    tm.attach(m); // keep per-step arrays out of the long-lived manager
                    NDArray mask = tm.add(1).div(2);
                    NDArray tp = ap.tanh();
                    tp.attach(m);
                    NDArray pattern = tp.add(1).div(2);
                    NDArray xt = x.mul(mask.neg().add(1)).add(pattern.mul(mask));
                    NDArray y = m.full(new Shape(n), target, DataType.INT64);
                    Gradient g = model.gradient(xt.reshape(new Shape(n).addAll(model.inputShape())),
                            LogitObjective.crossEntropy(y));
                    NDArray gx = g.grad().reshape(n, c, h, w).div(n);
                    long hits = g.logits().argMax(1).eq(y).sum().toType(DataType.INT64, false).getLong();
                    double success = (double) hits / n;
                    // chain rule: x' = x + m·(p − x)
                    NDArray dMask = gx.mul(pattern.sub(x)).sum(new int[] {0, 1}, true).add((float) lambda);
                    NDArray dPattern = gx.mul(mask).sum(new int[] {0}, true);
                    NDArray gradAm = dMask.mul(tm.square().neg().add(1)).div(2);
                    NDArray gradAp = dPattern.mul(tp.square().neg().add(1)).div(2);
                    float[] maskNow = mask.toFloatArray();
                    double l1 = 0;
                    for (float v : maskNow) {
                        l1 += v;
                    }
                    lastMask = maskNow;
                    lastPattern = pattern.toFloatArray();
                    lastSuccess = success;
                    if (success >= successThreshold) {
                        reachedInWindow++;
                        if (l1 < bestL1) {
                            bestL1 = l1;
                            bestMask = maskNow;
                            bestPattern = lastPattern;
                            bestSuccess = success;
                        }
                    }
                    if (!Finite.all(g.values())) {
                        problem = "non-finite loss";
                    } else if (!Finite.all(gradAm) || !Finite.all(gradAp)) {
                        problem = "non-finite gradient";
                    } else if (!adamM.step(am, gradAm, lrFactor, adamP, ap, gradAp)) {
                        problem = "non-finite Adam update";
                    }
                }
                if (problem != null) {
                    // the step was not taken: mask and pattern stay at their last finite values
                    events++;
                    if (events > MAX_RETRIES) {
                        gaveUp = true;
                        bar.step(steps - step - 1);
                        issues.add(new NumericalIssue("neural-cleanse", "class " + target, step, problem, "gave up after "
                                + MAX_RETRIES + " retries: kept " + (bestMask != null ? "the smallest trigger that reached"
                                        + " the class" : "the last finite trigger (not reached, so it cannot be flagged)")));
                    } else {
                        lrFactor /= 2;
                        issues.add(new NumericalIssue("neural-cleanse", "class " + target, step, problem,
                                "restarted from the last finite point with step " + (float) (learningRate * lrFactor)));
                    }
                }
                if ((step + 1) % patience == 0) {
                    lambda = reachedInWindow * 2 >= patience ? Math.min(10, lambda * 1.5) : Math.max(1e-6, lambda / 1.5);
                    reachedInWindow = 0;
                }
                bar.step(1);
            }
            if (bestMask != null) {
                return new ClassTrigger(target, bestMask, bestPattern, bestL1, bestSuccess, true, issues);
            }
            double l1 = 0;
            for (float v : lastMask) {
                l1 += v;
            }
            return new ClassTrigger(target, lastMask, lastPattern, l1, lastSuccess, false, issues);
        }
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    /** Adam (Kingma and Ba 2015) with the paper's β = (0.5, 0.9) on one parameter tensor, in place. */
    private static final class Adam {
        private final NDArray mean;
        private final NDArray var;
        private final double lr;
        private int t;

        Adam(NDManager manager, Shape shape, double lr) {
            this.mean = manager.zeros(shape);
            this.var = manager.zeros(shape);
            this.lr = lr;
        }

        /**
         * One step of this optimiser on {@code param} and of {@code other} on {@code otherParam}, taken
         * only if both updates are finite (then true); otherwise nothing changes (false).
         */
        boolean step(NDArray param, NDArray grad, double factor, Adam other, NDArray otherParam, NDArray otherGrad) {
            try (NDManager scope = param.getManager().newSubManager()) {
                NDArray[] mine = proposal(grad, factor, scope);
                NDArray[] theirs = other.proposal(otherGrad, factor, scope);
                if (!Finite.all(mine[2]) || !Finite.all(theirs[2])) {
                    return false;
                }
                commit(param, mine);
                other.commit(otherParam, theirs);
                return true;
            }
        }

        /** The next mean, variance and update (to subtract), on {@code scope}. */
        private NDArray[] proposal(NDArray grad, double factor, NDManager scope) {
            double b1 = 0.5;
            double b2 = 0.9;
            int next = t + 1;
            // copies on the scope, so that every array derived from them is closed with it
            NDArray mean0 = mean.duplicate();
            mean0.attach(scope);
            NDArray var0 = var.duplicate();
            var0.attach(scope);
            NDArray m1 = mean0.mul((float) b1).add(grad.mul((float) (1 - b1)));
            NDArray v1 = var0.mul((float) b2).add(grad.square().mul((float) (1 - b2)));
            double c1 = 1 - Math.pow(b1, next);
            double c2 = 1 - Math.pow(b2, next);
            NDArray upd = m1.div((float) c1).div(v1.div((float) c2).sqrt().add(1e-8f)).mul((float) (lr * factor));
            return new NDArray[] {m1, v1, upd};
        }

        private void commit(NDArray param, NDArray[] p) {
            t++;
            mean.subi(mean).addi(p[0]);
            var.subi(var).addi(p[1]);
            param.subi(p[2]);
        }
    }
}
