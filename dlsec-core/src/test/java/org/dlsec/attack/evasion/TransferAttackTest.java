package org.dlsec.attack.evasion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.dlsec.TestModels;
import org.dlsec.TestSupport;
import org.dlsec.core.DlsecException;
import org.dlsec.data.Dataset;
import org.dlsec.model.Classifier;
import org.dlsec.model.QueryStats;
import org.junit.jupiter.api.Test;

class TransferAttackTest {
    @Test
    void examplesCraftedOnASubstituteFoolTheTargetWithoutItsGradients() {
        Classifier target = TestModels.mnistLenet();
        Classifier substitute = TestModels.mnistSubstitute();
        Dataset d = TestSupport.mnistTest(200);
        QueryStats before = target.stats();
        TransferAttack t = TransferAttack.of(Pgd.pgd(Norm.LINF, 0.3, 20, null, 1, false, 0), substitute);
        AttackResult r = EvasionRunner.run(t, target, d, null, 100, false);
        QueryStats spent = target.stats().minus(before);
        assertEquals(0, spent.gradientCalls(), "the target's gradients are never used");
        assertEquals(2L * d.size(), spent.queries(), "the target sees the clean and the adversarial inputs only");
        assertEquals(Arrays.stream(r.queries()).sum(), spent.queries());
        assertEquals(Knowledge.TRANSFER, r.knowledge());
        AttackResult white = EvasionRunner.run(Pgd.pgd(Norm.LINF, 0.3, 20, null, 1, false, 0), target, d, null, 100, false);
        // transfer works (far above FGSM-free noise) but is weaker than attacking the target itself
        assertTrue(r.successRate() > 0.3, "transfer success " + r.successRate());
        assertTrue(r.successRate() <= white.successRate(), "transfer " + r.successRate() + " white " + white.successRate());
        for (double linf : r.linf()) {
            assertTrue(linf <= 0.3 + 1e-6);
        }
    }

    /**
     * A transferred ε-bounded attack is itself ε-bounded: the one sweep gives at each budget exactly what a
     * single-budget transfer run gives (before, the experiment built a fresh transfer per budget by hand).
     */
    @Test
    void aTransferCurveEqualsSingleBudgetTransferRuns() {
        Classifier target = TestModels.mnistLenet();
        Classifier substitute = TestModels.mnistSubstitute();
        Dataset d = TestSupport.mnistTest(20);
        TransferAttack t = TransferAttack.of(Pgd.pgd(Norm.LINF, 0.1, 5, null, 1, false, 3), substitute);
        assertTrue(t instanceof EpsilonAttack, "keeps the inner attack's budget");
        java.util.List<AttackResult> curve = EvasionRunner.sweep(t, target, d, new double[] {0.1, 0.3}, null, 20, false);
        for (int k = 0; k < 2; k++) {
            double eps = k == 0 ? 0.1 : 0.3;
            AttackResult single = EvasionRunner.run(TransferAttack.of(Pgd.pgd(Norm.LINF, eps, 5, null, 1, false, 3), substitute),
                    target, d, null, 20, false);
            assertTrue(Arrays.equals(single.adversarial(), curve.get(k).adversarial()), "eps " + eps + ": same examples");
            assertTrue(Arrays.equals(single.success(), curve.get(k).success()), "eps " + eps);
            assertEquals(single.parameters(), curve.get(k).parameters());
        }
        assertTrue(curve.get(1).successRate() >= curve.get(0).successRate());
        assertTrue(TransferAttack.of(new DeepFool(new DeepFool.Params(0.02, 20, 10, 0)), substitute)
                instanceof MinimalPerturbationAttack, "a minimal attack stays minimal");
    }

    @Test
    void shapeMismatchAndNestingAreRejected() {
        Pgd pgd = Pgd.pgd(Norm.LINF, 0.3, 5, null, 1, false, 0);
        TransferAttack t = TransferAttack.of(pgd, TestModels.mnistSubstitute());
        assertThrows(DlsecException.class, () -> TransferAttack.of(t, TestModels.mnistSubstitute()));
    }
}
