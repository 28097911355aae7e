package org.dlsec.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.util.Pair;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.Map;
import org.dlsec.TestSupport;
import org.dlsec.data.Dataset;
import org.dlsec.model.Architecture;
import org.dlsec.model.DjlClassifier;
import org.dlsec.model.Models;
import org.junit.jupiter.api.Test;

/**
 * A seeded training gives the same bits whatever ran before it in the JVM. The disturbance is libtorch's
 * {@code at::set_num_threads} (DJL's {@code JniUtils.setNumThreads}, called by GradientConsistencyTest and by the
 * Spark executors' runtime): besides the intra-op thread count it sets MKL's thread count <em>of the calling
 * thread</em>, which undid dlsec's one-thread MKL setting on that thread; the test LeNet-5 of {@code TestModels}
 * then came out different in the whole suite than in an isolated run. And libtorch's numerics must be configured
 * the same way whichever dlsec class is used first.
 */
class TrainingDeterminismTest {
    @Test
    void settingTheThreadCountBetweenTwoTrainingsChangesNoBit() {
        Dataset train = TestSupport.mnistTrain(640);
        float[] first = trainedParameters(train);
        int threads = JniUtils.getNumThreads();
        float[] again;
        float[] oneThread;
        try {
            // the same count as before: only MKL's per-thread setting changes
            JniUtils.setNumThreads(threads);
            again = trainedParameters(train);
            JniUtils.setNumThreads(1);
            oneThread = trainedParameters(train);
        } finally {
            JniUtils.setNumThreads(threads);
        }
        assertFalse(Arrays.equals(first, untrainedParameters(train)), "the training changed the parameters");
        assertArrayEquals(first, again, "same seed after setNumThreads(" + threads + ") on this thread");
        assertArrayEquals(first, oneThread, "same seed at 1 libtorch thread instead of " + threads);
    }

    @Test
    void configuringTheNumericsBeforeTheEngineIsLoadedConfiguresThemAll() throws Exception {
        // a fresh JVM whose first dlsec call is LibTorchNumerics: it used to find no libtorch yet, and its status (oneDNN
        // on, no MKL thread control) stayed for the whole JVM
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                "-Dai.djl.offline=true", "-DOPT_OUT_TRACKING=true", FirstCallProbe.class.getName())
                .redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), out);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("oneDNN disabled; NNPACK off true; MKL threads 1"), out);
    }

    private static float[] trainedParameters(Dataset train) {
        try (DjlClassifier m = Models.create(Architecture.LENET5, train.sampleShape(), 10, 1234)) {
            new ModelTrainer(new TrainConfig(1, 64, "adam", 2e-3, 1234, "cosine")).train(m, train, null, null, Map.of());
            return parameters(m);
        }
    }

    private static float[] untrainedParameters(Dataset train) {
        try (DjlClassifier m = Models.create(Architecture.LENET5, train.sampleShape(), 10, 1234)) {
            return parameters(m);
        }
    }

    /** Every parameter's values, concatenated in the block's order. */
    static float[] parameters(DjlClassifier m) {
        float[] all = new float[0];
        for (Pair<String, Parameter> p : m.model().getBlock().getParameters()) {
            float[] v = p.getValue().getArray().toFloatArray();
            float[] joined = Arrays.copyOf(all, all.length + v.length);
            System.arraycopy(v, 0, joined, all.length, v.length);
            all = joined;
        }
        return all;
    }
}
