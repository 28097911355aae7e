package org.dlsec.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.dlsec.TestSupport;
import org.dlsec.data.Dataset;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Input gradients of a PyTorch-exported TorchScript LeNet are the same bits whatever else is going
 * on: at one or two libtorch threads, with several attack threads sharing the model, and with the
 * garbage collector running all the time (which frees any Java buffer a tensor might still alias).
 * The reference is a plain sequential run; PyTorch parity itself is {@link TorchScriptParityTest}.
 */
class GradientConsistencyTest {
    static final int BATCH = 32;
    static final int BATCHES = 4;
    static Dataset data;

    @BeforeAll
    static void load() {
        data = TestSupport.mnistTest(BATCH * BATCHES);
    }

    @Test
    void libtorchGradientsPassTheSelfCheck() {
        LibTorchNumerics.Status s = LibTorchNumerics.configure();
        assertTrue(s.trustworthy(), "float32 convolution gradient error " + s.gradientError());
        assertTrue(s.gradientError() < 1e-5, "float32 rounding alone gives ~1e-7, got " + s.gradientError());
        assertTrue(s.oneDnnDisabled(), "oneDNN should be switched off: " + s.how());
        // NNPACK off: on CPUs its cpuinfo does not know, each convolution otherwise prints a warning to stderr
        assertTrue(s.nnpackDisabled(), "NNPACK should be switched off");
        LibTorchNumerics.check();
    }

    @Test
    void sameBitsAtOneAndTwoThreadsConcurrentlyAndUnderGarbageCollection() throws Exception {
        try (Classifier c = Models.load(TestSupport.fixture("lenet-ts.pt"), data.sampleShape())) {
            int before = JniUtils.getNumThreads();
            float[][] one;
            float[][] two;
            try {
                JniUtils.setNumThreads(1);
                one = gradients(c);
                JniUtils.setNumThreads(2);
                two = gradients(c);
            } finally {
                JniUtils.setNumThreads(before);
            }
            for (int b = 0; b < BATCHES; b++) {
                assertArrayEquals(one[b], two[b], "batch " + b + ": 1 vs 2 libtorch threads");
            }
            // four attack threads share the model while another thread keeps the GC busy
            AtomicBoolean stop = new AtomicBoolean();
            Thread gc = new Thread(() -> {
                while (!stop.get()) {
                    System.gc();
                    try {
                        Thread.sleep(1);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            gc.setDaemon(true);
            gc.start();
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<float[][]>> runs = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    runs.add(pool.submit(() -> {
                        float[][] last = null;
                        for (int rep = 0; rep < 3; rep++) {
                            last = gradients(c);
                            for (int b = 0; b < BATCHES; b++) {
                                assertArrayEquals(one[b], last[b], "concurrent run, batch " + b);
                            }
                        }
                        return last;
                    }));
                }
                for (Future<float[][]> f : runs) {
                    assertEquals(BATCHES, f.get().length);
                }
            } finally {
                stop.set(true);
                pool.shutdown();
            }
        }
    }

    @Test
    void aSamplesBitsDoNotDependOnItsBatch() {
        int n = BATCH * BATCHES;
        try (Classifier c = Models.load(TestSupport.fixture("lenet-ts.pt"), data.sampleShape());
                NDManager m = Engines.newManager()) {
            float[] grad = c.lossGradient(data.images(m, 0, n), data.labels(m, 0, n)).toFloatArray();
            float[] logits = c.predictLogits(data.images(m, 0, n)).toFloatArray();
            int d = (int) data.sampleShape().size();
            for (int size : new int[] {1, 2, 3, 5, 7, 16}) {
                for (int from = 0; from + size <= 24; from += size) {
                    try (NDManager s = m.newSubManager()) {
                        float[] g = c.lossGradient(data.images(s, from, from + size), data.labels(s, from, from + size))
                                .toFloatArray();
                        float[] z = c.predictLogits(data.images(s, from, from + size)).toFloatArray();
                        assertArrayEquals(java.util.Arrays.copyOfRange(grad, from * d, (from + size) * d), g,
                                "gradient of samples " + from + ".. in a batch of " + size);
                        assertArrayEquals(java.util.Arrays.copyOfRange(logits, from * 10, (from + size) * 10), z,
                                "logits of samples " + from + ".. in a batch of " + size);
                    }
                }
            }
        }
    }

    private static float[][] gradients(Classifier c) {
        float[][] out = new float[BATCHES][];
        try (NDManager m = Engines.newManager()) {
            for (int b = 0; b < BATCHES; b++) {
                try (NDManager s = m.newSubManager()) {
                    int from = b * BATCH;
                    out[b] = c.lossGradient(data.images(s, from, from + BATCH), data.labels(s, from, from + BATCH))
                            .toFloatArray();
                }
            }
        }
        return out;
    }
}
