package org.dlsec.attack.evasion;

import com.fasterxml.jackson.annotation.JsonIgnore;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.dlsec.core.DlsecException;
import org.dlsec.core.NumericalIssue;
import org.dlsec.core.Provenance;
import org.dlsec.core.Tensors;
import org.dlsec.data.Dataset;
import org.dlsec.model.Classifier;

/**
 * The outcome of an evasion attack on n samples, kept per sample (other toolkits throw this away)
 * and summarised by {@link #summary()}.
 *
 * <p>Success: for an untargeted attack, a sample the model classified correctly before the attack
 * is misclassified after it; for a targeted one, it is classified as its target. Samples the model
 * already got wrong are never counted as successes. {@code failed} marks samples the attack could
 * not attack (e.g. non-finite gradients); their adversarial example is the original input.
 * Distances are between the adversarial example and the original, over all C·H·W values; L0 counts
 * values that changed by more than 1e-6. Queries count every sample the classifier predicted for this
 * sample (including the clean and the final check), gradients every input gradient taken.
 *
 * <p>Immutable apart from its arrays, which are shared, not copied: do not modify them. A result
 * holds no native memory (everything is on the Java heap), so it needs no closing and may be kept
 * after the model and its manager are closed.
 *
 * @param attack the attack's name, e.g. {@code pgd}
 * @param knowledge what the attack needed from the model
 * @param targeted whether the attack aimed at target classes
 * @param parameters every parameter that affects the result (budget, steps, seed ...); copied, immutable
 * @param sampleShape one sample's shape, e.g. {1, 28, 28}
 * @param sampleIds each sample's index in its dataset (n)
 * @param labels the true labels (n)
 * @param targets the target classes (n) of a targeted attack, or null
 * @param cleanPredictions the model's predictions before the attack (n)
 * @param adversarialPredictions the predictions on the adversarial examples (n)
 * @param success whether the attack succeeded on each sample (see above)
 * @param failed whether the attack could not run on each sample; its example is then the original
 * @param l0 per sample, the number of values changed by more than 1e-6
 * @param l2 per sample, the L2 norm of the perturbation, in the data's units
 * @param linf per sample, the L∞ norm of the perturbation, in the data's units
 * @param queries per sample, the samples the classifier predicted for it
 * @param gradients per sample, the input gradients taken for it
 * @param seconds per sample, its share of the batch's wall time
 * @param adversarial the adversarial examples, flattened (n·C·H·W); not serialised to JSON
 * @param numericalIssues non-finite losses, gradients or iterates the attack recovered from (restarted with a smaller
 *     step, or gave the sample up: then it is marked failed); empty when none
 * @param provenance what ran on what (model file and SHA-256, data origin, the attack's parameters and seed, versions,
 *     start and end): set by {@link EvasionAttack#run(Classifier, Dataset)} and {@link EvasionRunner}; null for a
 *     result of {@link EvasionAttack#generate} on tensors, which knows no model file or data origin
 */
