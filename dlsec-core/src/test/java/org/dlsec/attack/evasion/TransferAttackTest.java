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
        TransferAttack t = new TransferAttack(Pgd.pgd(Norm.LINF, 0.3, 20, null, 1, false, 0), substitute);
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

    @Test
    void shapeMismatchAndNestingAreRejected() {
        Pgd pgd = Pgd.pgd(Norm.LINF, 0.3, 5, null, 1, false, 0);
        TransferAttack t = new TransferAttack(pgd, TestModels.mnistSubstitute());
        assertThrows(DlsecException.class, () -> new TransferAttack(t, TestModels.mnistSubstitute()));
    }
}
