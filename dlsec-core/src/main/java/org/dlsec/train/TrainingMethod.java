package org.dlsec.train;

import java.util.Map;

/**
 * How a model is trained beyond plain cross-entropy: the batch transformation (e.g. adversarial
 * examples, noise), the batch loss (null for cross-entropy on the transformed batch), an optional
 * teacher phase (distillation; null for none; when present it supplies the model's loss) and the
 * parameters recorded in the model card's provenance.
 */
public record TrainingMethod(String name, BatchTransform transform, BatchLoss loss, TeacherPhase teacher,
        Map<String, Object> parameters) {
    /** Plain empirical risk minimisation. */
    public static final TrainingMethod STANDARD = new TrainingMethod("standard", BatchTransform.NONE, null, Map.of());

    public TrainingMethod {
        transform = transform == null ? BatchTransform.NONE : transform;
        parameters = parameters == null ? Map.of() : Map.copyOf(parameters);
        if (teacher != null && loss != null) {
            throw new IllegalArgumentException("a method with a teacher phase takes its loss from the teacher phase");
        }
    }

    /**
     * A method without a teacher phase.
     */
    public TrainingMethod(String name, BatchTransform transform, BatchLoss loss, Map<String, Object> parameters) {
        this(name, transform, loss, null, parameters);
    }
}
