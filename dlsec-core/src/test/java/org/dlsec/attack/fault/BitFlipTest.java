package org.dlsec.attack.fault;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import java.util.ArrayList;
import java.util.List;
import org.dlsec.TestModels;
import org.dlsec.TestSupport;
import org.dlsec.core.DlsecException;
import org.dlsec.data.Dataset;
import org.dlsec.metric.Evaluation;
import org.dlsec.model.DjlClassifier;
import org.dlsec.model.Engines;
import org.junit.jupiter.api.Test;

/** Quantisation and the progressive Bit-Flip Attack on a small MNIST LeNet-5. */
class BitFlipTest {
    static final Dataset EVAL = TestSupport.mnistTest(500);
    static final Dataset ATTACK = TestSupport.mnistTrain(10_000).sample(128, 7);

    @Test
    void int8QuantisationKeepsAccuracyAndCloseRestoresTheFloatWeights() {
        DjlClassifier model = TestModels.mnistLenet();
        double floatAcc = Evaluation.accuracy(model, EVAL);
        try (WeightSnapshot before = WeightSnapshot.of(model)) {
            for (Granularity g : Granularity.values()) {
                try (QuantizedModel q = QuantizedModel.quantize(model, g)) {
                    assertEquals(5, q.layers(), "2 conv + 3 linear weight tensors");
                    assertTrue(!before.matchesModel(), "the model now computes with dequantised weights");
                    double acc = Evaluation.accuracy(q.classifier(), EVAL);
                    assertTrue(Math.abs(acc - floatAcc) <= 0.01, g + ": int8 " + acc + " vs float " + floatAcc);
                    // dequantised weights are within half a step of the float ones
                    QuantizedTensor t = q.tensor(0);
                    float[] w = before.saved(t.name());
                    for (int i = 0; i < t.size(); i++) {
                        assertTrue(Math.abs(t.value(i) - w[i]) <= t.scale(i) / 2 + 1e-7);
                        assertTrue(t.code(i) >= -127 && t.code(i) <= 127);
                    }
                }
                assertTrue(before.matchesModel(), "closing restores the float weights bit for bit");
            }
        }
    }

    @Test
    void bitArithmeticIsTwosComplement() {
        assertEquals((byte) -125, Bits.flip((byte) 3, 7));
        assertEquals(-128, Bits.flipDelta((byte) 3, 7));
        assertEquals(128, Bits.flipDelta((byte) -3, 7));
        assertEquals(4, Bits.flipDelta((byte) 3, 2));
        assertEquals(-2, Bits.flipDelta((byte) 3, 1));
        assertEquals((byte) 0, Bits.stick((byte) 1, 0, false));
        assertEquals(-2.0f, Bits.flip(2.0f, 31));
        assertThrows(IllegalArgumentException.class, () -> Bits.flip((byte) 0, 8));
    }

    @Test
    void weightGradientsAreRepeatableAndLeaveParametersFrozenState() {
        DjlClassifier model = TestModels.mnistLenet();
        try (QuantizedModel q = QuantizedModel.quantize(model, Granularity.PER_LAYER); NDManager m = Engines.newManager()) {
            List<Parameter> params = new ArrayList<>();
            List<Boolean> trainable = new ArrayList<>();
            for (QuantizedTensor t : q.tensors()) {
                params.add(q.original().parameter(t.name()));
                trainable.add(q.original().parameter(t.name()).requiresGradient());
            }
            NDArray x = ATTACK.images(m, 0, 64);
            NDArray y = ATTACK.labels(m, 0, 64);
            WeightGradients.Result a = WeightGradients.compute(q.classifier(), params, x, y);
            WeightGradients.Result b = WeightGradients.compute(q.classifier(), params, x, y);
            assertEquals(a.loss(), b.loss(), 1e-6);
            for (int l = 0; l < params.size(); l++) {
                assertArrayEquals(a.gradients()[l], b.gradients()[l], 1e-6f, "gradients do not accumulate");
                assertEquals(trainable.get(l), params.get(l).requiresGradient());
            }
            double norm = 0;
            for (float g : a.gradients()[4]) {
                norm += g * g;
            }
            assertTrue(norm > 0, "non-zero gradient");
            // first-order check: moving the last layer against the gradient lowers the loss
            assertTrue(a.loss() > 0 && Double.isFinite(a.loss()));
        }
    }

