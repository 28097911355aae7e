package org.dlsec.cli;

import static org.dlsec.cli.CliTest.assertUserError;
import static org.dlsec.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import javax.imageio.ImageIO;
import org.dlsec.TestSupport;
import org.dlsec.core.Json;
import org.dlsec.data.Dataset;
import org.dlsec.cli.CliTest.Run;
import org.dlsec.data.NumpyDataTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Commands on datasets given by path: the same figures as the built-in, and bad files refused with exit 2. */
class DataPathCliTest {
    static final int N = 100;

    /** The first N MNIST test images as PNGs in class folders 0..9 (all ten occur in the first 100). */
    static Path mnistPngs(Path dir) throws IOException {
        Dataset d = TestSupport.mnistTest(N);
        for (int i = 0; i < N; i++) {
            BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
            float[] x = d.image(i);
            for (int p = 0; p < 784; p++) {
                img.getRaster().setSample(p % 28, p / 28, 0, Math.round(x[p] * 255));
            }
            Path f = dir.resolve("pngs/" + d.label(i) + String.format("/%03d.png", i));
            Files.createDirectories(f.getParent());
            ImageIO.write(img, "png", f.toFile());
        }
        return dir.resolve("pngs");
    }

    private static double accuracy(Path json) throws IOException {
        return Json.MAPPER.readTree(json.toFile()).get("accuracy").asDouble();
    }

    @Test
    void evalOnAnImageFolderAndAnNpzGivesTheBuiltInsFigure(@TempDir Path dir) throws IOException {
        String model = TestSupport.fixture("lenet-ts.pt").toString();
        Run builtin = run("eval", "--model", model, "--dataset", "mnist", "--limit", String.valueOf(N), "--json",
                dir.resolve("a.json").toString(), "--quiet");
        assertEquals(0, builtin.code(), builtin.err());
        Path pngs = mnistPngs(dir);
        Run folder = run("eval", "--model", model, "--dataset", pngs.toString(), "--json", dir.resolve("b.json").toString(),
                "--quiet");
        assertEquals(0, folder.code(), folder.err());
        assertEquals(accuracy(dir.resolve("a.json")), accuracy(dir.resolve("b.json")), 0.0);
        JsonNode b = Json.MAPPER.readTree(dir.resolve("b.json").toFile());
        assertEquals(N, b.get("samples").asInt());
        String origin = b.get("provenance").get("data").asText();
        assertTrue(origin.contains("image folder") && origin.matches(".*sha256=[0-9a-f]{64}.*"), origin);

        Dataset d = TestSupport.mnistTest(N);
        byte[] px = new byte[N * 784];
        long[] y = new long[N];
        for (int i = 0; i < N; i++) {
            float[] x = d.image(i);
            for (int p = 0; p < 784; p++) {
                px[i * 784 + p] = (byte) Math.round(x[p] * 255);
            }
            y[i] = d.label(i);
        }
        Path npz = dir.resolve("mnist100.npz");
        Files.write(npz, NumpyDataTest.npz(Map.of("images", NumpyDataTest.npy("|u1", "(" + N + ", 28, 28)", px),
                "labels", NumpyDataTest.npy("<i8", "(" + N + ",)", NumpyDataTest.i64(y)))));
        Run arrays = run("eval", "--model", model, "--dataset", npz.toString(), "--npz-keys", "images,labels", "--json",
                dir.resolve("c.json").toString(), "--quiet");
        assertEquals(0, arrays.code(), arrays.err());
        assertEquals(accuracy(dir.resolve("a.json")), accuracy(dir.resolve("c.json")), 0.0);
    }

    @Test
    void auditOfAnImageFolderWritesAValidReportWithClassNames(@TempDir Path dir) throws Exception {
        Path pngs = mnistPngs(dir);
        Files.writeString(pngs.resolve("classes.txt"), "zero\none\ntwo\nthree\nfour\nfive\nsix\nseven\neight\nnine\n");
        Path cfg = dir.resolve("audit.yaml");
        Files.writeString(cfg, "seed: 1\nlimit: 20\nbatchSize: 20\nattacks:\n  - attack: fgsm\n    eps: 0.2\n");
        Path out = dir.resolve("report");
        Run r = run("audit", "--model", TestSupport.fixture("lenet-ts.pt").toString(), "--dataset", pngs.toString(),
                "--config", cfg.toString(), "--out", out.toString(), "--quiet");
        assertEquals(0, r.code(), r.err());
        JsonNode json = Json.MAPPER.readTree(out.resolve("report.json").toFile());
        JsonNode ds = json.get("dataset");
        assertEquals("all", ds.get("split").asText());
        assertEquals("three", ds.get("classes").get(3).asText());
        assertEquals(28, ds.get("shape").get(2).asInt());
        assertEquals(1.0, ds.get("bounds").get("upper").get(0).asDouble());
        JsonSchema schema;
        try (InputStream in = Files.newInputStream(Path.of("docs/report-schema.json"))) {
            schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
        }
        assertTrue(schema.validate(json).isEmpty(), "report.json matches the schema: " + schema.validate(json));
        String html = Files.readString(out.resolve("index.html"));
        assertTrue(html.contains("3 three") && html.contains("input bounds"), "class names in the page");
    }

    @Test
    void badDataFilesGiveExitTwoAndOneLineNamingThePlace(@TempDir Path dir) throws IOException {
        String model = TestSupport.fixture("lenet-ts.pt").toString();
        Path csv = dir.resolve("bad.csv");
        Files.writeString(csv, "a,b,label\n1,2,0\n3,oops,1\n");
        assertUserError(run("eval", "--model", model, "--dataset", csv.toString()), "row 3, column 2 ('b'): 'oops'");
        Files.writeString(csv, "a,b,label\n1,2,0\n3,4\n");
        assertUserError(run("attack", "--model", model, "--dataset", csv.toString(), "--attack", "fgsm"),
                "row 3 has 2 cells");
        Path imgs = dir.resolve("imgs");
        Files.createDirectories(imgs.resolve("a"));
        Files.createDirectories(imgs.resolve("b"));
        ImageIO.write(new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY), "png", imgs.resolve("a/1.png").toFile());
        ImageIO.write(new BufferedImage(20, 28, BufferedImage.TYPE_BYTE_GRAY), "png", imgs.resolve("b/2.png").toFile());
        assertUserError(run("eval", "--model", model, "--dataset", imgs.toString()), "is 28x20; give --resize HxW");
        Path out = dir.resolve("report");
        assertUserError(run("audit", "--model", model, "--dataset", dir.resolve("missing").toString(), "--out",
                out.toString()), "no such file or folder");
        assertFalse(Files.exists(out), "nothing written");
        assertUserError(run("eval", "--model", model, "--dataset", "mnist", "--resize", "28"), "invalid --resize '28'");
        assertUserError(run("privacy", "--model", model, "--dataset", imgs.toString(), "--resize", "28x28", "--attack",
                "loss"), "no splits");
    }

    @Test
    void resizedImagesFitTheModel(@TempDir Path dir) throws IOException {
        Path pngs = mnistPngs(dir);
        Run r = run("eval", "--model", TestSupport.fixture("lenet-ts.pt").toString(), "--dataset", pngs.toString(),
                "--resize", "28x28", "--limit", "10", "--json", dir.resolve("r.json").toString(), "--quiet");
        assertEquals(0, r.code(), r.err());
        assertEquals(10, Json.MAPPER.readTree(dir.resolve("r.json").toFile()).get("samples").asInt());
    }
}
