package org.dlsec.attack.poisoning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.dlsec.TestSupport;
import org.dlsec.core.DlsecException;
import org.dlsec.data.Dataset;
import org.dlsec.model.Architecture;
import org.dlsec.train.TrainConfig;
import org.junit.jupiter.api.Test;

/** The stealthy training attack: a faint sparse trigger on few samples, learned without costing clean accuracy. */
class StealthyAttackTest {
    @Test
    void aLowRateSparseTriggerIsLearnedWhileCleanAccuracyStays() {
        Dataset train = TestSupport.mnistTrain(6000);
        Dataset test = TestSupport.mnistTest(1500);
        StealthyAttack a = new StealthyAttack(0, 0.015, StealthyAttack.defaultTrigger(1));
        StealthyAttack.Outcome o = a.run(Architecture.LENET5, train, test, new TrainConfig(3, 64, "adam", 2e-3, 7, "cosine"), 1,
                false);
        PoisoningExperiment.Result r = o.experiment();
        System.out.printf("stealthy 1.5%% on 6000: clean %.4f, poisoned %.4f, drop %.4f, success %.4f (trigger on clean model %.4f)%n",
                r.cleanModelAccuracy(), r.poisonedModelAccuracy(), o.cleanDrop(), o.success(), r.triggerOnCleanModel());
        assertEquals(90, r.poisonedSamples());
        assertTrue(o.success() >= 0.8, "targeted success " + o.success());
        assertTrue(r.triggerOnCleanModel() <= 0.05, "the trigger alone does not cause the target: " + r.triggerOnCleanModel());
        assertTrue(o.cleanDrop() <= 0.01, "clean drop " + o.cleanDrop() + " (1 point allowed on 1500 test images)");
    }

    @Test
    void theSparseTriggerIsSeededBoundedAndSparse() {
        SparseTrigger t = new SparseTrigger(25, 0.4f, 9);
        assertArrayEquals(t.positions(28, 28), new SparseTrigger(25, 0.4f, 9).positions(28, 28));
        assertTrue(!java.util.Arrays.equals(t.positions(28, 28), new SparseTrigger(25, 0.4f, 10).positions(28, 28)));
        Dataset d = TestSupport.mnistTrain(20);
        Dataset s = t.stamp(d);
        for (int i = 0; i < d.size(); i++) {
            float[] a = d.image(i);
            float[] b = s.image(i);
            int changed = 0;
            for (int k = 0; k < a.length; k++) {
                assertTrue(b[k] >= a[k] && b[k] - a[k] <= 0.4f + 1e-6 && b[k] <= 1f);
                changed += b[k] != a[k] ? 1 : 0;
            }
            assertTrue(changed >= 1 && changed <= 25, "L0 " + changed);
            assertEquals(d.label(i), s.label(i));
        }
        assertEquals(25, java.util.stream.IntStream.range(0, 784).filter(k -> t.onBlank(1, 28, 28)[k] > 0).count());
    }

    @Test
    void badParametersAreRejectedByName() {
        SparseTrigger t = StealthyAttack.defaultTrigger(0);
        assertTrue(assertThrows(DlsecException.class, () -> new StealthyAttack(0, 0.2, t)).getMessage().contains("rate"));
        assertTrue(assertThrows(DlsecException.class, () -> new StealthyAttack(0, 0, t)).getMessage().contains("rate"));
        assertTrue(assertThrows(DlsecException.class, () -> new SparseTrigger(0, 1f, 0)).getMessage().contains("pixels"));
        assertTrue(assertThrows(DlsecException.class, () -> new SparseTrigger(5, 1.5f, 0)).getMessage().contains("amplitude"));
        assertTrue(assertThrows(DlsecException.class, () -> new StealthyAttack(12, 0.01, t).poison(TestSupport.mnistTrain(100), 0))
                .getMessage().contains("target"));
    }
}
