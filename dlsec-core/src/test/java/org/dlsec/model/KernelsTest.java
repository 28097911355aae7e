package org.dlsec.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.dlsec.TestSupport;
import org.dlsec.data.Dataset;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * oneDNN per model ({@link Kernels}, {@link DjlClassifier#kernelMode()}): a PyTorch-exported model
 * whose convolutions fill oneDNN's channel blocks (the PGD-trained CNN fixture: 16 and 32 filters)
 * runs on oneDNN with the same guarantees as the reference kernels (a sample's bits independent of
 * its batch and of the thread count, results that agree with the reference kernels'), LeNet-5 (6
 * filters, whose oneDNN gradient is wrong on some CPUs) runs its backward passes on the reference, and the one
 * process-wide switch never changes under a running computation of the other mode.
 */
class KernelsTest {
    static final String ROBUST = "robust/pgd-at-cnn-ts.pt";
    static final int N = 64;
    static Dataset data;

    @BeforeAll
    static void load() {
        data = TestSupport.mnistTest(N);
    }

    @Test
    void aModelWithWholeChannelBlocksRunsOnOneDnnAndLeNetOnTheReference() {
        assumeTrue(Kernels.oneDnnAllowed(), "libtorch's oneDNN switch is not reachable here");
        try (DjlClassifier robust = (DjlClassifier) Models.load(TestSupport.fixture(ROBUST), data.sampleShape());
                DjlClassifier lenet = (DjlClassifier) Models.load(TestSupport.fixture("lenet-ts.pt"), data.sampleShape())) {
            assertEquals(Kernels.Mode.ONEDNN, robust.kernelMode(), robust.kernels());
            assertEquals(Kernels.Mode.ONEDNN, robust.backwardKernelMode(), robust.kernels());
            // LeNet-5's six filters: oneDNN's forward is right, its backward not on every CPU
            assertEquals(Kernels.Mode.ONEDNN, lenet.kernelMode(), lenet.kernels());
            assertEquals(Kernels.Mode.REFERENCE, lenet.backwardKernelMode());
            assertTrue(lenet.kernels().contains("(6, 1, 5, 5)"), lenet.kernels());
        }
    }

    @Test
    void theSwitchOffKeepsEveryModelOnTheReference() {
        try (DjlClassifier robust = referenceInstance()) {
            assertEquals(Kernels.Mode.REFERENCE, robust.kernelMode());
            assertTrue(robust.kernels().startsWith("reference"), robust.kernels());
        }
    }

    @Test
    void onOneDnnASamplesBitsDependNeitherOnItsBatchNorOnTheThreadCount() {
        assumeTrue(Kernels.oneDnnAllowed(), "libtorch's oneDNN switch is not reachable here");
        try (DjlClassifier c = (DjlClassifier) Models.load(TestSupport.fixture(ROBUST), data.sampleShape());
                NDManager m = Engines.newManager()) {
            assertEquals(Kernels.Mode.ONEDNN, c.kernelMode());
            float[] grad = c.lossGradient(data.images(m, 0, N), data.labels(m, 0, N)).toFloatArray();
            float[] logits = c.predictLogits(data.images(m, 0, N)).toFloatArray();
            int d = (int) data.sampleShape().size();
            for (int size : new int[] {1, 3, 8, 13}) {
                for (int from = 0; from + size <= 26; from += size) {
                    try (NDManager s = m.newSubManager()) {
                        float[] g = c.lossGradient(data.images(s, from, from + size), data.labels(s, from, from + size))
                                .toFloatArray();
                        float[] z = c.predictLogits(data.images(s, from, from + size)).toFloatArray();
                        assertArrayEquals(Arrays.copyOfRange(grad, from * d, (from + size) * d), g,
                                "gradient of samples " + from + ".. in a batch of " + size);
                        assertArrayEquals(Arrays.copyOfRange(logits, from * 10, (from + size) * 10), z,
                                "logits of samples " + from + ".. in a batch of " + size);
                    }
                }
            }
            int before = JniUtils.getNumThreads();
            try {
                for (int threads : new int[] {1, 2}) {
                    JniUtils.setNumThreads(threads);
                    try (NDManager s = m.newSubManager()) {
                        assertArrayEquals(grad, c.lossGradient(data.images(s, 0, N), data.labels(s, 0, N)).toFloatArray(),
                                threads + " libtorch thread(s)");
                    }
                }
            } finally {
                JniUtils.setNumThreads(before);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {ROBUST, "lenet-ts.pt"})
    void oneDnnAgreesWithTheReferenceKernels(String fixture) {
        assumeTrue(Kernels.oneDnnAllowed(), "libtorch's oneDNN switch is not reachable here");
        try (DjlClassifier fast = (DjlClassifier) Models.load(TestSupport.fixture(fixture), data.sampleShape());
                DjlClassifier ref = referenceInstance(fixture);
                NDManager m = Engines.newManager()) {
            assertEquals(Kernels.Mode.ONEDNN, fast.kernelMode());
            assertEquals(Kernels.Mode.REFERENCE, ref.kernelMode());
            float[] zf = fast.predictLogits(data.images(m, 0, N)).toFloatArray();
            // one function: a prediction and a gradient's logits are the same bits
            assertArrayEquals(zf, fast.gradient(data.images(m, 0, N), LogitObjective.classLogit(0)).logits().toFloatArray());
            float[] zr = ref.predictLogits(data.images(m, 0, N)).toFloatArray();
            assertTrue(relativeError(zf, zr) < 1e-5, "logits: " + relativeError(zf, zr));
            assertArrayEquals(ref.predictLabels(data.images(m, 0, N)).toLongArray(),
                    fast.predictLabels(data.images(m, 0, N)).toLongArray());
            float[] gf = fast.lossGradient(data.images(m, 0, N), data.labels(m, 0, N)).toFloatArray();
            float[] gr = ref.lossGradient(data.images(m, 0, N), data.labels(m, 0, N)).toFloatArray();
            assertTrue(relativeError(gf, gr) < 1e-3, "gradients: " + relativeError(gf, gr));
        }
    }

    @Test
    void referenceModelsKeepTheirBitsWhileAOneDnnModelRunsInAnotherThread() throws Exception {
        assumeTrue(Kernels.oneDnnAllowed(), "libtorch's oneDNN switch is not reachable here");
        try (DjlClassifier robust = (DjlClassifier) Models.load(TestSupport.fixture(ROBUST), data.sampleShape());
                DjlClassifier lenet = (DjlClassifier) Models.load(TestSupport.fixture("lenet-ts.pt"), data.sampleShape());
                NDManager m = Engines.newManager()) {
            assertEquals(Kernels.Mode.ONEDNN, robust.kernelMode());
            float[] expected = lenet.lossGradient(data.images(m, 0, N), data.labels(m, 0, N)).toFloatArray();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong fastCalls = new AtomicLong();
            ExecutorService pool = Executors.newSingleThreadExecutor();
            try {
                Future<?> other = pool.submit(() -> {
                    try (NDManager s = Engines.newManager()) {
                        while (!stop.get()) {
                            try (NDManager t = s.newSubManager()) {
                                robust.lossGradient(data.images(t, 0, 16), data.labels(t, 0, 16));
                                robust.predictLogits(data.images(t, 16, 32));
                            }
                            fastCalls.incrementAndGet();
                        }
                    }
                });
                for (int rep = 0; rep < 30; rep++) {
                    try (NDManager s = m.newSubManager()) {
                        assertArrayEquals(expected, lenet.lossGradient(data.images(s, 0, N), data.labels(s, 0, N))
                                .toFloatArray(), "LeNet-5's gradient, repetition " + rep);
                    }
                }
                stop.set(true);
                other.get();
            } finally {
                stop.set(true);
                pool.shutdown();
            }
            assertTrue(fastCalls.get() > 0, "the oneDNN model never ran beside LeNet-5");
        }
    }

    @Test
    void sectionsOfTheTwoModesNeverOverlapAndNestOnlyInsideTheReference() throws Exception {
        assumeTrue(Kernels.oneDnnAllowed(), "libtorch's oneDNN switch is not reachable here");
        AtomicInteger[] inside = {new AtomicInteger(), new AtomicInteger()};
        AtomicInteger overlaps = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> runs = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                long seed = t;
                runs.add(pool.submit(() -> {
                    SplittableRandom r = new SplittableRandom(seed);
                    for (int i = 0; i < 300; i++) {
                        Kernels.Mode mode = Kernels.Mode.values()[r.nextInt(2)];
                        try (Kernels.Section s = Kernels.enter(mode)) {
                            inside[mode.ordinal()].incrementAndGet();
                            if (inside[1 - mode.ordinal()].get() > 0) {
                                overlaps.incrementAndGet();
                            }
                            long until = System.nanoTime() + 20_000;
                            while (System.nanoTime() < until) {
                                Thread.onSpinWait();
                            }
                            inside[mode.ordinal()].decrementAndGet();
                        }
                    }
                }));
            }
            for (Future<?> f : runs) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        assertEquals(0, overlaps.get(), "sections of both modes ran at once");
        try (Kernels.Section outer = Kernels.reference(); Kernels.Section inner = Kernels.enter(Kernels.Mode.ONEDNN)) {
            assertEquals(Kernels.Mode.REFERENCE, inner.mode(), "inside the reference, oneDNN runs as the reference");
        }
        try (Kernels.Section outer = Kernels.enter(Kernels.Mode.ONEDNN)) {
            assertThrows(IllegalStateException.class, Kernels::reference);
        }
        assertNull(Kernels.currentSection());
    }

    @Test
    void aFirstCallInsideASectionSettlesOnTheReferenceWithoutWaitingForAnotherThreadsCheck() throws Exception {
        assumeTrue(Kernels.oneDnnAllowed(), "libtorch's oneDNN switch is not reachable here");
        try (DjlClassifier c = unchecked()) {
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                Future<Kernels.Mode[]> both = pool.submit(() -> {
                    Kernels.Section held = Kernels.reference();
                    Future<Kernels.Mode> other;
                    Kernels.Mode mine;
                    try {
                        // the other thread's check needs a oneDNN section, so it waits for this one to end ...
                        other = pool.submit(c::kernelMode);
                        Thread.sleep(300);
                        // ... and this thread, inside its section, must not wait for that check (it would wait forever)
                        mine = c.kernelMode();
                    } finally {
                        held.close();
                    }
                    return new Kernels.Mode[] {mine, other.get(60, java.util.concurrent.TimeUnit.SECONDS)};
                });
                Kernels.Mode[] modes = both.get(90, java.util.concurrent.TimeUnit.SECONDS);
                assertEquals(Kernels.Mode.REFERENCE, modes[0]);
                assertEquals(modes[0], modes[1], "one choice per model");
                assertTrue(c.kernels().contains("inside a kernel section"), c.kernels());
            } finally {
                pool.shutdownNow();
            }
        }
    }

    /** The robust fixture as a classifier whose kernels are not chosen yet (the loader chooses them at once). */
    private static DjlClassifier unchecked() throws Exception {
        ai.djl.Model model = ai.djl.Model.newInstance("unchecked", Engines.ENGINE);
        model.load(TestSupport.fixture(ROBUST).toAbsolutePath(), null, java.util.Map.of("trainParam", "true"));
        model.getBlock().freezeParameters(true);
        return new DjlClassifier(model, data.sampleShape(), 10, Bounds.UNIT,
                new ModelInfo("torchscript", ROBUST, "unchecked", null), true);
    }

    private static DjlClassifier referenceInstance() {
        return referenceInstance(ROBUST);
    }

    private static DjlClassifier referenceInstance(String fixture) {
        String before = System.getProperty("dlsec.onednn");
        System.setProperty("dlsec.onednn", "false");
        try {
            DjlClassifier c = (DjlClassifier) Models.load(TestSupport.fixture(fixture), data.sampleShape());
            c.kernelMode();
            return c;
        } finally {
            if (before == null) {
                System.clearProperty("dlsec.onednn");
            } else {
                System.setProperty("dlsec.onednn", before);
            }
        }
    }

    private static double relativeError(float[] a, float[] ref) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < a.length; i++) {
            num += ((double) a[i] - ref[i]) * ((double) a[i] - ref[i]);
            den += (double) ref[i] * ref[i];
        }
        return Math.sqrt(num / den);
    }
}
