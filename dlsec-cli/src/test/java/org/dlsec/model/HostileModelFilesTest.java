package org.dlsec.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.dlsec.core.DlsecException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hostile model-file corpus of issue #25 ({@code src/test/resources/hostile}, made by
 * {@code bench/fixtures/make_hostile_models.py}): every crafted TorchScript archive and ONNX model is
 * refused by the checks that run before libtorch or ONNX Runtime see a file, with one line naming the
 * file and the reason; a few go through {@code dlsec eval} in a child JVM to prove the refusal is an
 * exit 2 and not a crash; every good fixture still passes and loads.
 */
class HostileModelFilesTest {
    static final Path CORPUS = Path.of("dlsec-core/src/test/resources/hostile");
    static final Shape MNIST = new Shape(1, 28, 28);

    record Case(Path file, String fragment) {}

    static List<Case> corpus() throws IOException {
        List<Case> cases = new ArrayList<>();
        for (String line : Files.readAllLines(CORPUS.resolve("expected.tsv"), StandardCharsets.UTF_8)) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] p = line.split("\t", 2);
            cases.add(new Case(CORPUS.resolve(p[0]), p[1]));
        }
        return cases;
    }

    /** Runs the check the front door runs for this kind of file. */
    static void check(Path file) {
        if (file.toString().endsWith(".onnx")) {
            OnnxCheck.check(ModelFiles.read(file), file.toString());
        } else {
            TorchScriptCheck.check(file, ModelFiles.maxBytes());
        }
    }

    @Test
    void everyCraftedFileIsRefusedWithOneLineNamingTheFileAndTheReason() throws IOException {
        List<Case> cases = corpus();
        assertTrue(cases.size() >= 60, "corpus of " + cases.size());
        assertTrue(cases.stream().filter(c -> c.file().toString().endsWith(".onnx")).count() >= 19, "ONNX cases");
        List<String> failures = new ArrayList<>();
        for (Case c : cases) {
            assertTrue(Files.isRegularFile(c.file()), c.file() + " missing");
            long t0 = System.nanoTime();
            try {
                check(c.file());
                failures.add(c.file() + ": accepted");
            } catch (DlsecException e) {
                String m = e.getMessage();
                if (!m.contains(c.fragment()) || !m.contains(c.file().toString()) || m.contains("\n") || m.length() > 400) {
                    failures.add(c.file() + ": message '" + m + "' (wanted '" + c.fragment() + "')");
                }
            }
            double s = (System.nanoTime() - t0) / 1e9;
            if (s > 5) {
                failures.add(c.file() + ": took " + s + " s");
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    @Test
    void everyGoodFixturePassesAndTheGoodCorpusLoads() throws IOException {
        List<Path> good;
        try (Stream<Path> s = Stream.concat(Files.walk(Path.of("dlsec-core/src/test/resources/fixtures")), Files.walk(CORPUS.resolve("good")))) {
            good = s.filter(p -> p.toString().endsWith(".pt") || p.toString().endsWith(".onnx")).sorted()
                    .collect(Collectors.toList());
        }
        assertTrue(good.size() >= 10, "good fixtures: " + good);
        for (Path p : good) {
            check(p);
        }
        TorchScriptCheck.Summary s = TorchScriptCheck.check(CORPUS.resolve("good/tiny.pt"), ModelFiles.maxBytes());
        assertEquals(4, s.tensors(), "conv weight and bias, fc weight and bias");
        assertEquals((2 * 25 + 2 + 720 + 10) * 4L, s.storageBytes());
        TorchScriptCheck.Summary lenet = TorchScriptCheck.check(Path.of("dlsec-core/src/test/resources/fixtures/lenet-ts.pt"),
                ModelFiles.maxBytes());
        assertEquals(10, lenet.tensors());
        assertEquals(2, OnnxCheck.check(ModelFiles.read(CORPUS.resolve("good/tiny.onnx")), "tiny.onnx"), "W and B");
        for (String f : new String[] {"good/tiny.pt", "good/tiny-rezipped.pt", "good/tiny.onnx"}) {
            try (Classifier c = Models.load(CORPUS.resolve(f), MNIST)) {
                assertEquals(10, c.numClasses(), f);
            }
        }
    }

    @Test
    void theIssuesRecipesExitWithCodeTwoInAChildJvmWithoutACrash(@TempDir Path dir) throws Exception {
        String[] files = {"torchscript/offset-5e8.pt", "torchscript/offset-100.pt", "torchscript/truncated-record.pt",
            "torchscript/global-os-system.pt", "torchscript/zip-bomb.pt", "onnx/external-data.onnx", "onnx/raw-short.onnx"};
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        for (String f : files) {
            Path model = CORPUS.resolve(f).toAbsolutePath();
            Path log = dir.resolve("child.log");
            ProcessBuilder pb = new ProcessBuilder(java, "-Dai.djl.offline=true", "-Ddlsec.progress=false", "-cp",
                    System.getProperty("java.class.path"), "org.dlsec.cli.Main", "eval", "--model", model.toString(),
                    "--dataset", "mnist", "--limit", "20")
                    .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
            Process p = pb.start();
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), f + ": child did not finish");
            String out = Files.readString(log).strip();
            assertEquals(2, p.exitValue(), f + ": " + out);
            List<String> lines = out.lines().filter(l -> !l.isBlank()).collect(Collectors.toList());
            assertEquals(1, lines.size(), f + ": " + out);
            assertTrue(lines.get(0).startsWith("dlsec: error: ") && lines.get(0).contains(model.toString()), out);
            try (Stream<Path> s = Files.list(dir)) {
                assertFalse(s.anyMatch(x -> x.getFileName().toString().startsWith("hs_err")), f + ": JVM crash log");
            }
        }
    }

    @Test
    void aSparseModelFileOverTheSizeLimitIsRefusedBeforeItIsRead(@TempDir Path dir) throws IOException {
        Path big = dir.resolve("big.pt");
        // 20 GiB as in the issue, but less than the memory this machine has free, so that only the model-size
        // limit can refuse it (a memory check alone let such a file through to be hashed and read, ~53 s)
        long size = Math.min(20L << 30, Math.max(ModelFiles.DEFAULT_MAX_BYTES + (1L << 30), org.dlsec.core.Memory.nativeAvailable() / 2));
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.write(new byte[] {'P', 'K', 3, 4});
            f.setLength(size); // sparse
        }
        long t0 = System.nanoTime();
        DlsecException e = assertThrows(DlsecException.class, () -> Models.load(big, MNIST));
        double s = (System.nanoTime() - t0) / 1e9;
        assertTrue(s < 2, "a " + (size >> 20) + " MiB sparse file was refused only after " + s + " s");
        assertTrue(e.getMessage().contains("more than the " + ModelFiles.DEFAULT_MAX_BYTES), e.getMessage());
        // a dlsec model directory with the same weights file: refused before hashing too
        Path m = Files.createDirectories(dir.resolve("m"));
        Files.move(big, m.resolve("weights.params"));
        Files.writeString(m.resolve(ModelCard.FILE), "{\"format\":\"dlsec-model/1\",\"architecture\":\"lenet5\","
                + "\"inputShape\":[1,28,28],\"numClasses\":10,\"weightsFile\":\"weights.params\",\"weightsSha256\":\""
                + "0".repeat(64) + "\"}");
        long t1 = System.nanoTime();
        DlsecException d = assertThrows(DlsecException.class, () -> Models.load(m, MNIST));
        assertTrue(d.getMessage().contains("more than the"), d.getMessage());
        assertTrue((System.nanoTime() - t1) / 1e9 < 2, "directory refused quickly");
        // the limit is a system property
        String old = System.getProperty(ModelFiles.PROPERTY);
        try {
            System.setProperty(ModelFiles.PROPERTY, "1k");
            assertEquals(1024, ModelFiles.maxBytes());
            DlsecException small = assertThrows(DlsecException.class,
                    () -> Models.load(Path.of("dlsec-core/src/test/resources/fixtures/lenet-ts.pt"), MNIST));
            assertTrue(small.getMessage().contains("more than the 1024"), small.getMessage());
            System.setProperty(ModelFiles.PROPERTY, "lots");
            assertThrows(DlsecException.class, ModelFiles::maxBytes);
        } finally {
            if (old == null) {
                System.clearProperty(ModelFiles.PROPERTY);
            } else {
                System.setProperty(ModelFiles.PROPERTY, old);
            }
        }
    }
}
