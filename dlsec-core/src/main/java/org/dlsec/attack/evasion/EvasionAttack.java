package org.dlsec.attack.evasion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Map;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Tensors;
import org.dlsec.data.Dataset;
import org.dlsec.model.Classifier;
import org.dlsec.model.Engines;

/**
 * An evasion attack: turns inputs into adversarial examples against a classifier.
 *
 * <p>{@code y} holds the true labels (int64) for an untargeted attack and the target labels for a
 * targeted one, as in ART. {@code sampleIds} identify the samples (their index in the dataset) so
 * that per-sample randomness is drawn from {@code (seed, sampleId)} and a result does not depend on
 * batching. Implementations are immutable and configured by a validated parameter record, so one
 * attack may be reused across runs and threads; every array a run creates is freed before it returns
 * (the {@link AttackResult} lives on the Java heap).
 */
public interface EvasionAttack {
    /**
     * The CLI name, e.g. {@code pgd}.
     *
     * @return the name, lower case
     */
    String name();

    /**
     * What the attack needs from the model.
     *
     * @return white-box, score-based, decision-based or transfer
     */
    Knowledge knowledge();

    /**
     * Whether the attack aims at given target classes (then {@code y} holds the targets).
     *
     * @return true for a targeted attack
     */
    boolean targeted();

    /**
     * Whether the attack needs the model's gradients (a white-box attack); a model without them cannot take it.
     *
     * @return true when the attack takes input gradients
     */
    default boolean needsGradients() {
        return knowledge() == Knowledge.WHITE_BOX;
    }

    /**
     * Attacks every sample of {@code data} in batches of {@link EvasionRunner#DEFAULT_BATCH}, without a progress bar:
     * the one call for an untargeted attack (a targeted one needs {@link #run(Classifier, Dataset, int[])}).
     *
     * @param model the classifier under attack; not closed, and its query counters are not reset
     * @param data the samples and their true labels
     * @return one result over all samples; it holds no native memory
     * @throws org.dlsec.core.DlsecException when the attack is targeted, or the model's classes do not match the data's
     * @throws org.dlsec.model.NoGradientException when the attack needs gradients and the model has none
     */
    default AttackResult run(Classifier model, Dataset data) {
        return EvasionRunner.run(this, model, data, null, EvasionRunner.DEFAULT_BATCH, false);
    }

    /**
     * As {@link #run(Classifier, Dataset)} with one target class per sample (targeted attacks).
     *
     * @param model the classifier under attack; not closed
     * @param data the samples and their true labels
     * @param targets one target class per sample, each different from the sample's label (see
     *        {@link EvasionRunner#randomTargets}); ignored by untargeted attacks
     * @return one result over all samples, successes counted against the true labels
     * @throws org.dlsec.core.DlsecException when there is not one target per sample, or the model and data do not match
     */
    default AttackResult run(Classifier model, Dataset data, int[] targets) {
        return EvasionRunner.run(this, model, data, targets, EvasionRunner.DEFAULT_BATCH, false);
    }

    /**
     * What counts as adversarial for this attack (misclassification, or the target class).
     *
     * @return {@link Criterion#TARGETED_MISCLASSIFICATION} for a targeted attack, else {@link Criterion#MISCLASSIFICATION}
     */
    default Criterion criterion() {
        return Criterion.of(targeted());
    }

    /**
     * Every parameter that affects the result, for provenance (includes the seed).
     *
     * @return an immutable map from parameter name to value
     */
    Map<String, Object> parameters();

    /**
     * Attacks one batch. Used by the runners; call it directly to attack arrays you already hold.
     *
     * @param model the classifier under attack; not closed
     * @param x the clean batch (n, sample...), float32, inside the model's bounds; not modified or closed
     * @param y the true labels (n) for an untargeted attack, the target labels for a targeted one; int64
     * @param sampleIds the samples' ids (n), from which per-sample randomness is drawn
     * @return the result for the batch; intermediate arrays are freed, and the result holds no native memory
     * @throws org.dlsec.core.DlsecException when the batch does not fit the model
     * @throws org.dlsec.model.NoGradientException when the attack needs gradients and the model has none
     */
    AttackResult generate(Classifier model, NDArray x, NDArray y, long[] sampleIds);

    /**
     * {@link #generate(Classifier, NDArray, NDArray, long[])} with sample ids 0..n-1.
     *
     * @param model the classifier under attack; not closed
     * @param x the clean batch (n, sample...), float32; not modified or closed
     * @param y the true labels (or the targets) as int64 (n)
     * @return the result for the batch
     * @throws org.dlsec.model.NoGradientException when the attack needs gradients and the model has none
     */
    default AttackResult generate(Classifier model, NDArray x, NDArray y) {
        long[] ids = new long[(int) x.getShape().get(0)];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = i;
        }
        return generate(model, x, y, ids);
    }

    /**
     * {@link #generate(Classifier, NDArray, NDArray)} on plain Java arrays, for callers that do not use DJL types:
     * the tensors are made and freed here, and the adversarial examples come back in the result
     * ({@link AttackResult#adversarialExample(int)}, flattened in the model's sample layout).
     *
     * @param model the model under attack
     * @param inputs one flattened sample per row, each of {@code model.inputShape().size()} values in the model's
     *     bounds (pixels in [0, 1] for the bundled datasets)
     * @param labels the true class of each sample (its target class for a targeted attack)
     * @return the attack's result on these samples, with sample ids 0..n-1
     * @throws org.dlsec.core.DlsecException when the rows or labels do not match the model
     */
    default AttackResult generate(Classifier model, float[][] inputs, int[] labels) {
        DlsecException.require(inputs != null && labels != null && inputs.length == labels.length,
                "labels", "one label per input row is needed");
        DlsecException.require(inputs.length > 0, "inputs", "must not be empty");
        long[] sample = model.inputShape().getShape();
        int d = Math.toIntExact(model.inputShape().size());
        float[] flat = new float[Math.multiplyExact(inputs.length, d)];
        for (int i = 0; i < inputs.length; i++) {
            DlsecException.require(inputs[i] != null && inputs[i].length == d, "inputs",
                    "row " + i + " has " + (inputs[i] == null ? 0 : inputs[i].length) + " values, the model takes " + d);
            int k = labels[i];
            DlsecException.require(k >= 0 && k < model.numClasses(), "labels",
                    "label " + k + " of row " + i + " is not a class of the model (0.." + (model.numClasses() - 1) + ")");
            System.arraycopy(inputs[i], 0, flat, i * d, d);
        }
        long[] dims = new long[sample.length + 1];
        dims[0] = inputs.length;
        System.arraycopy(sample, 0, dims, 1, sample.length);
        try (NDManager m = Engines.newManager()) {
            return generate(model, Tensors.floats(m, flat, new Shape(dims)),
                    Tensors.longs(m, labels));
        }
    }
}
