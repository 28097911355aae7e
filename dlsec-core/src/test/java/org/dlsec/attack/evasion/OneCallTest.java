package org.dlsec.attack.evasion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.dlsec.TestModels;
import org.dlsec.TestSupport;
import org.dlsec.core.DlsecException;
import org.dlsec.data.Dataset;
import org.dlsec.model.Classifier;
import org.junit.jupiter.api.Test;

/** The library's one-call forms give what the runner's longer forms give. */
class OneCallTest {
    @Test
    void runAndCurveInOneCall() {
        Classifier model = TestModels.mnistLenet();
        Dataset d = TestSupport.mnistTest(30);
        EvasionAttack fgsm = Pgd.fgsm(Norm.LINF, 0.2, false, 1);
        AttackResult once = fgsm.run(model, d);
        AttackResult runner = EvasionRunner.run(fgsm, model, d, null, EvasionRunner.DEFAULT_BATCH, false);
        assertArrayEquals(runner.adversarial(), once.adversarial());
        assertArrayEquals(runner.success(), once.success());

        RobustnessCurve c = RobustnessCurve.of(fgsm, model, d, 0, 0.1, 0.3);
        double[] eps = {0, 0.1, 0.3};
        List<AttackResult> rs = EvasionRunner.sweep(fgsm, model, d, eps, null, EvasionRunner.DEFAULT_BATCH, false);
        assertArrayEquals(EvasionRunner.curve(fgsm, eps, rs).robustAccuracy(), c.robustAccuracy(), 0);
        assertEquals("linf", c.norm());
        assertEquals(once.summary().cleanAccuracy(), c.robustAccuracy()[0], 0, "ε = 0 leaves the clean accuracy");
        assertTrue(c.robustAccuracy()[2] <= c.robustAccuracy()[1]);

        EvasionAttack targeted = Pgd.fgsm(Norm.LINF, 0.2, true, 1);
        assertThrows(DlsecException.class, () -> targeted.run(model, d), "a targeted attack needs its targets");
        AttackResult t = targeted.run(model, d, EvasionRunner.randomTargets(d, 1));
        assertEquals(d.size(), t.size());
    }
}
