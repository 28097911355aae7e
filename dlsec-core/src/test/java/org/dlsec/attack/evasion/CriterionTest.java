package org.dlsec.attack.evasion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import org.dlsec.core.Tensors;
import org.dlsec.model.Engines;
import org.junit.jupiter.api.Test;

/** Success of an evasion attack, judged once: the truth table of both criteria, scalar and row by row. */
class CriterionTest {
    @Test
    void misclassificationNeedsACorrectCleanPredictionAndAWrongAdversarialOne() {
        Criterion c = Criterion.of(false);
        assertEquals(Criterion.MISCLASSIFICATION, c);
        // label 3
        assertTrue(c.success(3, 5, 3), "correct -> wrong");
        assertFalse(c.success(3, 3, 3), "correct -> still correct");
        assertFalse(c.success(4, 5, 3), "already misclassified: not the attack's doing");
        assertFalse(c.success(4, 3, 3), "misclassified -> correct");
        assertTrue(c.needsAttack(3, 3) && !c.needsAttack(4, 3));
    }

    @Test
    void targetedMisclassificationNeedsTheTargetAfterAndNotBefore() {
        Criterion c = Criterion.of(true);
        assertEquals(Criterion.TARGETED_MISCLASSIFICATION, c);
        // target 7
        assertTrue(c.success(3, 7, 7), "moved to the target");
        assertFalse(c.success(3, 5, 7), "moved, but not to the target");
        assertFalse(c.success(7, 7, 7), "was at the target already");
        assertTrue(c.needsAttack(3, 7) && !c.needsAttack(7, 7));
        assertEquals("target class", c.toString());
    }

    @Test
    void rowByRowAgreesWithTheScalarForm() {
        long[] pred = {0, 1, 2, 3, 4};
        long[] y = {0, 2, 2, 1, 4};
        try (NDManager m = Engines.newManager()) {
            for (Criterion c : Criterion.values()) {
                boolean[] rows = c.isAdversarial(Tensors.longs(m, pred), Tensors.longs(m, y)).toBooleanArray();
                boolean[] scalar = new boolean[pred.length];
                for (int i = 0; i < pred.length; i++) {
                    scalar[i] = c.isAdversarial(pred[i], y[i]);
                }
                assertArrayEquals(scalar, rows, c.name());
            }
        }
    }
}
