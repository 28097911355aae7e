package org.dlsec.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.dlsec.TestSupport;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Tensors;
import org.dlsec.data.Dataset;
import org.dlsec.model.Architecture;
import org.dlsec.model.DjlClassifier;
import org.dlsec.model.Engines;
import org.dlsec.model.Models;
import org.junit.jupiter.api.Test;

/** (x − mean) / std in front of a model: predictions as if fed normalised data, gradients by the chain rule. */
class NormalizedClassifierTest {
    @Test
    void parsesPerChannelAndPerFeatureAndRejectsBadSpecs() {
        Normalization n = Normalization.parse("mean=0.485,0.456,0.406,std=0.229,0.224,0.225");
        assertArrayEquals(new float[] {0.485f, 0.456f, 0.406f}, n.mean());
        assertEquals(new Shape(1, 3, 1, 1), n.broadcastShape(new Shape(3, 32, 32)));
        assertEquals("channel", n.granularity(new Shape(3, 32, 32)));
        assertEquals("feature", Normalization.parse("std=1,2,mean=0,0").granularity(new Shape(2)));
        assertEquals("all", Normalization.parse("mean=0.5,std=0.5").granularity(new Shape(1, 28, 28)));
        assertThrows(DlsecException.class, () -> n.broadcastShape(new Shape(16)));
        assertTrue(assertThrows(DlsecException.class, () -> Normalization.parse("mean=0.1,x,std=1,1"))
                .getMessage().contains("'x'"));
        assertThrows(DlsecException.class, () -> Normalization.parse("mean=0,std=0"));
        assertThrows(DlsecException.class, () -> Normalization.parse("mean=0,1,std=1"));
        assertThrows(DlsecException.class, () -> Normalization.parse("scale=1"));
    }

    @Test
    void predictionsAreTheModelsOnNormalisedDataAndGradientsFollowTheChainRule() {
        Dataset d = TestSupport.mnistTest(16);
        Normalization norm = new Normalization(new float[] {0.1307f}, new float[] {0.3081f});
        try (DjlClassifier inner = Models.create(Architecture.LENET5, d.sampleShape(), 10, 5);
                NDManager m = Engines.newManager()) {
            NormalizedClassifier c = new NormalizedClassifier(inner, norm);
            NDArray x = d.images(m, 0, 16);
            NDArray z = x.sub(0.1307f).div(0.3081f);
            assertArrayEquals(inner.predictLogits(z).toFloatArray(), c.predictLogits(x).toFloatArray(), 1e-5f);
            assertArrayEquals(inner.predictLabels(z).toLongArray(), c.predictLabels(x).toLongArray());

            // chain rule: ∇x = ∇z / std
            NDArray y = d.labels(m, 0, 16);
            float[] gz = inner.lossGradient(z, y).toFloatArray();
            float[] gx = c.lossGradient(x, y).toFloatArray();
            for (int i = 0; i < gx.length; i++) {
                assertEquals(gz[i] / 0.3081f, gx[i], 1e-6f + 1e-4f * Math.abs(gx[i]));
            }
        }
    }

    @Test
    void perFeatureStdScalesEachFeaturesGradient() {
        float[] mean = new float[16];
        float[] std = new float[16];
        float[] xs = new float[4 * 16];
        for (int j = 0; j < 16; j++) {
            mean[j] = j - 8;
            std[j] = 0.5f + j;
        }
        java.util.SplittableRandom r = new java.util.SplittableRandom(1);
        for (int i = 0; i < xs.length; i++) {
            xs[i] = (float) (r.nextGaussian() * 4);
        }
        try (DjlClassifier inner = Models.create(Architecture.MLP, new Shape(16), 3, 2); NDManager m = Engines.newManager()) {
            NormalizedClassifier c = new NormalizedClassifier(inner, new Normalization(mean, std),
                    org.dlsec.model.Bounds.perFeature(new float[16], new float[16]));
            assertEquals("feature", c.describe().get("per"));
            NDArray x = Tensors.floats(m, xs, new Shape(4, 16));
            NDArray z = x.sub(Tensors.floats(m, mean, new Shape(1, 16))).div(Tensors.floats(m, std, new Shape(1, 16)));
            NDArray y = Tensors.longs(m, new long[] {0, 1, 2, 1});
            float[] gz = inner.lossGradient(z, y).toFloatArray();
            float[] gx = c.lossGradient(x, y).toFloatArray();
            for (int i = 0; i < gx.length; i++) {
                assertEquals(gz[i] / std[i % 16], gx[i], 1e-6f + 1e-4f * Math.abs(gx[i]));
            }
            assertArrayEquals(inner.predictLogits(z).toFloatArray(), c.predictLogits(x).toFloatArray(), 1e-5f);
        }
    }
}
