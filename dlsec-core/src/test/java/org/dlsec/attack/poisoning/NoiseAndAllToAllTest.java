package org.dlsec.attack.poisoning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.dlsec.TestSupport;
import org.dlsec.core.DlsecException;
import org.dlsec.data.Dataset;
import org.junit.jupiter.api.Test;

/** Noise poisoning and the all-to-all BadNets variant, on the data (no training). */
class NoiseAndAllToAllTest {
    @Test
    void noiseChangesTheChosenImagesOnlyKeepsLabelsAndIsSeeded() {
        Dataset train = TestSupport.mnistTrain(400);
        Poisoned a = Poisons.noise(train, 0.25, 0.5, 8);
        Poisoned b = Poisons.noise(train, 0.25, 0.5, 8);
        assertEquals(100, a.poisoned().length);
        assertArrayEquals(a.poisoned(), b.poisoned());
        assertArrayEquals(train.labels(), a.data().labels(), "noise leaves the labels alone");
        Set<Integer> hit = new HashSet<>();
        for (int i : a.poisoned()) {
            hit.add(i);
        }
        for (int i = 0; i < train.size(); i++) {
            float[] x = train.image(i);
            float[] y = a.data().image(i);
            assertArrayEquals(y, b.data().image(i), "sample " + i + " is reproducible");
            if (!hit.contains(i)) {
                assertArrayEquals(x, y, "sample " + i);
                continue;
            }
            double diff2 = 0;
            for (int k = 0; k < x.length; k++) {
                assertTrue(y[k] >= 0 && y[k] <= 1, "clipped to [0, 1]");
                diff2 += (x[k] - y[k]) * (x[k] - y[k]);
            }
            // σ = 0.5 before clipping; clipping at 0 and 1 roughly halves the energy
            double rms = Math.sqrt(diff2 / x.length);
            assertTrue(rms > 0.2 && rms < 0.5, "rms change " + rms);
        }
        assertNotEquals(java.util.Arrays.toString(a.poisoned()),
                java.util.Arrays.toString(Poisons.noise(train, 0.25, 0.5, 9).poisoned()));
        assertTrue(assertThrows(DlsecException.class, () -> Poisons.noise(train, 0.1, 0, 1)).getMessage().contains("sigma"));
        assertTrue(assertThrows(DlsecException.class, () -> Poisons.noise(train, 1, 0.1, 1)).getMessage().contains("rate"));
    }

    @Test
    void allToAllShiftsEachPoisonToTheNextClassWithTheTrigger() {
        Dataset train = TestSupport.mnistTrain(500);
        Trigger t = Trigger.patch(3);
        Poisoned p = Poisons.backdoorAllToAll(train, t, 0.1, 2);
        assertEquals(50, p.poisoned().length);
        Set<Integer> hit = new HashSet<>();
        for (int i : p.poisoned()) {
            hit.add(i);
            assertEquals((train.label(i) + 1) % 10, p.data().label(i));
            assertEquals(1f, p.data().image(i)[(28 - 2) * 28 + 28 - 2], 0f);
        }
        for (int i = 0; i < train.size(); i++) {
            if (!hit.contains(i)) {
                assertEquals(train.label(i), p.data().label(i));
                assertArrayEquals(train.image(i), p.data().image(i));
            }
        }
        assertEquals(0, Poisons.allToAllTarget(9, 10));
        assertEquals(4, Poisons.allToAllTarget(3, 10));
    }
}
