package org.dlsec.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Tensors;
import org.junit.jupiter.api.Test;

/**
 * {@code Models.load(path, LoadOptions)}: the PyTorch-exported tabular MLP, which was trained on standardised
 * features, loaded with its per-feature bounds and normalisation gives PyTorch's accuracy on the raw CSV features,
 * the same predictions as the command line's wrapping, and different ones without the normalisation.
 */
class LoadOptionsTest {
    @Test
    void boundsAndNormalizationOfAUserModel() throws Exception {
        JsonNode ref = UserFixtures.reference().path("tabular");
        UserFixtures.Arrays test = UserFixtures.csv("test.csv");
        Shape sample = new Shape(test.d());
        Bounds bounds = Bounds.perFeature(UserFixtures.floats(ref.path("bounds").path("lo")),
                UserFixtures.floats(ref.path("bounds").path("hi")));
        Normalization norm = new Normalization(UserFixtures.floats(ref.path("normalize").path("mean")),
                UserFixtures.floats(ref.path("normalize").path("std")));
        LoadOptions options = LoadOptions.of(sample).withBounds(bounds).withNormalization(norm);
        try (Classifier c = Models.load(UserFixtures.dir("tabular/mlp-ts.pt"), options);
                Classifier bare = Models.load(UserFixtures.dir("tabular/mlp-ts.pt"), LoadOptions.of(sample).withBounds(bounds));
                Classifier wrapped = NormalizedClassifier.owning(Models.load(UserFixtures.dir("tabular/mlp-ts.pt"), sample,
                        bounds), norm, bounds);
                NDManager m = org.dlsec.model.Engines.newManager()) {
            assertTrue(c instanceof NormalizedClassifier, "behind its normalisation");
            assertEquals(bounds, c.bounds(), "attacks clip in the data's units");
            assertEquals(sample, c.inputShape());
            NDArray x = Tensors.floats(m, test.x(), new Shape(test.n(), test.d()));
            long[] p = c.predictLabels(x).toLongArray();
            int ok = 0;
            for (int i = 0; i < test.n(); i++) {
                ok += p[i] == test.y()[i] ? 1 : 0;
            }
            assertEquals(ref.path("cleanAccuracy").asDouble(), (double) ok / test.n(), 1e-6, "PyTorch's accuracy");
            assertArrayEquals(wrapped.predictLabels(x).toLongArray(), p, "as the command line wraps it");
            assertNotEquals(java.util.Arrays.toString(bare.predictLabels(x).toLongArray()), java.util.Arrays.toString(p),
                    "the normalisation matters for this model");
        }
        assertThrows(NullPointerException.class, () -> LoadOptions.of(null));
        assertThrows(DlsecException.class, () -> LoadOptions.of(new Shape(3)).withBounds(bounds));
    }
}
