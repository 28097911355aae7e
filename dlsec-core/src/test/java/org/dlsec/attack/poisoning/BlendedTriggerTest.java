package org.dlsec.attack.poisoning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.dlsec.TestSupport;
import org.dlsec.core.DlsecException;
import org.dlsec.data.Dataset;
import org.dlsec.model.Architecture;
import org.dlsec.train.TrainConfig;
import org.junit.jupiter.api.Test;

/** Chen et al.'s blended injection with a full-image random key pattern. */
class BlendedTriggerTest {
    @Test
    void blendsTheWholeImageWithASeededKeyPattern() {
        BlendedTrigger t = new BlendedTrigger(0.2, 5);
        float[] k = t.pattern(1, 28, 28);
        assertArrayEquals(k, new BlendedTrigger(0.5, 5).pattern(1, 28, 28), "the key depends on the seed only");
        assertFalse(Arrays.equals(k, new BlendedTrigger(0.2, 6).pattern(1, 28, 28)), "another seed, another key");
        double mean = 0;
        for (float v : k) {
            assertTrue(v >= 0 && v < 1);
            mean += v / k.length;
        }
        assertEquals(0.5, mean, 0.05, "uniform on [0, 1]");
        Dataset d = TestSupport.mnistTest(3);
        for (int s = 0; s < d.size(); s++) {
            float[] x = d.image(s);
            float[] y = x.clone();
            t.apply(y, 1, 28, 28);
            int changed = 0;
            for (int i = 0; i < x.length; i++) {
                assertEquals(0.8f * x[i] + 0.2f * k[i], y[i], 1e-6f, "pixel " + i);
                changed += y[i] != x[i] ? 1 : 0;
            }
            assertTrue(changed > 0.9 * x.length, "a full-image pattern changes nearly every pixel: " + changed);
        }
        assertThrows(DlsecException.class, () -> t.apply(new float[10], 1, 28, 28));
        assertTrue(assertThrows(DlsecException.class, () -> new BlendedTrigger(0, 1)).getMessage().contains("alpha"));
        assertTrue(assertThrows(DlsecException.class, () -> new BlendedTrigger(1.5, 1)).getMessage().contains("alpha"));
    }

    @Test
    void aBlendedBackdoorAtAlphaPointTwoIsLearnedAndFires() {
        Dataset train = TestSupport.mnistTrain(6000);
        Dataset test = TestSupport.mnistTest(1000);
        BlendedTrigger t = new BlendedTrigger(0.2, 3);
        Poisoned p = Poisons.backdoor(train, t, 2, 0.05, 1);
        assertEquals(300, p.poisoned().length);
        PoisoningExperiment.Result r = PoisoningExperiment.run(Architecture.LENET5, train, p, test,
                new TrainConfig(2, 64, "adam", 2e-3, 7, "cosine"), t, 2, false);
        System.out.printf("blend 5%%: clean model %.3f, poisoned model %.3f, ASR %.3f (clean model %.3f)%n",
                r.cleanModelAccuracy(), r.poisonedModelAccuracy(), r.attackSuccessRate(), r.triggerOnCleanModel());
        assertTrue(r.attackSuccessRate() >= 0.9, "ASR " + r.attackSuccessRate());
        assertTrue(r.triggerOnCleanModel() <= 0.2, "the key alone should not cause class 2: " + r.triggerOnCleanModel());
        assertTrue(r.poisonedModelAccuracy() >= r.cleanModelAccuracy() - 0.02,
                r.poisonedModelAccuracy() + " vs " + r.cleanModelAccuracy());
    }
}
