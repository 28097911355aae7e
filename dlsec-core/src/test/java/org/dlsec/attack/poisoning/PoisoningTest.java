package org.dlsec.attack.poisoning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.dlsec.TestSupport;
import org.dlsec.core.DlsecException;
import org.dlsec.data.Dataset;
import org.dlsec.model.Architecture;
import org.dlsec.train.TrainConfig;
import org.junit.jupiter.api.Test;

/** BadNets and label flipping on MNIST: the published contrast of a backdoor that keeps clean accuracy. */
class PoisoningTest {
    @Test
    void badNetsPlantsABackdoorWithoutCostingCleanAccuracy() {
        Dataset train = TestSupport.mnistTrain(6000);
        Dataset test = TestSupport.mnistTest(1000);
        Trigger t = Trigger.patch(3);
        Poisoned p = Poisons.backdoor(train, t, 0, 0.1, 1);
        assertEquals(600, p.poisoned().length);
        for (int i : p.poisoned()) {
            assertEquals(0, p.data().label(i));
            assertNotEquals(0, train.label(i), "poisons are drawn outside the target class");
            float[] img = p.data().image(i);
            assertEquals(1f, img[(28 - 2) * 28 + 28 - 2], 0f);
        }
        PoisoningExperiment.Result r = PoisoningExperiment.run(Architecture.LENET5, train, p, test,
                new TrainConfig(2, 64, "adam", 2e-3, 7, "cosine"), t, 0, false);
        System.out.printf("badnets 10%%: clean model %.3f, poisoned model %.3f, ASR %.3f (clean model %.3f)%n",
                r.cleanModelAccuracy(), r.poisonedModelAccuracy(), r.attackSuccessRate(), r.triggerOnCleanModel());
        assertTrue(r.attackSuccessRate() >= 0.9, "ASR " + r.attackSuccessRate());
        assertTrue(r.triggerOnCleanModel() <= 0.2, "the trigger alone should not cause class 0: " + r.triggerOnCleanModel());
        assertTrue(r.poisonedModelAccuracy() >= r.cleanModelAccuracy() - 0.02,
                r.poisonedModelAccuracy() + " vs " + r.cleanModelAccuracy());
    }

    @Test
    void labelFlippingChangesTheChosenLabelsOnlyAndIsSeeded() {
        Dataset train = TestSupport.mnistTrain(1000);
        Poisoned a = Poisons.flipLabels(train, 0.3, 4);
        Poisoned b = Poisons.flipLabels(train, 0.3, 4);
        assertArrayEquals(a.poisoned(), b.poisoned());
        assertArrayEquals(a.data().labels(), b.data().labels());
        assertNotEquals(java.util.Arrays.toString(a.poisoned()),
                java.util.Arrays.toString(Poisons.flipLabels(train, 0.3, 5).poisoned()));
        assertEquals(300, a.poisoned().length);
        java.util.Set<Integer> hit = new java.util.HashSet<>();
        for (int i : a.poisoned()) {
            hit.add(i);
        }
        for (int i = 0; i < train.size(); i++) {
            assertEquals(hit.contains(i), a.data().label(i) != train.label(i), "sample " + i);
            assertArrayEquals(train.image(i), a.data().image(i));
        }
    }

    @Test
    void badParametersAreRejectedByName() {
        Dataset train = TestSupport.mnistTrain(100);
        assertTrue(assertThrows(DlsecException.class, () -> Poisons.flipLabels(train, 0, 1)).getMessage().contains("rate"));
        assertTrue(assertThrows(DlsecException.class, () -> Poisons.backdoor(train, Trigger.patch(3), 10, 0.1, 1))
                .getMessage().contains("target"));
        assertTrue(assertThrows(DlsecException.class, () -> Poisons.backdoor(train, Trigger.patch(3), 0, 0.95, 1))
                .getMessage().contains("rate"));
        assertTrue(assertThrows(DlsecException.class, () -> new Trigger(0, 1f, 1)).getMessage().contains("trigger size"));
        assertTrue(assertThrows(DlsecException.class, () -> new Trigger(3, 1f, 0)).getMessage().contains("alpha"));
    }
}
