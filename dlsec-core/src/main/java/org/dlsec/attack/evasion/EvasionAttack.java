package org.dlsec.attack.evasion;

import ai.djl.ndarray.NDArray;
import java.util.Map;
import org.dlsec.data.Dataset;
import org.dlsec.model.Classifier;

/**
 * An evasion attack: turns inputs into adversarial examples against a classifier.
 *
 * <p>{@code y} holds the true labels (int64) for an untargeted attack and the target labels for a
 * targeted one, as in ART. {@code sampleIds} identify the samples (their index in the dataset) so
 * that per-sample randomness is drawn from {@code (seed, sampleId)} and a result does not depend on
 * batching. Implementations are immutable and configured by a validated parameter record.
 */
public interface EvasionAttack {
    /** The CLI name, e.g. {@code pgd}. */
    String name();

    Knowledge knowledge();

    boolean targeted();

    /** Whether the attack needs the model's gradients (a white-box attack); a model without them cannot take it. */
    default boolean needsGradients() {
        return knowledge() == Knowledge.WHITE_BOX;
    }

    /**
     * Attacks every sample of {@code data} in batches of {@link EvasionRunner#DEFAULT_BATCH}, without a progress bar:
     * the one call for an untargeted attack (a targeted one needs {@link #run(Classifier, Dataset, int[])}).
     */
    default AttackResult run(Classifier model, Dataset data) {
        return EvasionRunner.run(this, model, data, null, EvasionRunner.DEFAULT_BATCH, false);
    }

    /** As {@link #run(Classifier, Dataset)} with one target class per sample (targeted attacks). */
    default AttackResult run(Classifier model, Dataset data, int[] targets) {
        return EvasionRunner.run(this, model, data, targets, EvasionRunner.DEFAULT_BATCH, false);
    }

    /** What counts as adversarial for this attack (misclassification, or the target class). */
    default Criterion criterion() {
        return Criterion.of(targeted());
    }

    /** Every parameter that affects the result, for provenance (includes the seed). */
    Map<String, Object> parameters();

    AttackResult generate(Classifier model, NDArray x, NDArray y, long[] sampleIds);

    /** {@link #generate(Classifier, NDArray, NDArray, long[])} with sample ids 0..n-1. */
    default AttackResult generate(Classifier model, NDArray x, NDArray y) {
        long[] ids = new long[(int) x.getShape().get(0)];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = i;
        }
        return generate(model, x, y, ids);
    }
}
