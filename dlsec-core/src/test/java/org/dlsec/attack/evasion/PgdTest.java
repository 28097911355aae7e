package org.dlsec.attack.evasion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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

/** FGSM, BIM and PGD against the published behaviour on an undefended MNIST LeNet. */
class PgdTest {
    static final Dataset DATA = TestSupport.mnistTest(200);

    @Test
    void pgdAtEps03DrivesLenetToNearZeroAccuracy() {
        Classifier model = TestModels.mnistLenet();
        QueryStats before = model.stats();
        AttackResult r = EvasionRunner.run(Pgd.pgd(Norm.LINF, 0.3, 40, 0.01, 1, false, 0), model, DATA, null, 100, false);
        QueryStats spent = model.stats().minus(before);
        assertTrue(r.cleanAccuracy() > 0.9, "clean " + r.cleanAccuracy());
        assertTrue(r.robustAccuracy() <= 0.02, "robust accuracy " + r.robustAccuracy());
        assertTrue(r.successRate() >= 0.98, "success " + r.successRate());
        for (int i = 0; i < r.size(); i++) {
            assertTrue(r.linf()[i] <= 0.3 + 1e-6, "linf " + r.linf()[i]);
            assertEquals(40, r.gradients()[i]);
        }
        for (float v : r.adversarial()) {
            assertTrue(v >= 0f && v <= 1f);
        }
        assertEquals(Arrays.stream(r.queries()).sum(), spent.queries(), "counted queries equal what the model saw");
        assertEquals(Arrays.stream(r.gradients()).sum(), spent.gradientSamples());
    }

    @Test
    void fgsmHurtsButLessThanPgd() {
        Classifier model = TestModels.mnistLenet();
        AttackResult f = EvasionRunner.run(Pgd.fgsm(Norm.LINF, 0.3, false, 0), model, DATA, null, 200, false);
        assertTrue(f.robustAccuracy() < f.cleanAccuracy() - 0.3, "FGSM robust " + f.robustAccuracy());
        for (double d : f.linf()) {
            assertTrue(d <= 0.3 + 1e-6);
        }
    }

    @Test
    void curveIsMonotoneAndStartsAtCleanAccuracy() {
        Classifier model = TestModels.mnistLenet();
        Pgd pgd = Pgd.pgd(Norm.LINF, 0.3, 20, null, 1, false, 3);
        double[] eps = {0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3};
        List<AttackResult> rs = EvasionRunner.sweep(pgd, model, DATA, eps, null, 200, false);
        RobustnessCurve c = EvasionRunner.curve(pgd, eps, rs);
        double[] acc = c.robustAccuracy();
        assertEquals(rs.get(0).cleanAccuracy(), acc[0], 1e-12);
        for (int i = 1; i < acc.length; i++) {
            assertTrue(acc[i] <= acc[i - 1], "curve rises at eps " + eps[i] + ": " + Arrays.toString(acc));
        }
        assertTrue(acc[acc.length - 1] < 0.05);
    }

    @Test
    void l2PgdStaysInTheL2BallAndTargetedHitsTargets() {
        Classifier model = TestModels.mnistLenet();
        Dataset d = TestSupport.mnistTest(100);
        AttackResult r = EvasionRunner.run(Pgd.pgd(Norm.L2, 2.0, 40, null, 1, false, 1), model, d, null, 100, false);
        for (double l2 : r.l2()) {
            assertTrue(l2 <= 2.0 + 1e-4, "l2 " + l2);
        }
        assertTrue(r.successRate() > 0.8, "L2 success " + r.successRate());
        int[] targets = EvasionRunner.randomTargets(d, 9);
        for (int i = 0; i < d.size(); i++) {
            assertTrue(targets[i] != d.label(i));
        }
        AttackResult t = EvasionRunner.run(Pgd.pgd(Norm.LINF, 0.3, 40, 0.01, 1, true, 1), model, d, targets, 100, false);
        assertTrue(t.successRate() > 0.9, "targeted success " + t.successRate());
        for (int i = 0; i < d.size(); i++) {
            if (t.success()[i]) {
                assertEquals(targets[i], t.adversarialPredictions()[i]);
            }
        }
    }

    @Test
    void sameSeedSameBitsAndRestartsHelp() {
        Classifier model = TestModels.mnistLenet();
        Dataset d = TestSupport.mnistTest(64);
        Pgd weak = Pgd.pgd(Norm.LINF, 0.1, 5, null, 1, false, 42);
        AttackResult a = EvasionRunner.run(weak, model, d, null, 64, false);
        AttackResult b = EvasionRunner.run(weak, model, d, null, 32, false);
        assertArrayEquals(a.adversarial(), b.adversarial(), "batching must not change the result");
        AttackResult c = EvasionRunner.run(Pgd.pgd(Norm.LINF, 0.1, 5, null, 1, false, 43), model, d, null, 64, false);
        assertTrue(!Arrays.equals(a.adversarial(), c.adversarial()), "another seed, another start");
        AttackResult r3 = EvasionRunner.run(Pgd.pgd(Norm.LINF, 0.1, 5, null, 3, false, 42), model, d, null, 64, false);
        assertTrue(r3.successRate() >= a.successRate());
    }

    @Test
    void badParametersAreRejectedByName() {
        assertTrue(assertThrows(DlsecException.class, () -> Pgd.pgd(Norm.LINF, -0.1, 10, null, 1, false, 0))
                .getMessage().contains("eps"));
        assertTrue(assertThrows(DlsecException.class, () -> Pgd.pgd(Norm.LINF, 0.1, 0, 0.01, 1, false, 0))
                .getMessage().contains("steps"));
        assertTrue(assertThrows(DlsecException.class, () -> Pgd.pgd(Norm.L0, 0.1, 10, null, 1, false, 0))
                .getMessage().contains("norm"));
        assertThrows(DlsecException.class, () -> Pgd.pgd(Norm.LINF, Double.NaN, 10, null, 1, false, 0));
        Pgd targeted = Pgd.pgd(Norm.LINF, 0.3, 10, null, 1, true, 0);
        assertTrue(assertThrows(DlsecException.class,
                () -> EvasionRunner.run(targeted, TestModels.mnistLenet(), DATA, null, 100, false))
                .getMessage().contains("target"));
    }
}
