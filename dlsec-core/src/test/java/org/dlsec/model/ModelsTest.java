package org.dlsec.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.dlsec.TestSupport;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Versions;
import org.dlsec.data.Dataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelsTest {
    static ModelCard card(String arch) {
        return new ModelCard(ModelCard.FORMAT, arch, "mnist", new long[] {1, 28, 28}, 10, Models.WEIGHTS, null,
                new ModelCard.Training(0, 1, "adam", 1e-3, "constant", 0, 0, "none", 0, List.of(), Map.of()), null,
                Versions.all(), Instant.now());
    }

    @Test
    void savedModelsLoadBackIdentically(@TempDir Path dir) {
        Dataset d = TestSupport.mnistTest(16);
        for (Architecture arch : new Architecture[] {Architecture.LENET5, Architecture.MADRY}) {
            Path out = dir.resolve(arch.cliName());
            try (DjlClassifier model = Models.create(arch, d.sampleShape(), 10, 42);
                    NDManager m = Engines.newManager()) {
                NDArray x = d.images(m, 0, 16);
                float[] before = model.predictLogits(x).toFloatArray();
                ModelCard saved = Models.save(model, card(arch.cliName()), out);
                assertEquals(64, saved.weightsSha256().length());
                try (Classifier loaded = Models.load(out, d.sampleShape())) {
                    assertArrayEquals(before, loaded.predictLogits(x).toFloatArray());
                    assertEquals(saved.weightsSha256(), loaded.info().sha256());
                    assertTrue(loaded.hasGradients());
                }
            }
        }
    }

    @Test
    void vggBuildsForGtsrbShapes() {
        try (DjlClassifier model = Models.create(Architecture.VGG, new Shape(3, 32, 32), 43, 1);
                NDManager m = Engines.newManager()) {
            NDArray logits = model.predictLogits(m.randomUniform(0, 1, new Shape(4, 3, 32, 32)));
            assertEquals(new Shape(4, 43), logits.getShape());
            // eval mode: dropout off, so predictions are repeatable
            NDArray x = m.randomUniform(0, 1, new Shape(2, 3, 32, 32));
            assertArrayEquals(model.predictLogits(x).toFloatArray(), model.predictLogits(x).toFloatArray());
        }
    }

    @Test
    void sameSeedSameWeights() {
        try (DjlClassifier a = Models.create(Architecture.LENET5, new Shape(1, 28, 28), 10, 7);
                DjlClassifier b = Models.create(Architecture.LENET5, new Shape(1, 28, 28), 10, 7);
                NDManager m = Engines.newManager()) {
            NDArray x = m.ones(new Shape(1, 1, 28, 28));
            assertArrayEquals(a.predictLogits(x).toFloatArray(), b.predictLogits(x).toFloatArray());
        }
    }

    @Test
    void tamperedWeightsAreRefused(@TempDir Path dir) throws IOException {
        try (DjlClassifier model = Models.create(Architecture.LENET5, new Shape(1, 28, 28), 10, 1)) {
            Models.save(model, card("lenet5"), dir);
        }
        byte[] w = Files.readAllBytes(dir.resolve(Models.WEIGHTS));
        w[w.length - 5] ^= 0x40;
        Files.write(dir.resolve(Models.WEIGHTS), w);
        DlsecException e = assertThrows(DlsecException.class, () -> Models.load(dir, new Shape(1, 28, 28)));
        assertTrue(e.getMessage().contains("corrupt"), e.getMessage());
    }

    @Test
    void notAModelIsAClearError(@TempDir Path dir) throws IOException {
        Path txt = Files.writeString(dir.resolve("notes.txt"), "hello");
        assertTrue(assertThrows(DlsecException.class, () -> Models.load(txt, new Shape(1, 28, 28)))
                .getMessage().contains("not a model file"));
        Path pt = Files.writeString(dir.resolve("fake.pt"), "this is not a torchscript archive");
        assertTrue(assertThrows(DlsecException.class, () -> Models.load(pt, new Shape(1, 28, 28)))
                .getMessage().contains("not a loadable TorchScript model"));
        Path onnx = Files.writeString(dir.resolve("fake.onnx"), "garbage");
        assertTrue(assertThrows(DlsecException.class, () -> Models.load(onnx, new Shape(1, 28, 28)))
                .getMessage().contains("not a loadable ONNX model"));
        Path emptyDir = Files.createDirectories(dir.resolve("empty"));
        assertThrows(DlsecException.class, () -> Models.load(emptyDir, new Shape(1, 28, 28)));
        assertThrows(DlsecException.class, () -> Models.load(dir.resolve("missing"), new Shape(1, 28, 28)));
        Path badCard = Files.createDirectories(dir.resolve("badcard"));
        Files.writeString(badCard.resolve(ModelCard.FILE), "{\"format\": 3, ");
        assertThrows(DlsecException.class, () -> Models.load(badCard, new Shape(1, 28, 28)));
    }

    @Test
    void shapeMismatchIsAClearError() {
        DlsecException e = assertThrows(DlsecException.class,
                () -> Models.load(TestSupport.fixture("lenet-ts.pt"), new Shape(3, 32, 32)));
        assertTrue(e.getMessage().contains("input shape mismatch"), e.getMessage());
        try (Classifier c = Models.load(TestSupport.fixture("lenet-ts.pt"), new Shape(1, 28, 28));
                NDManager m = Engines.newManager()) {
            assertThrows(DlsecException.class, () -> c.predictLogits(m.zeros(new Shape(2, 28, 28))));
            NDArray nan = m.zeros(new Shape(1, 1, 28, 28)).add(Float.NaN);
            assertTrue(assertThrows(DlsecException.class, () -> c.predictLogits(nan)).getMessage().contains("NaN"));
        }
    }
}