    /**
     * Zeroing a gradient once pointed the parameter's native gradient at a Java buffer that nothing
     * kept alive: after a garbage collection the next backward pass added into freed memory (wrong
     * gradients, then a corrupted heap: the SIGSEGV in glibc's unlink_chunk of issue #18). Here a
     * zeroed gradient must still read zero after collections that reuse freed memory.
     */
    @Test
    void aZeroedGradientStaysZeroAcrossGarbageCollection() throws Exception {
        DjlClassifier model = TestModels.mnistLenet();
        try (QuantizedModel q = QuantizedModel.quantize(model, Granularity.PER_LAYER); NDManager m = Engines.newManager()) {
            List<Parameter> params = new ArrayList<>();
            for (QuantizedTensor t : q.tensors()) {
                params.add(q.original().parameter(t.name()));
            }
            WeightGradients.Result a = WeightGradients.compute(q.classifier(), params, ATTACK.images(m, 0, 32),
                    ATTACK.labels(m, 0, 32));
            List<java.nio.ByteBuffer> reuse = new ArrayList<>();
            for (int round = 0; round < 3; round++) {
                System.gc();
                Thread.sleep(100);
                for (Parameter p : params) {
                    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocateDirect((int) p.getArray().size() * 4);
                    while (b.hasRemaining()) {
                        b.put((byte) 0x4b);
                    }
                    reuse.add(b);
                }
            }
            for (Parameter p : params) {
                boolean frozen = !p.requiresGradient();
                p.freeze(false);
                try (NDArray g = p.getArray().getGradient()) {
                    for (float v : g.toFloatArray()) {
                        assertEquals(0f, v, p.getName() + ": the zeroed gradient changed after a collection");
                    }
                } finally {
                    p.freeze(frozen);
                }
            }
            assertTrue(a.gradients().length == params.size() && reuse.size() == 3 * params.size());
        }
    }

    @Test
    void bfaCrushesAccuracyWithFewFlipsAndIsDeterministic() {
        DjlClassifier model = TestModels.mnistLenet();
        BitFlipAttack bfa = new BitFlipAttack(new BitFlipAttack.Config(40, 1, 0.11));
        try (WeightSnapshot before = WeightSnapshot.of(model)) {
            BitFlipAttack.Result r1;
            BitFlipAttack.Result r2;
            try (QuantizedModel q = QuantizedModel.quantize(model, Granularity.PER_LAYER)) {
                r1 = bfa.run(q, ATTACK, EVAL, false);
                assertEquals(r1.flips().size(), q.flippedBits(), "every recorded flip is in the codes");
                q.resetCodes();
                assertEquals(0, q.flippedBits());
                assertEquals(r1.cleanAccuracy(), Evaluation.accuracy(q.classifier(), EVAL), 1e-12);
                r2 = bfa.run(q, ATTACK, EVAL, false);
            }
            assertTrue(before.matchesModel(), "the caller's weights are restored");
            assertTrue(r1.cleanAccuracy() > 0.9, "clean " + r1.cleanAccuracy());
            assertTrue(r1.flipsToStop() > 0 && r1.flipsToStop() <= 40, "flips to 11% (tens, as in the paper): " + r1.flipsToStop()
                    + " curve " + r1.curve());
            assertTrue(r1.finalAccuracy() <= 0.11);
            assertEquals(r1.flips().size() + 1, r1.curve().size());
            assertEquals(r1.curve(), r2.curve(), "same seed-free inputs, same flips");
            assertEquals(r1.flips(), r2.flips());
            long msb = r1.flips().stream().filter(f -> f.bit() == 7).count();
            assertTrue(msb * 2 >= r1.flips().size(), "BFA mostly flips sign bits: " + r1.flips());
            assertTrue(r1.flips().get(r1.flips().size() - 1).loss() > r1.cleanLoss(), "the loss rose");
        }
    }

    @Test
    void invalidConfigIsRejected() {
        assertThrows(DlsecException.class, () -> new BitFlipAttack.Config(0, 1, 0.1));
        assertThrows(DlsecException.class, () -> new BitFlipAttack.Config(5, 0, 0.1));
        assertThrows(DlsecException.class, () -> new BitFlipAttack.Config(5, 1, 1.5));
    }
}
