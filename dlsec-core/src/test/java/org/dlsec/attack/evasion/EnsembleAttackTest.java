package org.dlsec.attack.evasion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.dlsec.TestModels;
import org.dlsec.TestSupport;
import org.dlsec.core.DlsecException;
import org.dlsec.data.Dataset;
import org.dlsec.model.Classifier;
import org.dlsec.model.QueryStats;
import org.junit.jupiter.api.Test;

class EnsembleAttackTest {
    @Test
    void theEnsembleIsAtLeastAsStrongAsEachMemberAndCountsAllQueries() {
        Classifier model = TestModels.mnistLenet();
        Dataset d = TestSupport.mnistTest(150);
        Pgd weak = Pgd.fgsm(Norm.LINF, 0.1, false, 0);
        Pgd strong = Pgd.pgd(Norm.LINF, 0.1, 20, null, 1, false, 0);
        AttackResult a = EvasionRunner.run(weak, model, d, null, 150, false);
        AttackResult b = EvasionRunner.run(strong, model, d, null, 150, false);
        QueryStats before = model.stats();
        AttackResult e = EvasionRunner.run(new EnsembleAttack(List.of(weak, strong)), model, d, null, 150, false);
        QueryStats spent = model.stats().minus(before);
        assertTrue(e.successRate() >= Math.max(a.successRate(), b.successRate()),
                "ensemble " + e.successRate() + " vs " + a.successRate() + ", " + b.successRate());
        for (int i = 0; i < d.size(); i++) {
            assertEquals(a.success()[i] || b.success()[i], e.success()[i], "sample " + i);
            assertTrue(e.linf()[i] <= 0.1 + 1e-6);
        }
        assertEquals(Arrays.stream(e.queries()).sum(), spent.queries());
        assertEquals(Arrays.stream(e.gradients()).sum(), spent.gradientSamples());
        assertEquals(0.3, new EnsembleAttack(List.of(weak, strong)).withEpsilon(0.3).epsilon(), 1e-12);
    }

    @Test
    void membersMustAgreeOnTargeting() {
        assertThrows(DlsecException.class, () -> new EnsembleAttack(List.of(Pgd.fgsm(Norm.LINF, 0.1, false, 0),
                Pgd.fgsm(Norm.LINF, 0.1, true, 0))));
        assertThrows(DlsecException.class, () -> new EnsembleAttack(List.of()));
    }

    @Test
    void theRegisteredEnsembleIsApgdThenSquareAndBeatsApgdAlone() {
        AttackSpec spec = new AttackSpec("ensemble", 0.15, Norm.LINF, 20, null, null, false, 300, 2, java.util.Map.of());
        EnsembleAttack e = (EnsembleAttack) EvasionAttacks.create(spec);
        assertEquals(List.of("apgd", "square"), e.members().stream().map(EvasionAttack::name).toList());
        Dataset d = TestSupport.mnistTest(60);
        Classifier model = TestModels.mnistLenet();
        AttackResult both = EvasionRunner.run(e, model, d, null, 60, false);
        AttackResult apgd = EvasionRunner.run(e.members().get(0), model, d, null, 60, false);
        assertTrue(both.summary().robustAccuracy() <= apgd.summary().robustAccuracy());
        EnsembleAttack wider = (EnsembleAttack) e.withEpsilon(0.3);
        assertEquals(0.3, wider.epsilon(), 0.0);
    }
}
