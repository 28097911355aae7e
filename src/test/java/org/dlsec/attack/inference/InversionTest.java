package org.dlsec.attack.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.Shape;
import java.util.Map;
import org.dlsec.TestModels;
import org.dlsec.core.DlsecException;
import org.junit.jupiter.api.Test;

class InversionTest {
    @Test
    void miFaceReachesHighConfidenceForEveryClass() {
        MiFace.Result r = new MiFace(150, 0.1, 0.2, 50, 1e-4, 0.0).infer(TestModels.mnistLenet());
        assertEquals(10, r.images().length);
        int confident = 0;
        for (int c = 0; c < 10; c++) {
            assertEquals(784, r.images()[c].length);
            for (float v : r.images()[c]) {
                assertTrue(v >= 0 && v <= 1);
            }
            confident += r.confidence()[c] > 0.9 ? 1 : 0;
        }
        assertTrue(confident >= 8, "classes reconstructed with confidence > 0.9: " + confident);
        assertTrue(r.gradients() >= 1 && r.gradients() <= 150);
    }

    @Test
    void denoiseAveragesNeighbours() {
        float[] x = new float[9];
        x[4] = 9; // a single bright pixel in a 3x3 image
        MiFace.denoise(x, 1, new Shape(1, 3, 3), 1.0 - 1e-9);
        assertEquals(1.0, x[4], 1e-6); // 9 / 9 neighbours
        assertEquals(9.0 / 4, x[0], 1e-6); // corner: 4 neighbours
        assertThrows(DlsecException.class, () -> new MiFace(0, 0.1, 0.2, 10, 0, 0));
        assertThrows(DlsecException.class, () -> MembershipAttacks.inversion(Map.of("nope", "1")));
        assertEquals(300, MembershipAttacks.inversion(Map.of("steps", "300")).parameters().get("steps"));
    }
}
