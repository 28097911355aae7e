package org.dlsec.train;

import java.util.Map;

/**
 * How a model is trained beyond plain cross-entropy: the batch transformation (e.g. adversarial
 * examples, noise), the batch loss (null for cross-entropy on the transformed batch), an optional
 * teacher phase (distillation; null for none; when present it supplies the model's loss) and the
 * parameters recorded in the model card's provenance.
 *
 * @param name the method's name as the model card records it, e.g. {@code standard}, {@code pgd-at}
 * @param transform rewrites each batch before the update; null means {@link BatchTransform#NONE}
 * @param loss the batch loss, or null for softmax cross-entropy on the transformed batch
 * @param teacher the teacher phase (distillation), or null; excludes {@code loss}
 * @param parameters what the card records about the method; copied, null means none
 */
public record TrainingMethod(String name, BatchTransform transform, BatchLoss loss, TeacherPhase teacher,
        Map<String, Object> parameters) {
    /** Plain empirical risk minimisation. */
    public static final TrainingMethod STANDARD = new TrainingMethod("standard", BatchTransform.NONE, null, Map.of());

    /**
     * Normalises the defaults and copies the parameters.
     *
     * @param name the method's name as the model card records it, e.g. {@code standard}, {@code pgd-at}
     * @param transform rewrites each batch before the update; null means {@link BatchTransform#NONE}
     * @param loss the batch loss, or null for softmax cross-entropy on the transformed batch
     * @param teacher the teacher phase (distillation), or null; excludes {@code loss}
     * @param parameters what the card records about the method; copied, null means none
     * @throws IllegalArgumentException when both a teacher phase and a loss are given
     */
    public TrainingMethod {
        transform = transform == null ? BatchTransform.NONE : transform;
        parameters = parameters == null ? Map.of() : Map.copyOf(parameters);
        if (teacher != null && loss != null) {
            throw new IllegalArgumentException("a method with a teacher phase takes its loss from the teacher phase");
        }
    }

    /**
     * A method without a teacher phase.
     *
     * @param name the method's name
     * @param transform rewrites each batch, or null for none
     * @param loss the batch loss, or null for cross-entropy
     * @param parameters what the card records, or null
     */
    public TrainingMethod(String name, BatchTransform transform, BatchLoss loss, Map<String, Object> parameters) {
        this(name, transform, loss, null, parameters);
    }
}
