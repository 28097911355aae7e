package org.dlsec.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.dlsec.TestSupport;
import org.dlsec.core.DlsecException;
import org.dlsec.data.Dataset;
import org.junit.jupiter.api.Test;

/** ONNX Runtime as a black box: the same LeNet exported to ONNX answers like its TorchScript twin. */
class OnnxClassifierTest {
    @Test
    void onnxLogitsAndProbabilitiesMatchTorchScript() {
        Dataset d = TestSupport.mnistTest(50);
        try (Classifier ts = Models.load(TestSupport.fixture("lenet-ts.pt"), d.sampleShape());
                Classifier onnx = Models.load(TestSupport.fixture("lenet.onnx"), d.sampleShape());
                Classifier soft = Models.load(TestSupport.fixture("lenet-softmax.onnx"), d.sampleShape());
                NDManager m = Engines.newManager()) {
            assertFalse(onnx.hasGradients());
            assertEquals(ScoreKind.LOGITS, ((BlackBoxClassifier) onnx).scoreKind());
            assertEquals(ScoreKind.PROBABILITIES, ((BlackBoxClassifier) soft).scoreKind());
            NDArray x = d.images(m, 0, 50);
            float[] a = ts.predictLogits(x).toFloatArray();
            float[] b = onnx.predictLogits(x).toFloatArray();
            assertTrue(TorchScriptParityTest.maxAbsDiff(a, b) < 1e-4);
            float[] pa = ts.predictProba(x).toFloatArray();
            float[] pc = soft.predictProba(x).toFloatArray();
            assertTrue(TorchScriptParityTest.maxAbsDiff(pa, pc) < 1e-5);
            assertArrayEquals(ts.predictLabels(x).toLongArray(), soft.predictLabels(x).toLongArray());
            assertEquals(50, onnx.stats().queries());
            NDArray y = d.labels(m, 0, 50);
            DlsecException e = assertThrows(NoGradientException.class, () -> onnx.lossGradient(x, y));
            assertTrue(e.getMessage().contains("black-box attack"));
        }
    }

    @Test
    void wrongInputShapeIsRejectedAtLoadAndAtCall() {
        assertThrows(DlsecException.class,
                () -> Models.load(TestSupport.fixture("lenet.onnx"), new Shape(3, 32, 32)).close());
        try (Classifier onnx = Models.load(TestSupport.fixture("lenet.onnx"), new Shape(1, 28, 28));
                NDManager m = Engines.newManager()) {
            DlsecException e = assertThrows(DlsecException.class, () -> onnx.predictLogits(m.zeros(new Shape(2, 3, 32, 32))));
            assertTrue(e.getMessage().contains("input shape mismatch"));
        }
    }
}
