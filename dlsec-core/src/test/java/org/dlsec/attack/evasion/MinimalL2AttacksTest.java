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

/** C&W L2 and DeepFool: minimal-perturbation attacks, against the published figures on MNIST. */
class MinimalL2AttacksTest {
    static final Dataset DATA = TestSupport.mnistTest(100);

    static AttackResult runCounted(EvasionAttack a, Dataset d, int[] targets, int batch) {
        Classifier model = TestModels.mnistLenet();
        QueryStats before = model.stats();
        AttackResult r = EvasionRunner.run(a, model, d, targets, batch, false);
        QueryStats spent = model.stats().minus(before);
        assertEquals(Arrays.stream(r.queries()).sum(), spent.queries(), "counted queries equal what the model saw");
        assertEquals(Arrays.stream(r.gradients()).sum(), spent.gradientSamples(), "counted gradients equal the model's");
        for (float v : r.adversarial()) {
            assertTrue(v >= 0f && v <= 1f, "outside bounds: " + v);
        }
        return r;
    }

    @Test
    void deepFoolAndCwFindSmallL2PerturbationsAndCwIsSmaller() {
        AttackResult df = runCounted(new DeepFool(DeepFool.Params.defaults(0)), DATA, null, 100);
        AttackResult cw = runCounted(new CarliniWagnerL2(CarliniWagnerL2.Params.defaults(false, 0)), DATA, null, 100);
        double dfL2 = df.summary().meanL2();
        double cwL2 = cw.summary().meanL2();
        assertTrue(df.successRate() >= 0.95, "DeepFool success " + df.successRate());
        assertTrue(cw.successRate() >= 0.95, "C&W success " + cw.successRate());
        assertTrue(dfL2 > 0.5 && dfL2 < 3.0, "DeepFool mean L2 " + dfL2);
        assertTrue(cwL2 > 0.5 && cwL2 < 2.5, "C&W mean L2 " + cwL2);
        // compare on the samples both fooled
        double sumCw = 0;
        double sumDf = 0;
        for (int i = 0; i < DATA.size(); i++) {
            if (cw.success()[i] && df.success()[i]) {
                sumCw += cw.l2()[i];
                sumDf += df.l2()[i];
            }
        }
        assertTrue(sumCw < 0.95 * sumDf, "C&W must find smaller perturbations than DeepFool: " + sumCw + " vs " + sumDf);
        // DeepFool: one query for the candidate ranking plus clean and final; gradients only for attacked samples
        for (int i = 0; i < DATA.size(); i++) {
            boolean attacked = df.cleanPredictions()[i] == df.labels()[i];
            assertEquals(attacked ? 3 : 2, df.queries()[i]);
            assertTrue(attacked ? df.gradients()[i] >= 1 && df.gradients()[i] <= 50 * 9 : df.gradients()[i] == 0);
        }
        // C&W never spends more than binary steps × steps gradients, and some samples stop early
        assertTrue(Arrays.stream(cw.gradients()).max().getAsLong() <= 9 * 200);
        assertTrue(Arrays.stream(cw.gradients()).min().getAsLong() < 9 * 200);
        // the PGD-L2 comparison at the C&W budget: PGD constrained to C&W's mean L2 fools fewer samples
        AttackResult pgd = runCounted(Pgd.pgd(Norm.L2, cwL2, 40, null, 1, false, 0), DATA, null, 100);
        assertTrue(pgd.successRate() < cw.successRate(), "PGD-L2 at eps=" + cwL2 + " " + pgd.successRate());
    }

    @Test
    void targetedCwHitsItsTargetsAndConfidenceCostsDistance() {
        Dataset d = TestSupport.mnistTest(40);
        int[] targets = EvasionRunner.randomTargets(d, 3);
        CarliniWagnerL2 plain = new CarliniWagnerL2(new CarliniWagnerL2.Params(0, 0.01, 5, 60, 0.1, true, true, 0));
        AttackResult t = runCounted(plain, d, targets, 40);
        assertTrue(t.successRate() >= 0.9, "targeted C&W success " + t.successRate());
        for (int i = 0; i < d.size(); i++) {
            if (t.success()[i]) {
                assertEquals(targets[i], t.adversarialPredictions()[i]);
            }
        }
        CarliniWagnerL2 confident = new CarliniWagnerL2(new CarliniWagnerL2.Params(5, 0.01, 5, 60, 0.1, true, true, 0));
        AttackResult k = runCounted(confident, d, targets, 40);
        assertTrue(k.summary().meanL2() > t.summary().meanL2(), "κ = 5 needs a larger perturbation: " + k.summary().meanL2()
                + " vs " + t.summary().meanL2());
    }

    @Test
    void deterministicAndIndependentOfBatching() {
        Dataset d = TestSupport.mnistTest(20);
        CarliniWagnerL2 cw = new CarliniWagnerL2(new CarliniWagnerL2.Params(0, 0.1, 2, 10, 0.01, true, false, 0));
        // bit for bit with the same batching; across batch sizes the engine's float sums may differ in the last bit
        float[] a = runCounted(cw, d, null, 20).adversarial();
        assertArrayEquals(a, runCounted(cw, d, null, 20).adversarial());
        assertArrayEquals(a, runCounted(cw, d, null, 6).adversarial(), 1e-4f);
        DeepFool df = new DeepFool(DeepFool.Params.defaults(0));
        float[] b = runCounted(df, d, null, 20).adversarial();
        assertArrayEquals(b, runCounted(df, d, null, 20).adversarial());
        assertArrayEquals(b, runCounted(df, d, null, 7).adversarial(), 1e-4f);
    }

    @Test
    void badParametersAreRejectedByName() {
        assertTrue(assertThrows(DlsecException.class, () -> new CarliniWagnerL2(new CarliniWagnerL2.Params(-1, 0.01, 9, 10, 0.01,
                true, false, 0))).getMessage().contains("confidence"));
        assertTrue(assertThrows(DlsecException.class, () -> new CarliniWagnerL2(new CarliniWagnerL2.Params(0, 0, 9, 10, 0.01,
                true, false, 0))).getMessage().contains("initial const"));
        assertTrue(assertThrows(DlsecException.class, () -> new CarliniWagnerL2(new CarliniWagnerL2.Params(0, 0.01, 0, 10, 0.01,
                true, false, 0))).getMessage().contains("binary steps"));
        assertTrue(assertThrows(DlsecException.class, () -> new CarliniWagnerL2(new CarliniWagnerL2.Params(0, 0.01, 9, 10,
                Double.NaN, true, false, 0))).getMessage().contains("learning rate"));
        assertTrue(assertThrows(DlsecException.class, () -> new DeepFool(new DeepFool.Params(-0.1, 50, 10, 0)))
                .getMessage().contains("overshoot"));
        assertTrue(assertThrows(DlsecException.class, () -> new DeepFool(new DeepFool.Params(0.02, 0, 10, 0)))
                .getMessage().contains("steps"));
        assertTrue(assertThrows(DlsecException.class, () -> new DeepFool(new DeepFool.Params(0.02, 50, 1, 0)))
                .getMessage().contains("candidates"));
        assertTrue(assertThrows(DlsecException.class, () -> EvasionAttacks.create(new AttackSpec("deepfool", 0, Norm.L2, null, null,
                null, true, null, 0, Map.of()))).getMessage().contains("targeted"));
        assertTrue(assertThrows(DlsecException.class, () -> EvasionAttacks.create(new AttackSpec("cw", 0, Norm.L2, null, null,
                null, false, null, 0, Map.of("confidence", "-2")))).getMessage().contains("confidence"));
    }
}
