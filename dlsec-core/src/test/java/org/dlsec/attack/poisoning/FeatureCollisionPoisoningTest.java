package org.dlsec.attack.poisoning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.IntStream;
import org.dlsec.TestModels;
import org.dlsec.TestSupport;
import org.dlsec.data.Dataset;
import org.dlsec.model.DjlClassifier;
import org.junit.jupiter.api.Test;

/** Feature collision behind {@link PoisoningAttack}: the clean set plus the crafted poisons under the base class. */
class FeatureCollisionPoisoningTest {
    @Test
    void poisonAppendsTheCraftedPoisonsWithCleanLabels() {
        DjlClassifier extractor = TestModels.mnistLenet();
        Dataset test = TestSupport.mnistTest(100);
        Dataset train = TestSupport.mnistTrain(40);
        int baseClass = 3;
        int target = IntStream.range(0, test.size()).filter(i -> test.label(i) != baseClass).findFirst().orElseThrow();
        float[][] bases = IntStream.range(0, test.size()).filter(i -> test.label(i) == baseClass).limit(3)
                .mapToObj(test::image).toArray(float[][]::new);
        FeatureCollision attack = new FeatureCollision(25, 30, 0.1, 0);
        FeatureCollisionPoisoning p = new FeatureCollisionPoisoning(attack, extractor, test.image(target), bases, baseClass);
        assertNull(p.crafted());
        Poisoned out = p.poison(train);
        assertEquals(43, out.data().size());
        assertArrayEquals(new int[] {40, 41, 42}, out.poisoned());
        for (int i = 0; i < 40; i++) {
            assertEquals(train.label(i), out.data().label(i));
            assertArrayEquals(train.image(i), out.data().image(i));
        }
        FeatureCollision.Crafted direct = attack.craft(extractor, test.image(target), bases);
        for (int j = 0; j < 3; j++) {
            assertEquals(baseClass, out.data().label(40 + j), "clean label: the base's class");
            assertArrayEquals(direct.poisons()[j], out.data().image(40 + j), "the same crafting as FeatureCollision.craft");
            assertTrue(direct.featureDistanceAfter()[j] < direct.featureDistanceBefore()[j]);
        }
        // crafted once: a second training set gets the same poisons
        FeatureCollision.Crafted first = p.crafted();
        p.poison(train.first(10));
        assertSame(first, p.crafted());
        assertEquals(3.0 / 43, p.rate(40), 1e-12);
        assertNull(p.targetClass(), "no trigger");
        assertEquals("featurecollision", p.name());
        assertEquals(3, p.parameters().get("poisons"));
    }
}
