package org.dlsec.attack.evasion;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import org.dlsec.TestSupport;
import org.dlsec.core.Json;
import org.dlsec.core.Tensors;
import org.dlsec.model.Normalization;
import org.dlsec.model.NormalizedClassifier;
import org.dlsec.model.Bounds;
import org.dlsec.model.Classifier;
import org.dlsec.model.Engines;
import org.dlsec.model.Models;
import org.dlsec.model.UserFixtures;
import org.junit.jupiter.api.Test;

/**
 * dlsec's Square (L∞, 300 queries) on the tabular user fixture agrees with the plain-PyTorch Square of
 * bench/torch_square.py (square-reference.json, mean over its seeds) within 3 points of robust accuracy.
 * The npz and image-folder comparisons take minutes and are in BENCHMARKS.md.
 */
class UserSquareTest {
    static {
        TestSupport.mnistTest(1);
    }

    @Test
    void squareOnTheTabularMlpAgreesWithThePyTorchReference() throws Exception {
        JsonNode ref = UserFixtures.reference();
        JsonNode sq = Json.MAPPER.readTree(UserFixtures.dir("square-reference.json").toFile()).path("tabular");
        double expected = 0;
        for (JsonNode v : sq.path("robustAccuracy")) {
            expected += v.asDouble() / sq.path("robustAccuracy").size();
        }
        UserFixtures.Arrays test = UserFixtures.csv("test.csv");
        JsonNode n = ref.path("tabular").path("normalize");
        JsonNode b = ref.path("tabular").path("bounds");
        Bounds bounds = Bounds.perFeature(UserFixtures.floats(b.path("lo")), UserFixtures.floats(b.path("hi")));
        try (Classifier ts = Models.load(UserFixtures.dir("tabular/mlp-ts.pt"), new Shape(test.d()), bounds);
                NDManager m = Engines.newManager()) {
            Classifier c = new NormalizedClassifier(ts, new Normalization(UserFixtures.floats(n.path("mean")),
                    UserFixtures.floats(n.path("std"))), bounds);
            NDArray x = Tensors.floats(m, test.x(), new Shape(test.n(), test.d()));
            long[] y = new long[test.n()];
            long[] ids = new long[test.n()];
            for (int i = 0; i < y.length; i++) {
                y[i] = test.y()[i];
                ids[i] = i;
            }
            AttackResult r = new Square(new Square.Params(Norm.LINF, sq.path("eps").asDouble(), 300, 0.05, false, 0))
                    .generate(c, x, Tensors.longs(m, y), ids);
            assertEquals(ref.path("tabular").path("cleanAccuracy").asDouble(), r.cleanAccuracy(), 1e-3);
            assertEquals(expected, r.robustAccuracy(), 0.03, "dlsec Square vs PyTorch Square");
        }
    }
}
