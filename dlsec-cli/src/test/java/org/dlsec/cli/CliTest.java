package org.dlsec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import org.dlsec.TestSupport;
import org.dlsec.core.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The CLI contract: exit 0 with the promised JSON, exit 2 with one clear line on bad input. */
class CliTest {
    record Run(int code, String err) {}

    /**
     * Runs dlsec with {@code args}; when it succeeds and wrote {@code --json}, that file must match
     * {@code $defs/commandOutput} of docs/report-schema.json (so every CLI test checks the one command format).
     */
    static Run run(String... args) {
        CommandLine cli = Main.commandLine();
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        if (code == 0 && args.length > 0 && !args[0].equals("audit") && !args[0].equals("bench")) {
            for (int i = 0; i + 1 < args.length; i++) {
                if (args[i].equals("--json") && Files.isRegularFile(Path.of(args[i + 1]))) {
                    assertMatchesCommandSchema(Path.of(args[i + 1]));
                }
            }
        }
        return new Run(code, err.toString());
    }

    /** The schema of a command's --json: $defs/commandOutput of docs/report-schema.json (read once). */
    static JsonSchema commandSchema() {
        return CommandSchema.SCHEMA;
    }

    private static final class CommandSchema {
        static final JsonSchema SCHEMA = load();

        private static JsonSchema load() {
            try {
                JsonNode root = Json.MAPPER.readTree(Path.of("docs/report-schema.json").toFile());
                com.fasterxml.jackson.databind.node.ObjectNode s = Json.MAPPER.createObjectNode();
                s.put("$schema", root.get("$schema").asText());
                s.put("$ref", "#/$defs/commandOutput");
                s.set("$defs", root.get("$defs"));
                return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(s);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    static void assertMatchesCommandSchema(Path json) {
        try {
            Set<ValidationMessage> errors = commandSchema().validate(Json.MAPPER.readTree(json.toFile()));
            assertTrue(errors.isEmpty(), json + " does not match $defs/commandOutput of docs/report-schema.json: " + errors);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void theCommandSchemaIsNotVacuous(@TempDir Path dir) throws IOException {
        Path json = dir.resolve("eval.json");
        Run r = run("eval", "--model", TestSupport.fixture("lenet-ts.pt").toString(), "--dataset", "mnist",
                "--limit", "20", "--json", json.toString(), "--quiet");
        assertEquals(0, r.code(), r.err());
        JsonNode n = Json.MAPPER.readTree(json.toFile());
        assertEquals("eval", n.get("command").asText());
        JsonSchema schema = commandSchema();
        assertTrue(schema.validate(n).isEmpty(), schema.validate(n).toString());
        com.fasterxml.jackson.databind.node.ObjectNode broken = n.deepCopy();
        broken.put("accuracy", 1.5);
        assertFalse(schema.validate(broken).isEmpty(), "an accuracy of 1.5 passes");
        broken = n.deepCopy();
        broken.remove("provenance");
        assertFalse(schema.validate(broken).isEmpty(), "a record without provenance passes");
        broken = n.deepCopy();
        broken.put("command", "attack");
        assertFalse(schema.validate(broken).isEmpty(), "an eval record passes as an attack's");
    }

    static void assertUserError(Run r, String fragment) {
        assertEquals(2, r.code(), r.err());
        String[] lines = r.err().strip().split("\\R");
        assertEquals(1, lines.length, "expected one line, got: " + r.err());
        assertTrue(lines[0].startsWith("dlsec: error: "), r.err());
        assertTrue(r.err().contains(fragment), "expected '" + fragment + "' in: " + r.err());
        assertFalse(r.err().contains("\tat "), "stack trace printed");
    }

    @Test
    void evalWritesTheDocumentedJson(@TempDir Path dir) throws IOException {
        Path json = dir.resolve("eval.json");
        Run r = run("eval", "--model", TestSupport.fixture("lenet-ts.pt").toString(), "--dataset", "mnist",
                "--limit", "200", "--json", json.toString(), "--quiet");
        assertEquals(0, r.code(), r.err());
        JsonNode n = Json.MAPPER.readTree(json.toFile());
        assertEquals(200, n.get("samples").asInt());
        assertEquals(200, n.get("queries").asInt());
        double acc = n.get("accuracy").asDouble();
        assertTrue(acc > 0.8 && acc <= 1.0, "accuracy " + acc);
        assertTrue(n.get("seconds").asDouble() > 0);
        assertEquals(64, n.get("provenance").get("modelSha256").asText().length());
    }

    @Test
    void trainThenEvalRoundTrip(@TempDir Path dir) throws IOException {
        Path model = dir.resolve("m");
        Run t = run("train", "--arch", "lenet5", "--dataset", "mnist", "--limit", "600", "--epochs", "1", "--seed", "5",
                "--validation", "0", "--out", model.toString(), "--quiet");
        assertEquals(0, t.code(), t.err());
        JsonNode card = Json.MAPPER.readTree(model.resolve("dlsec-model.json").toFile());
        assertEquals("lenet5", card.get("architecture").asText());
        assertEquals(5, card.get("training").get("seed").asInt());
        assertEquals(1, card.get("training").get("history").size());
        assertTrue(card.get("versions").get("djl").asText().startsWith("0.36"));
        Path json = dir.resolve("e.json");
        Run e = run("eval", "--model", model.toString(), "--dataset", "mnist", "--limit", "100", "--json", json.toString(),
                "--quiet");
        assertEquals(0, e.code(), e.err());
        assertEquals(card.get("weightsSha256").asText(),
                Json.MAPPER.readTree(json.toFile()).get("provenance").get("modelSha256").asText());
    }

    @Test
    void badInputGivesExitTwoAndOneLine(@TempDir Path dir) throws IOException {
        String lenet = TestSupport.fixture("lenet-ts.pt").toString();
        // truncated IDX file
        Path mnist = Files.createDirectories(dir.resolve("trunc/mnist"));
        byte[] good = Files.readAllBytes(Path.of(TestSupport.class.getResource("/org/dlsec/data/mnist/t10k-labels-idx1-ubyte.gz").getPath()));
        Files.write(mnist.resolve("t10k-labels-idx1-ubyte.gz"), Arrays.copyOf(good, good.length / 2));
        Files.copy(Path.of(TestSupport.class.getResource("/org/dlsec/data/mnist/t10k-images-idx3-ubyte.gz").getPath()),
                mnist.resolve("t10k-images-idx3-ubyte.gz"));
        assertUserError(run("eval", "--model", lenet, "--dataset", "mnist", "--data-dir", dir.resolve("trunc").toString()),
                "t10k-labels");
        // wrong magic
        Path bad = Files.createDirectories(dir.resolve("magic/mnist"));
        Files.write(bad.resolve("t10k-images-idx3-ubyte"), new byte[] {1, 2, 3, 4, 0, 0, 0, 1, 0});
        Files.write(bad.resolve("t10k-labels-idx1-ubyte"), new byte[] {0, 0, 8, 1, 0, 0, 0, 1, 0});
        assertUserError(run("eval", "--model", lenet, "--dataset", "mnist", "--data-dir", dir.resolve("magic").toString()),
                "not an IDX file");
        // a file that is not a model
        Path notModel = Files.writeString(dir.resolve("model.pt"), "not a model");
        assertUserError(run("eval", "--model", notModel.toString(), "--dataset", "mnist", "--limit", "10"),
                "not a loadable TorchScript model");
        // dataset/model shape mismatch: the MNIST LeNet on 32x32x3 GTSRB-format data
        Path g = Files.createDirectories(dir.resolve("g/gtsrb"));
        Files.write(g.resolve("gtsrb-test-images-32x32x3-idx4-ubyte"),
                TestSupport.idx(0x804, new int[] {1, 32, 32, 3}, new byte[3072]));
        Files.write(g.resolve("gtsrb-test-labels-idx1-ubyte"), TestSupport.idx(0x801, new int[] {1}, new byte[1]));
        assertUserError(run("eval", "--model", lenet, "--dataset", "gtsrb", "--data-dir", dir.resolve("g").toString()),
                "input shape mismatch");
        // usage errors
        assertUserError(run("eval", "--model", lenet, "--dataset", "cifar"), "unknown dataset");
        assertUserError(run("eval", "--dataset", "mnist"), "--model");
        assertUserError(run("eval", "--model", lenet, "--dataset", "mnist", "--limit", "-3"), "--limit");
        assertUserError(run("train", "--arch", "resnet", "--dataset", "mnist", "--out", dir.toString()), "architecture");
        assertUserError(run("train", "--arch", "lenet5", "--dataset", "mnist", "--epochs", "0", "--out", dir.toString()),
                "epochs");
    }

    @Test
    void attackWritesTheDocumentedJsonAndRejectsBadParameters(@TempDir Path dir) throws IOException {
        String lenet = TestSupport.fixture("lenet-ts.pt").toString();
        Path json = dir.resolve("a.json");
        Run ok = run("attack", "--model", lenet, "--dataset", "mnist", "--attack", "pgd", "--eps", "0,0.3", "--steps", "10",
                "--limit", "40", "--json", json.toString(), "--quiet");
        assertEquals(0, ok.code(), ok.err());
        JsonNode n = Json.MAPPER.readTree(json.toFile());
        for (String f : new String[] {"attack", "cleanAccuracy", "robustAccuracy", "successRate", "meanL0", "meanL2", "meanLinf",
                "meanQueries", "seconds", "samples"}) {
            assertTrue(n.has(f) || n.get("curve").get(0).has(f), "missing " + f + " in " + n);
        }
        assertEquals(2, n.get("curve").size());
        assertTrue(n.get("curve").get(1).get("robustAccuracy").asDouble() <= n.get("curve").get(0).get("robustAccuracy").asDouble());
        String[] base = {"attack", "--model", lenet, "--dataset", "mnist", "--limit", "5", "--quiet"};
        assertUserError(run(concat(base, "--attack", "pgd", "--eps", "-0.1")), "eps");
        assertUserError(run(concat(base, "--attack", "pgd", "--steps", "0")), "steps");
        assertUserError(run(concat(base, "--attack", "nope")), "unknown attack");
        assertUserError(run(concat(base, "--attack", "square", "--max-queries", "0")), "queries");
        assertUserError(run(concat(base, "--attack", "deepfool", "--targeted")), "targeted");
        assertUserError(run(concat(base, "--attack", "hsj", "--max-queries", "0")), "queries");
    }

    @Test
    void defendedAttackCertifyAndTrainingDefencesFollowTheContract(@TempDir Path dir) throws IOException {
        String lenet = TestSupport.fixture("lenet-ts.pt").toString();
        // an attack against a defended model records the defence and the gradient it used
        Path aj = dir.resolve("def.json");
        Run ok = run("attack", "--model", lenet, "--dataset", "mnist", "--attack", "fgsm", "--eps", "0.3", "--limit", "20",
                "--defence", "squeeze:bits=1", "--json", aj.toString(), "--quiet");
        assertEquals(0, ok.code(), ok.err());
        JsonNode a = Json.MAPPER.readTree(aj.toFile());
        assertEquals("squeeze", a.get("defence").get("defence").asText());
        assertEquals("bpda", a.get("defence").get("gradient").asText());
        String[] base = {"attack", "--model", lenet, "--dataset", "mnist", "--limit", "5", "--attack", "fgsm", "--quiet"};
        Path dj = dir.resolve("detect.json");
        Run dr = run("attack", "--model", lenet, "--dataset", "mnist", "--attack", "pgd", "--eps", "0.1", "--steps", "10",
                "--limit", "40", "--detect", "feature-squeezing", "--calibration", "100", "--json", dj.toString(), "--quiet");
        assertEquals(0, dr.code(), dr.err());
        JsonNode det = Json.MAPPER.readTree(dj.toFile()).get("detection");
        assertEquals(100, det.get("calibrationSamples").asInt());
        assertEquals(40, det.get("cleanSamples").asInt());
        assertTrue(det.get("detectionRate").asDouble() >= 0 && det.get("falsePositiveRate").asDouble() <= 1);
        assertUserError(run(concat(base, "--detect", "magnet")), "--detect");
        assertUserError(run(concat(base, "--detect", "feature-squeezing", "--detect-fpr", "1.5")), "--detect-fpr");
        assertUserError(run(concat(base, "--defence", "jpeg")), "unknown defence");
        assertUserError(run(concat(base, "--defence", "squeeze:bits=x")), "bits");
        assertUserError(run(concat(base, "--defence", "squeeze", "--gradients", "magic")), "--gradients");

        // certify: table, curve and per-sample certificates in the JSON
        Path cj = dir.resolve("cert.json");
        Path png = dir.resolve("cert.png");
        Run c = run("certify", "--model", lenet, "--dataset", "mnist", "--limit", "4", "--n0", "20", "--n", "100",
                "--json", cj.toString(), "--plot", png.toString(), "--quiet");
        assertEquals(0, c.code(), c.err());
        JsonNode cn = Json.MAPPER.readTree(cj.toFile());
        assertEquals(4, cn.get("samples").asInt());
        assertEquals(4, cn.get("certified").size());
        assertEquals(4, cn.get("perSample").size());
        assertTrue(cn.get("certified").get(0).get("certifiedAccuracy").asDouble() >= cn.get("certified").get(3)
                .get("certifiedAccuracy").asDouble());
        JsonNode curve = cn.get("curve");
        assertTrue(curve.size() >= 2);
        assertEquals(0.0, curve.get(curve.size() - 1).get("certifiedAccuracy").asDouble(), "the curve ends past the largest radius");
        assertTrue(Files.size(png) > 1000);
        String[] cb = {"certify", "--model", lenet, "--dataset", "mnist", "--limit", "2", "--quiet"};
        assertUserError(run(concat(cb, "--sigma", "-1")), "sigma");
        assertUserError(run(concat(cb, "--n", "0")), "n");
        assertUserError(run(concat(cb, "--alpha", "0.9")), "alpha");
        assertUserError(run(concat(cb, "--radii", "-1")), "radii");

        String[] mb = {"check-masking", "--model", lenet, "--dataset", "mnist", "--limit", "2", "--quiet"};
        assertUserError(run(concat(mb, "--eps", "0")), "eps");
        assertUserError(run(concat(mb, "--tolerance", "2")), "tolerance");
        assertUserError(run(concat(mb, "--defence", "squeeze:bits=99")), "bits");

        // training defences: bad names and parameters are refused before any training
        String[] tb = {"train", "--arch", "lenet5", "--dataset", "mnist", "--limit", "100", "--epochs", "1", "--out",
            dir.resolve("t").toString(), "--quiet"};
        assertUserError(run(concat(tb, "--adversarial", "magic")), "--adversarial");
        assertUserError(run(concat(tb, "--adversarial", "pgd", "--eps", "-0.3")), "eps");
        assertUserError(run(concat(tb, "--noise-augment", "0")), "sigma");
        assertUserError(run(concat(tb, "--adversarial", "fast", "--noise-augment", "0.25")), "exclusive");
        assertUserError(run(concat(tb, "--adversarial", "pgd", "--eps-warmup", "-1")), "warm-up");
        // and a defended training run records its method in the model card
        Run ft = run("train", "--arch", "lenet5", "--dataset", "mnist", "--limit", "300", "--epochs", "1", "--adversarial", "fast",
                "--eps", "0.1", "--eps-warmup", "0.5", "--out", dir.resolve("fast").toString(), "--quiet");
        assertEquals(0, ft.code(), ft.err());
        JsonNode card = Json.MAPPER.readTree(dir.resolve("fast").resolve("dlsec-model.json").toFile());
        JsonNode method = card.get("training").get("extra").get("defence");
        assertTrue(method.toString().contains("0.1"), "card records the adversarial training: " + method);
        assertEquals(0.5, method.findValue("epsWarmupEpochs").asDouble(), 0, "and its ε warm-up: " + method);
    }

    @Test
    void aMinimalPerturbationAttackGivesACurveFromOneRun(@TempDir Path dir) throws IOException {
        Path json = dir.resolve("deepfool.json");
        Run r = run("attack", "--model", TestSupport.fixture("lenet-ts.pt").toString(), "--dataset", "mnist", "--limit", "20",
                "--attack", "deepfool", "--eps", "0,0.5,1,100", "--json", json.toString(), "--quiet");
        assertEquals(0, r.code(), r.err());
        JsonNode n = Json.MAPPER.readTree(json.toFile());
        assertEquals("l2", n.get("norm").asText(), "budgets are read in DeepFool's own norm");
        JsonNode curve = n.get("curve");
        assertEquals(4, curve.size());
        assertEquals(n.get("cleanAccuracy").asDouble(), curve.get(0).get("robustAccuracy").asDouble(), 0, "ε = 0 breaks nothing");
        assertEquals(n.get("robustAccuracy").asDouble(), curve.get(3).get("robustAccuracy").asDouble(), 0);
        for (int i = 1; i < curve.size(); i++) {
            assertTrue(curve.get(i).get("robustAccuracy").asDouble() <= curve.get(i - 1).get("robustAccuracy").asDouble());
        }
        assertUserError(run("attack", "--model", TestSupport.fixture("lenet-ts.pt").toString(), "--dataset", "mnist",
                "--limit", "4", "--attack", "jsma", "--eps", "0.1,0.2", "--quiet"), "does not minimise a distance");
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
