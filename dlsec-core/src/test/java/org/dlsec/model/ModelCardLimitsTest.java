package org.dlsec.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Hashing;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #25, finding 4: a model card's limits come from its architecture. The parameter count
 * {@link Architecture#parameterCount} computes without allocating equals what DJL builds; a card
 * whose architecture and input shape imply more weights than the largest model file is refused when
 * it is read; a card whose weights file is too small for what it declares is refused before the
 * network is built (before, a LeNet card with inputShape [1, 1024, 1024] allocated 2.2 GB first).
 */
class ModelCardLimitsTest {
    private static long djlCount(Architecture arch, Shape shape, int k) {
        try (DjlClassifier c = Models.create(arch, shape, k, 1)) {
            long n = 0;
            for (var p : c.model().getBlock().getParameters()) {
                Parameter v = p.getValue();
                n += v.getArray().size();
            }
            return n;
        }
    }

    @Test
    void theCountFromTheLayerFormulasIsWhatDjlBuilds() {
        Object[][] cases = {
            {Architecture.LENET5, new Shape(1, 28, 28), 10}, {Architecture.LENET5, new Shape(3, 32, 32), 43},
            {Architecture.LENET5, new Shape(1, 8, 8), 3}, {Architecture.LENET5, new Shape(3, 13, 17), 5},
            {Architecture.MADRY, new Shape(1, 28, 28), 10}, {Architecture.MADRY, new Shape(3, 33, 31), 4},
            {Architecture.VGG, new Shape(3, 32, 32), 43}, {Architecture.VGG, new Shape(1, 28, 28), 10},
            {Architecture.VGG, new Shape(3, 7, 9), 2}, {Architecture.VGG, new Shape(3, 96, 80), 6},
            {Architecture.SOFTMAX, new Shape(1, 2, 2), 3}, {Architecture.SOFTMAX, new Shape(16), 3},
            {Architecture.MLP, new Shape(16), 3}, {Architecture.MLP, new Shape(3, 4, 5), 7},
            {Architecture.RESNET, new Shape(3, 32, 32), 10}, {Architecture.RESNET, new Shape(3, 64, 64), 10},
        };
        for (Object[] c : cases) {
            Architecture a = (Architecture) c[0];
            Shape s = (Shape) c[1];
            int k = (Integer) c[2];
            assertEquals(djlCount(a, s, k), a.parameterCount(s, k), a + " " + s + " " + k);
        }
        assertThrows(DlsecException.class, () -> Architecture.LENET5.parameterCount(new Shape(784), 10));
        assertThrows(DlsecException.class, () -> Architecture.RESNET.parameterCount(new Shape(3, 16, 16), 10));
    }

    private static String card(String arch, String shape, String sha) {
        return "{\"format\":\"dlsec-model/1\",\"architecture\":\"" + arch + "\",\"inputShape\":" + shape
                + ",\"numClasses\":10,\"weightsFile\":\"weights.params\",\"weightsSha256\":\"" + sha + "\"}";
    }

    @Test
    void aCardImplyingMoreWeightsThanAModelFileHoldsIsRefusedWhenRead() {
        // LeNet on 4096x4096: 16 x 1021 x 1021 x 120 weights in its first dense layer, about 8 GB
        DlsecException e = assertThrows(DlsecException.class, () -> Models.parseCard(
                card("lenet5", "[1,4096,4096]", "0".repeat(64)).getBytes(StandardCharsets.UTF_8), "c.json"));
        assertTrue(e.getMessage().contains("parameters") && e.getMessage().contains("c.json"), e.getMessage());
        // the same shape is fine for an architecture whose size does not grow with the image
        ModelCard ok = Models.parseCard(card("resnet", "[3,2048,2048]", "0".repeat(64)).getBytes(StandardCharsets.UTF_8),
                "r.json");
        assertEquals(3, ok.inputShape().length);
    }

    @Test
    void weightsTooSmallForTheCardAreRefusedBeforeTheNetworkIsBuilt(@TempDir Path dir) throws IOException {
        byte[] weights = new byte[250_000]; // about a 28x28 LeNet's size; a 1024x1024 one needs 490 MB
        Files.write(dir.resolve("weights.params"), weights);
        Files.writeString(dir.resolve(ModelCard.FILE), card("lenet5", "[1,1024,1024]", Hashing.sha256(weights)));
        DlsecException e = assertThrows(DlsecException.class, () -> Models.load(dir, (Shape) null));
        // the message of the check made before Architecture.build (the later exact-size check says "expected")
        assertTrue(e.getMessage().contains("parameters need at least"), e.getMessage());
        // refused at about the cost of reading the card and hashing the weights, not of building a 490 MB network:
        // medians of interleaved runs, compared as a ratio measured in the same run (an absolute bound failed under load)
        Runnable refuse = () -> assertThrows(DlsecException.class, () -> Models.load(dir, (Shape) null));
        Runnable read = () -> {
            try {
                Models.parseCard(Files.readAllBytes(dir.resolve(ModelCard.FILE)), "c.json");
                Hashing.sha256(Files.readAllBytes(dir.resolve("weights.params")));
            } catch (IOException x) {
                throw new java.io.UncheckedIOException(x);
            }
        };
        double[][] t = new double[2][5];
        for (int i = 0; i < 8; i++) {
            long t0 = System.nanoTime();
            refuse.run();
            long t1 = System.nanoTime();
            read.run();
            long t2 = System.nanoTime();
            if (i >= 3) { // three warm-up rounds
                t[0][i - 3] = (t1 - t0) / 1e9;
                t[1][i - 3] = (t2 - t1) / 1e9;
            }
        }
        java.util.Arrays.sort(t[0]);
        java.util.Arrays.sort(t[1]);
        assertTrue(t[0][2] < 20 * t[1][2] + 0.005, "refused in " + t[0][2] + " s; reading the card and hashing the weights "
                + t[1][2] + " s (medians)");
    }
}
