package org.dlsec.attack.evasion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Map;
import org.dlsec.TestModels;
import org.dlsec.TestSupport;
import org.dlsec.core.DlsecException;
import org.dlsec.data.Dataset;
import org.dlsec.model.Classifier;
import org.dlsec.model.QueryStats;
import org.junit.jupiter.api.Test;

/** MI-FGSM and APGD-CE against the published behaviour on an undefended MNIST LeNet. */
class MomentumAndAutoPgdTest {
    static final Dataset DATA = TestSupport.mnistTest(100);

    private static AttackResult runCounted(EvasionAttack a, Dataset d, int batch) {
        Classifier model = TestModels.mnistLenet();
        QueryStats before = model.stats();
        AttackResult r = EvasionRunner.run(a, model, d, null, batch, false);
        QueryStats spent = model.stats().minus(before);
        assertEquals(Arrays.stream(r.queries()).sum(), spent.queries(), "counted queries equal what the model saw");
        assertEquals(Arrays.stream(r.gradients()).sum(), spent.gradientSamples(), "counted gradients equal the model's");
        for (float v : r.adversarial()) {
            assertTrue(v >= 0f && v <= 1f, "outside bounds: " + v);
        }
        return r;
    }

    @Test
    void mimAtEps03LinfBreaksLenet() {
        AttackResult r = runCounted(EvasionAttacks.create(AttackSpec.of("mim", 0.3)), DATA, 100);
        assertTrue(r.cleanAccuracy() > 0.9);
        assertTrue(r.robustAccuracy() <= 0.05, "MI-FGSM robust accuracy " + r.robustAccuracy());
        for (int i = 0; i < r.size(); i++) {
            assertTrue(r.linf()[i] <= 0.3 + 1e-6, "linf " + r.linf()[i]);
            assertEquals(10, r.gradients()[i]);
        }
    }

    @Test
    void mimMomentumBeatsNoMomentumAtSmallBudgetAndL2StaysInBall() {
        // μ = 0 is I-FGSM with L1-normalised gradients (same sign steps): momentum must not be worse
        AttackResult mom = runCounted(new MomentumIterative(new MomentumIterative.Params(Norm.LINF, 0.1, 10, null, 1.0, false, 0)),
                DATA, 200);
        AttackResult none = runCounted(new MomentumIterative(new MomentumIterative.Params(Norm.LINF, 0.1, 10, null, 0.0, false, 0)),
                DATA, 200);
        assertTrue(mom.successRate() + 0.02 >= none.successRate(), mom.successRate() + " vs " + none.successRate());
        AttackResult l2 = runCounted(new MomentumIterative(new MomentumIterative.Params(Norm.L2, 2.0, 10, null, 1.0, false, 0)),
                DATA, 200);
        for (double d : l2.l2()) {
            assertTrue(d <= 2.0 + 1e-4, "l2 " + d);
        }
        assertTrue(l2.successRate() > 0.6, "L2 MI-FGSM success " + l2.successRate());
    }

    @Test
    void apgdAtEps03LinfBreaksLenetAndIsAtLeastAsStrongAsPgd() {
        AttackResult a = runCounted(new AutoPgd(new AutoPgd.Params(Norm.LINF, 0.3, 100, 1, false, 0)), DATA, 100);
        assertTrue(a.robustAccuracy() <= 0.05, "APGD robust accuracy " + a.robustAccuracy());
        for (int i = 0; i < a.size(); i++) {
            assertTrue(a.linf()[i] <= 0.3 + 1e-6);
        }
        // at a budget where the attacks differ: same number of gradient steps, same random start distribution
        AttackResult ap = runCounted(new AutoPgd(new AutoPgd.Params(Norm.LINF, 0.1, 20, 1, false, 0)), DATA, 200);
        AttackResult pg = runCounted(Pgd.pgd(Norm.LINF, 0.1, 20, null, 1, false, 0), DATA, 200);
        assertTrue(ap.robustAccuracy() <= pg.robustAccuracy(), "APGD " + ap.robustAccuracy() + " vs PGD " + pg.robustAccuracy());
        // APGD spends at most the budget, and fewer on samples that were never attackable
        for (int i = 0; i < ap.size(); i++) {
            assertTrue(ap.gradients()[i] <= 20);
            if (ap.cleanPredictions()[i] != ap.labels()[i]) {
                assertEquals(0, ap.gradients()[i], "misclassified samples are not attacked");
            }
        }
    }

