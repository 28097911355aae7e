package org.dlsec.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.Shape;
import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Hashing;

/**
 * Fuzzes the model-loading front door: file-type detection of arbitrary files, the parsing and
 * validation of arbitrary provenance cards ({@code dlsec-model.json}), and the loading of arbitrary
 * weights behind a card whose hash matches them (the case of a hostile model directory). Each either
 * succeeds or fails with a {@link DlsecException}. TorchScript archives and ONNX payloads are not
 * fuzzed here: {@link TorchScriptArchiveFuzzTest} fuzzes the archive check that runs before libtorch,
 * and {@code HostileModelFilesTest} replays crafted TorchScript and ONNX files.
 */
class ModelLoadingFuzzTest {
    private static final String[] NAMES = {"model.pt", "model.onnx", "model.bin", "model", "m.pth", "x.torchscript"};
    private static Path dir;

    private static synchronized Path dir() throws IOException {
        if (dir == null) {
            dir = Files.createTempDirectory("dlsec-fuzz-model");
            dir.toFile().deleteOnExit();
        }
        return dir;
    }

    @FuzzTest(maxDuration = "10m", maxExecutions = 1_000_000)
    void loadsOrRefuses(FuzzedDataProvider data) {
        try {
            Path d = dir();
            switch (data.consumeInt(0, 2)) {
                case 0 -> {
                    Path file = d.resolve(NAMES[data.consumeInt(0, NAMES.length - 1)]);
                    Files.write(file, data.consumeRemainingAsBytes());
                    try {
                        Models.Kind k = Models.detect(file);
                        assertTrue(k != Models.Kind.DLSEC_DIRECTORY);
                    } catch (DlsecException expected) {
                        // not a model file
                    } finally {
                        Files.delete(file);
                    }
                }
                case 1 -> {
                    byte[] card = data.consumeRemainingAsBytes();
                    try {
                        ModelCard c = Models.parseCard(card, "fuzz/dlsec-model.json");
                        assertEquals(3, c.inputShape().length);
                    } catch (DlsecException expected) {
                        // refused card
                    }
                }
                default -> {
                    // a hostile model directory: a well-formed card naming the fuzzed weights by their true hash
                    Path m = d.resolve("dir");
                    Files.createDirectories(m);
                    int classes = data.consumeInt(2, 4);
                    byte[] weights = data.consumeRemainingAsBytes();
                    Files.write(m.resolve("weights.params"), weights);
                    String card = "{\"format\":\"dlsec-model/1\",\"architecture\":\"softmax\",\"inputShape\":[1,2,2],"
                            + "\"numClasses\":" + classes + ",\"weightsFile\":\"weights.params\",\"weightsSha256\":\""
                            + Hashing.sha256(weights) + "\"}";
                    Files.writeString(m.resolve(ModelCard.FILE), card, StandardCharsets.UTF_8);
                    try (Classifier c = Models.load(m, new Shape(1, 2, 2))) {
                        assertEquals(classes, c.numClasses());
                    } catch (DlsecException expected) {
                        // refused weights
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