public record AttackResult(
        String attack,
        Knowledge knowledge,
        boolean targeted,
        Map<String, Object> parameters,
        long[] sampleShape,
        long[] sampleIds,
        int[] labels,
        int[] targets,
        int[] cleanPredictions,
        int[] adversarialPredictions,
        boolean[] success,
        boolean[] failed,
        double[] l0,
        double[] l2,
        double[] linf,
        long[] queries,
        long[] gradients,
        double[] seconds,
        @JsonIgnore float[] adversarial,
        List<NumericalIssue> numericalIssues,
        @JsonIgnore Provenance provenance) {

    /**
     * Checks that the per-sample arrays have one entry per sample and copies the parameter map and the issue list.
     *
     * @param attack the attack's name, e.g. {@code pgd}
     * @param knowledge what the attack needed from the model
     * @param targeted whether the attack aimed at target classes
     * @param parameters every parameter that affects the result (budget, steps, seed ...); copied, immutable
     * @param sampleShape one sample's shape, e.g. {1, 28, 28}
     * @param sampleIds each sample's index in its dataset (n)
     * @param labels the true labels (n)
     * @param targets the target classes (n) of a targeted attack, or null
     * @param cleanPredictions the model's predictions before the attack (n)
     * @param adversarialPredictions the predictions on the adversarial examples (n)
     * @param success whether the attack succeeded on each sample (see above)
     * @param failed whether the attack could not run on each sample; its example is then the original
     * @param l0 per sample, the number of values changed by more than 1e-6
     * @param l2 per sample, the L2 norm of the perturbation, in the data's units
     * @param linf per sample, the L∞ norm of the perturbation, in the data's units
     * @param queries per sample, the samples the classifier predicted for it
     * @param gradients per sample, the input gradients taken for it
     * @param seconds per sample, its share of the batch's wall time
     * @param adversarial the adversarial examples, flattened (n·C·H·W); not serialised to JSON
     * @param numericalIssues non-finite losses, gradients or iterates the attack recovered from (restarted with a smaller
     *        step, or gave the sample up: then it is marked failed); empty when none
     * @param provenance what ran on what, or null (a result of {@code generate} on tensors)
     * @throws IllegalArgumentException when a per-sample array or {@code targets} has a length other than {@code labels.length}
     */
    public AttackResult {
        int n = labels.length;
        for (Object a : new Object[] {sampleIds, cleanPredictions, adversarialPredictions, success, failed, l0, l2, linf,
            queries, gradients, seconds}) {
            if (java.lang.reflect.Array.getLength(a) != n) {
                throw new IllegalArgumentException("per-sample arrays of different lengths");
            }
        }
        if (targets != null && targets.length != n) {
            throw new IllegalArgumentException("targets length");
        }
        parameters = Map.copyOf(parameters);
        numericalIssues = numericalIssues == null ? List.of() : List.copyOf(numericalIssues);
    }

    /**
     * A result without provenance yet.
     * @param attack the attack's name, e.g. {@code pgd}
     * @param knowledge what the attack needed from the model
     * @param targeted whether the attack aimed at target classes
     * @param parameters every parameter that affects the result (budget, steps, seed ...); copied, immutable
     * @param sampleShape one sample's shape, e.g. {1, 28, 28}
     * @param sampleIds each sample's index in its dataset (n)
     * @param labels the true labels (n)
     * @param targets the target classes (n) of a targeted attack, or null
     * @param cleanPredictions the model's predictions before the attack (n)
     * @param adversarialPredictions the predictions on the adversarial examples (n)
     * @param success whether the attack succeeded on each sample (see above)
     * @param failed whether the attack could not run on each sample; its example is then the original
     * @param l0 per sample, the number of values changed by more than 1e-6
     * @param l2 per sample, the L2 norm of the perturbation, in the data's units
     * @param linf per sample, the L∞ norm of the perturbation, in the data's units
     * @param queries per sample, the samples the classifier predicted for it
     * @param gradients per sample, the input gradients taken for it
     * @param seconds per sample, its share of the batch's wall time
     * @param adversarial the adversarial examples, flattened (n·C·H·W); not serialised to JSON
     * @param numericalIssues the non-finite events the attack recovered from, or null for none
     */
    public AttackResult(String attack, Knowledge knowledge, boolean targeted, Map<String, Object> parameters,
            long[] sampleShape, long[] sampleIds, int[] labels, int[] targets, int[] cleanPredictions,
            int[] adversarialPredictions, boolean[] success, boolean[] failed, double[] l0, double[] l2, double[] linf,
            long[] queries, long[] gradients, double[] seconds, float[] adversarial, List<NumericalIssue> numericalIssues) {
        this(attack, knowledge, targeted, parameters, sampleShape, sampleIds, labels, targets, cleanPredictions,
                adversarialPredictions, success, failed, l0, l2, linf, queries, gradients, seconds, adversarial, numericalIssues,
                null);
    }

    /**
     * A result without numerical issues.
     *
     * @param attack the attack's name, e.g. {@code pgd}
     * @param knowledge what the attack needed from the model
     * @param targeted whether the attack aimed at target classes
     * @param parameters every parameter that affects the result (budget, steps, seed ...); copied, immutable
     * @param sampleShape one sample's shape, e.g. {1, 28, 28}
     * @param sampleIds each sample's index in its dataset (n)
     * @param labels the true labels (n)
     * @param targets the target classes (n) of a targeted attack, or null
     * @param cleanPredictions the model's predictions before the attack (n)
     * @param adversarialPredictions the predictions on the adversarial examples (n)
     * @param success whether the attack succeeded on each sample (see above)
     * @param failed whether the attack could not run on each sample; its example is then the original
     * @param l0 per sample, the number of values changed by more than 1e-6
     * @param l2 per sample, the L2 norm of the perturbation, in the data's units
     * @param linf per sample, the L∞ norm of the perturbation, in the data's units
     * @param queries per sample, the samples the classifier predicted for it
     * @param gradients per sample, the input gradients taken for it
     * @param seconds per sample, its share of the batch's wall time
     * @param adversarial the adversarial examples, flattened (n·C·H·W); not serialised to JSON
     */
    public AttackResult(String attack, Knowledge knowledge, boolean targeted, Map<String, Object> parameters,
            long[] sampleShape, long[] sampleIds, int[] labels, int[] targets, int[] cleanPredictions,
            int[] adversarialPredictions, boolean[] success, boolean[] failed, double[] l0, double[] l2, double[] linf,
            long[] queries, long[] gradients, double[] seconds, float[] adversarial) {
        this(attack, knowledge, targeted, parameters, sampleShape, sampleIds, labels, targets, cleanPredictions,
                adversarialPredictions, success, failed, l0, l2, linf, queries, gradients, seconds, adversarial, List.of());
    }

    /**
     * The same result with {@code issues} recorded.
     *
     * @param issues the issues recorded while attacking these samples; null means none
     * @return a new result; this one is unchanged
     */
    public AttackResult withNumericalIssues(List<NumericalIssue> issues) {
        return new AttackResult(attack, knowledge, targeted, parameters, sampleShape, sampleIds, labels, targets,
                cleanPredictions, adversarialPredictions, success, failed, l0, l2, linf, queries, gradients, seconds, adversarial,
                issues, provenance);
    }

    /**
     * The same result with its provenance.
     *
     * @param p what ran on what, or null
     * @return a copy carrying {@code p}
     */
    public AttackResult withProvenance(Provenance p) {
        return new AttackResult(attack, knowledge, targeted, parameters, sampleShape, sampleIds, labels, targets,
                cleanPredictions, adversarialPredictions, success, failed, l0, l2, linf, queries, gradients, seconds, adversarial,
                numericalIssues, p);
    }

    /**
     * This result read at budget {@code eps} in {@code norm}, for an attack that minimises its perturbation
     * ({@link MinimalPerturbationAttack}): a success whose perturbation is larger than ε (beyond float rounding,
     * a relative 1e-6) is not a success there, its adversarial example is the original ({@code original} gives sample
     * i's clean values) and its prediction the clean one. Queries, gradients and time stay those of the one run; the
     * parameters record the budget as {@code eps}.
     *
     * @param norm the norm the distances are read in, {@link Norm#L2} or {@link Norm#LINF}
     * @param eps the budget ε, finite and at least 0, in the data's units
     * @param original gives sample i's clean values (as many as one sample has), e.g. {@code data::image}
     * @return a new result at that budget
     * @throws org.dlsec.core.DlsecException when {@code eps} or {@code norm} is invalid or an original has the wrong size
     */
    public AttackResult withinBudget(Norm norm, double eps, java.util.function.IntFunction<float[]> original) {
        DlsecException.require(Double.isFinite(eps) && eps >= 0, "eps", "must be finite and >= 0, got " + eps);
        DlsecException.require(norm == Norm.L2 || norm == Norm.LINF, "norm", "a budget from distances is read in l2 or"
                + " linf, not " + norm.cliName());
        int n = size();
        int d = n == 0 ? 0 : adversarial.length / n;
        int[] pred = adversarialPredictions.clone();
        boolean[] ok = success.clone();
        double[] z0 = l0.clone();
        double[] z2 = l2.clone();
        double[] zinf = linf.clone();
        float[] adv = adversarial.clone();
        for (int i = 0; i < n; i++) {
            double dist = norm == Norm.L2 ? l2[i] : linf[i];
            if (success[i] && dist > eps * (1 + 1e-6)) {
                ok[i] = false;
                pred[i] = cleanPredictions[i];
                z0[i] = 0;
                z2[i] = 0;
                zinf[i] = 0;
                float[] x = original.apply(i);
                DlsecException.require(x.length == d, "original", "sample " + i + " has " + x.length + " values, not " + d);
                System.arraycopy(x, 0, adv, i * d, d);
            }
        }
        Map<String, Object> params = new java.util.LinkedHashMap<>(parameters);
        params.put("eps", eps);
        params.put("budgetFrom", "distances of one run (" + norm.cliName() + ")");
        return new AttackResult(attack, knowledge, targeted, params, sampleShape, sampleIds, labels, targets,
                cleanPredictions, pred, ok, failed, z0, z2, zinf, queries, gradients, seconds, adv, numericalIssues, provenance);
    }

    /**
     * The number of samples attacked.
     *
     * @return n
     */
    public int size() {
        return labels.length;
    }

    /**
     * Samples the model classified correctly before the attack.
     *
     * @return the count of samples whose clean prediction equals their label
     */
    public int correctBefore() {
        int c = 0;
        for (int i = 0; i < size(); i++) {
            c += cleanPredictions[i] == labels[i] ? 1 : 0;
        }
        return c;
    }

    /**
     * Clean accuracy: the fraction of samples classified correctly before the attack.
     *
     * @return a value in [0, 1]; NaN for an empty result
     */
    public double cleanAccuracy() {
        return (double) correctBefore() / size();
    }

    /**
     * Fraction of all samples still classified correctly after the attack.
     *
     * @return a value in [0, 1]; NaN for an empty result
     */
    public double robustAccuracy() {
        int c = 0;
        for (int i = 0; i < size(); i++) {
            c += adversarialPredictions[i] == labels[i] ? 1 : 0;
        }
        return (double) c / size();
    }

    /**
     * Successes among the samples classified correctly before the attack.
     *
     * @return a value in [0, 1]; 0 when no sample was classified correctly before the attack
     */
    public double successRate() {
        int s = 0;
        for (boolean b : success) {
            s += b ? 1 : 0;
        }
        int base = correctBefore();
        return base == 0 ? 0 : (double) s / base;
    }

    /**
     * The number of samples the attack could not run on (their example is the original).
     *
     * @return a count between 0 and n
     */
    public int failedCount() {
        int f = 0;
        for (boolean b : failed) {
            f += b ? 1 : 0;
        }
        return f;
    }

    /**
     * The aggregate figures (means of distances over successful samples).
     *
     * @return a new summary computed from the per-sample arrays
     */
    public Summary summary() {
        double[] sl0 = successful(l0);
        double[] sl2 = successful(l2);
        double[] slinf = successful(linf);
        double totalSeconds = Arrays.stream(seconds).sum();
        return new Summary(attack, knowledge.label(), targeted, size(), correctBefore(), cleanAccuracy(), robustAccuracy(),
                successRate(), mean(sl0), mean(sl2), mean(slinf), median(sl2), mean(queries), median(queries),
                mean(gradients), failedCount(), totalSeconds, size() / Math.max(totalSeconds, 1e-9), numericalIssues.size());
    }

    private double[] successful(double[] v) {
        int k = 0;
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            if (success[i]) {
                out[k++] = v[i];
            }
        }
        return Arrays.copyOf(out, k);
    }

    private static double mean(double[] v) {
        return v.length == 0 ? Double.NaN : Arrays.stream(v).average().orElse(Double.NaN);
    }

    private static double mean(long[] v) {
        return v.length == 0 ? Double.NaN : Arrays.stream(v).average().orElse(Double.NaN);
    }

    private static double median(double[] v) {
        if (v.length == 0) {
            return Double.NaN;
        }
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static double median(long[] v) {
        return median(Arrays.stream(v).asDoubleStream().toArray());
    }

    /**
     * The per-sample results: the sample's index in its dataset, its label and target (or -1), the prediction
     * before and after the attack, success, failure (the attack could not run on it), the L0/L2/L∞ distances of
     * the perturbation, the queries and the gradient calls it cost. The audit's {@code samples} and
     * {@code dlsec attack --json}'s {@code samples} are this record.
     */
    public record PerSample(long[] index, int[] label, int[] target, int[] cleanPrediction, int[] adversarialPrediction,
            boolean[] success, boolean[] failed, double[] l0, double[] l2, double[] linf, long[] queries, long[] gradients) {}

    /**
     * The per-sample results of this run.
     *
     * @return a record sharing this result's arrays
     */
    public PerSample perSample() {
        return new PerSample(sampleIds(), labels(), targets(), cleanPredictions(), adversarialPredictions(), success(), failed(),
                l0(), l2(), linf(), queries(), gradients());
    }

    /**
     * The headline figures of one attack run; the JSON of {@code dlsec attack}.
     * Distances are means (or the median) over successful samples; NaN when nothing succeeded.
     * {@code numericalIssueCount} counts the non-finite events the attack recovered from (listed in the result).
     */
    public record Summary(String attack, String knowledge, boolean targeted, int samples, int correctBefore,
            double cleanAccuracy, double robustAccuracy, double successRate, double meanL0, double meanL2,
            double meanLinf, double medianL2, double meanQueries, double medianQueries, double meanGradients,
            int failed, double seconds, double samplesPerSecond, int numericalIssueCount) {}

    /**
     * Joins the results of consecutive batches of the same attack.
     *
     * @param parts results of the same attack and parameters on consecutive batches, in order; at least one
     * @return one result over all samples (the first part itself when there is only one)
     * @throws org.dlsec.core.DlsecException when {@code parts} is empty
     */
    public static AttackResult concat(List<AttackResult> parts) {
        if (parts.isEmpty()) {
            throw new DlsecException("no attack results to join");
        }
        if (parts.size() == 1) {
            return parts.get(0);
        }
        AttackResult f = parts.get(0);
        boolean hasTargets = f.targets != null;
        return new AttackResult(f.attack, f.knowledge, f.targeted, f.parameters, f.sampleShape,
                parts.stream().flatMapToLong(p -> Arrays.stream(p.sampleIds)).toArray(),
                parts.stream().flatMapToInt(p -> Arrays.stream(p.labels)).toArray(),
                hasTargets ? parts.stream().flatMapToInt(p -> Arrays.stream(p.targets)).toArray() : null,
                parts.stream().flatMapToInt(p -> Arrays.stream(p.cleanPredictions)).toArray(),
                parts.stream().flatMapToInt(p -> Arrays.stream(p.adversarialPredictions)).toArray(),
                concatBool(parts, true), concatBool(parts, false),
                parts.stream().flatMapToDouble(p -> Arrays.stream(p.l0)).toArray(),
                parts.stream().flatMapToDouble(p -> Arrays.stream(p.l2)).toArray(),
                parts.stream().flatMapToDouble(p -> Arrays.stream(p.linf)).toArray(),
                parts.stream().flatMapToLong(p -> Arrays.stream(p.queries)).toArray(),
                parts.stream().flatMapToLong(p -> Arrays.stream(p.gradients)).toArray(),
                parts.stream().flatMapToDouble(p -> Arrays.stream(p.seconds)).toArray(),
                concatFloats(parts), parts.stream().flatMap(p -> p.numericalIssues.stream()).toList(), f.provenance);
    }

    private static boolean[] concatBool(List<AttackResult> parts, boolean successes) {
        int n = parts.stream().mapToInt(AttackResult::size).sum();
        boolean[] out = new boolean[n];
        int k = 0;
        for (AttackResult p : parts) {
            boolean[] src = successes ? p.success : p.failed;
            System.arraycopy(src, 0, out, k, src.length);
            k += src.length;
        }
        return out;
    }

    private static float[] concatFloats(List<AttackResult> parts) {
        int n = parts.stream().mapToInt(p -> p.adversarial.length).sum();
        float[] out = new float[n];
        int k = 0;
        for (AttackResult p : parts) {
            System.arraycopy(p.adversarial, 0, out, k, p.adversarial.length);
            k += p.adversarial.length;
        }
        return out;
    }

    /**
     * For a targeted run, where the attack saw only targets: the same result with the true labels
     * filled in, and success recomputed as "correct before the attack and classified as the target
     * after it".
     *
     * @param trueLabels the true label of each sample (n)
     * @return a new result with those labels and recomputed successes
     * @throws IllegalArgumentException when there is not one label per sample
     */
    public AttackResult withTrueLabels(int[] trueLabels) {
        if (trueLabels.length != size()) {
            throw new IllegalArgumentException("one label per sample needed");
        }
        boolean[] ok = new boolean[size()];
        for (int i = 0; i < size(); i++) {
            ok[i] = !failed[i] && cleanPredictions[i] == trueLabels[i] && (targeted
                    ? adversarialPredictions[i] == targets[i] && targets[i] != trueLabels[i]
                    : adversarialPredictions[i] != trueLabels[i]);
        }
        return new AttackResult(attack, knowledge, targeted, parameters, sampleShape, sampleIds, trueLabels.clone(), targets,
                cleanPredictions, adversarialPredictions, ok, failed, l0, l2, linf, queries, gradients, seconds, adversarial,
                numericalIssues, provenance);
    }

    /**
     * All adversarial examples as one tensor of shape (n, sample shape…), e.g. (n, 1, 28, 28) for MNIST.
     *
     * @param manager the manager the tensor is attached to: closing it frees the tensor's native memory
     * @return a new tensor; the result keeps its own copy
     */
    public NDArray adversarialExamples(NDManager manager) {
        long[] dims = new long[sampleShape.length + 1];
        dims[0] = size();
        System.arraycopy(sampleShape, 0, dims, 1, sampleShape.length);
        return Tensors.floats(manager, adversarial, new Shape(dims));
    }

    /**
     * Sample {@code i}'s adversarial example, in the sample's shape (CHW for images), flattened.
     *
     * @param i the sample's position in this result, 0 to n−1
     * @return a new array holding that sample's values in row-major order ({@code sampleShape}'s size)
     * @throws ArrayIndexOutOfBoundsException when {@code i} is out of range
     */
    public float[] adversarialExample(int i) {
        int d = 1;
        for (long v : sampleShape) {
            d = Math.multiplyExact(d, (int) v);
        }
        return Arrays.copyOfRange(adversarial, i * d, (i + 1) * d);
    }
}
