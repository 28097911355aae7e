package org.dlsec.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import org.dlsec.TestSupport;
import org.dlsec.core.Json;
import org.dlsec.data.Dataset;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * TorchScript files saved by PyTorch 1.13 (bench/fixtures/make_fixtures.py) load through DJL,
 * predict like PyTorch (max |Δlogit| < 1e-4) and give PyTorch's input gradients (relative error
 * < 1e-4), including a net with BatchNorm and Dropout, traced and scripted, whose eval-mode
 * behaviour must survive the autograd-enabled forward path.
 */
class TorchScriptParityTest {
    static JsonNode reference;
    static Dataset inputs;

    @BeforeAll
    static void load() throws IOException {
        reference = Json.MAPPER.readTree(TestSupport.fixture("reference.json").toFile());
        inputs = TestSupport.mnistTest(8);
    }

    @ParameterizedTest
    @CsvSource({"lenet-ts.pt,lenet", "bnnet-traced.pt,bnnet", "bnnet-scripted.pt,bnnet"})
    void logitsAndGradientsMatchPyTorch(String file, String ref) {
        JsonNode r = reference.get(ref);
        try (Classifier c = Models.load(TestSupport.fixture(file), inputs.sampleShape());
                NDManager m = Engines.newManager()) {
            assertEquals(10, c.numClasses());
            assertEquals("torchscript", c.info().kind());
            NDArray x = inputs.images(m, 0, 8);
            float[] logits = c.predictLogits(x).toFloatArray();
            assertTrue(maxAbsDiff(logits, flatten(r.get("logits"))) < 1e-4, "logits differ from PyTorch");
            // the same input twice gives the same output: Dropout is not active
            float[] again = c.predictLogits(x).toFloatArray();
            assertEquals(0.0, maxAbsDiff(logits, again));

            NDArray y = inputs.labels(m, 0, 8);
            float[] grad = c.lossGradient(x, y).toFloatArray();
            assertTrue(relativeError(grad, flatten(r.get("lossGradient"))) < 1e-4,
                    "loss gradient differs from PyTorch: " + relativeError(grad, flatten(r.get("lossGradient"))));
            float[] g3 = c.classGradient(x, 3).toFloatArray();
            assertTrue(relativeError(g3, flatten(r.get("class3Gradient"))) < 1e-4, "class gradient differs");

            QueryStats s = c.stats();
            assertEquals(16, s.queries());
            assertEquals(2, s.predictCalls());
            assertEquals(16, s.gradientSamples());
            assertEquals(2, s.gradientCalls());
            c.resetStats();
            assertEquals(0, c.stats().queries());
        }
    }

    static float[] flatten(JsonNode rows) {
        int n = rows.size();
        int k = rows.get(0).size();
        float[] out = new float[n * k];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < k; j++) {
                out[i * k + j] = (float) rows.get(i).get(j).asDouble();
            }
        }
        return out;
    }

    static double maxAbsDiff(float[] a, float[] b) {
        assertEquals(a.length, b.length);
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    /** ||a - b||₂ / ||b||₂. */
    static double relativeError(float[] a, float[] b) {
        assertEquals(a.length, b.length);
        double num = 0;
        double den = 0;
        for (int i = 0; i < a.length; i++) {
            num += (a[i] - b[i]) * (double) (a[i] - b[i]);
            den += b[i] * (double) b[i];
        }
        assertTrue(den > 0, "reference gradient is zero");
        return Math.sqrt(num / den);
    }
}
