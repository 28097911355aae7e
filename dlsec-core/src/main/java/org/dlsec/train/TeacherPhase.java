package org.dlsec.train;

import org.dlsec.model.Classifier;

/**
 * A training method that first trains a teacher of the same architecture and then trains the model
 * against it (defensive distillation). {@link TrainingRun} trains the teacher with
 * {@link #teacherLoss()}, then the model with {@link #studentLoss(Classifier)}.
 */
public interface TeacherPhase {
    /**
     * The loss the teacher is trained with.
     *
     * @return the teacher's batch loss
     */
    BatchLoss teacherLoss();

    /**
     * The loss the model (the student) is trained with, given the trained teacher.
     *
     * @param teacher the trained teacher; owned by the caller, not closed
     * @return the student's batch loss
     */
    BatchLoss studentLoss(Classifier teacher);
}