    @Test
    void apgdL2StaysInTheBallAndRestartsOnlyTouchSurvivors() {
        Dataset d = TestSupport.mnistTest(60);
        AttackResult one = runCounted(new AutoPgd(new AutoPgd.Params(Norm.L2, 1.0, 20, 1, false, 5)), d, 60);
        AttackResult three = runCounted(new AutoPgd(new AutoPgd.Params(Norm.L2, 1.0, 20, 3, false, 5)), d, 60);
        for (double l : three.l2()) {
            assertTrue(l <= 1.0 + 1e-4, "l2 " + l);
        }
        assertTrue(three.successRate() >= one.successRate());
        for (int i = 0; i < d.size(); i++) {
            if (one.success()[i]) {
                assertEquals(20, three.gradients()[i], "a sample fooled in the first run is not restarted");
            }
        }
        assertTrue(Arrays.stream(three.gradients()).max().getAsLong() > 20, "some survivor was restarted");
    }

    @Test
    void sameSeedSameBitsRegardlessOfBatching() {
        Dataset d = TestSupport.mnistTest(24);
        AutoPgd a = new AutoPgd(new AutoPgd.Params(Norm.LINF, 0.1, 5, 2, false, 7));
        assertArrayEquals(runCounted(a, d, 24).adversarial(), runCounted(a, d, 8).adversarial());
        assertTrue(!Arrays.equals(runCounted(a, d, 24).adversarial(),
                runCounted(new AutoPgd(new AutoPgd.Params(Norm.LINF, 0.1, 5, 2, false, 8)), d, 24).adversarial()));
        EvasionAttack m = EvasionAttacks.create(AttackSpec.of("mim", 0.1));
        assertArrayEquals(runCounted(m, d, 24).adversarial(), runCounted(m, d, 7).adversarial());
    }

    @Test
    void checkpointsFollowThePaper() {
        // p = 0, 0.22, 0.41, 0.57, 0.70, 0.80, 0.87, 0.93, 0.99 → w = 22, 41, 57, 70, 80, 87, 93, 99 for N = 100
        assertArrayEquals(new int[] {22, 41, 57, 70, 80, 87, 93, 99}, AutoPgd.checkpoints(100));
    }

    @Test
    void badParametersAreRejectedByName() {
        assertTrue(assertThrows(DlsecException.class, () -> new MomentumIterative(
                new MomentumIterative.Params(Norm.LINF, 0.3, 10, null, -1, false, 0))).getMessage().contains("decay"));
        assertTrue(assertThrows(DlsecException.class, () -> new MomentumIterative(
                new MomentumIterative.Params(Norm.L0, 0.3, 10, null, 1, false, 0))).getMessage().contains("norm"));
        assertTrue(assertThrows(DlsecException.class, () -> new AutoPgd(new AutoPgd.Params(Norm.LINF, 0.3, 0, 1, false, 0)))
                .getMessage().contains("steps"));
        assertTrue(assertThrows(DlsecException.class, () -> new AutoPgd(new AutoPgd.Params(Norm.LINF, -1, 10, 1, false, 0)))
                .getMessage().contains("eps"));
        assertTrue(assertThrows(DlsecException.class, () -> new AutoPgd(new AutoPgd.Params(Norm.LINF, 0.3, 10, 0, false, 0)))
                .getMessage().contains("restarts"));
        assertTrue(assertThrows(DlsecException.class, () -> EvasionAttacks.create(new AttackSpec("mim", 0.3, Norm.LINF, null,
                null, null, false, null, 0, Map.of("decay", "x")))).getMessage().contains("decay"));
    }
}
