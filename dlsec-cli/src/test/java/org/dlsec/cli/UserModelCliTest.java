package org.dlsec.cli;

import static org.dlsec.cli.CliTest.assertUserError;
import static org.dlsec.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.dlsec.cli.CliTest.Run;
import org.dlsec.core.Json;
import org.dlsec.model.UserFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The commands on models and data a user brings (bench/fixtures/make_user_fixtures.py): eval gives
 * PyTorch's accuracy on each fixture, --normalize is one option of every command that loads a model and
 * lands in the JSON, and the default audit writes the full report for a TorchScript model on a PNG
 * folder and for one on a CSV (with the table of changed features in place of image grids).
 */
class UserModelCliTest {
    private static final JsonNode REF = UserFixtures.reference();

    /** The tabular model's normalisation as the user types it. */
    static String normalize() {
        JsonNode n = REF.path("tabular").path("normalize");
        List<String> parts = new ArrayList<>();
        for (String key : new String[] {"mean", "std"}) {
            StringBuilder b = new StringBuilder(key).append('=');
            for (int i = 0; i < n.path(key).size(); i++) {
                b.append(i == 0 ? "" : ",").append(n.path(key).get(i).asText());
            }
            parts.add(b.toString());
        }
        return String.join(",", parts);
    }

    private static JsonNode eval(Path dir, String name, String... args) throws IOException {
        Path json = dir.resolve(name + ".json");
        List<String> a = new ArrayList<>(List.of("eval", "--json", json.toString(), "--quiet"));
        a.addAll(List.of(args));
        Run r = run(a.toArray(new String[0]));
        assertEquals(0, r.code(), r.err());
        return Json.MAPPER.readTree(json.toFile());
    }

    @Test
    void evalGivesPyTorchsAccuracyOnEachUserFixture(@TempDir Path dir) throws IOException {
        String csv = UserFixtures.dir("tabular/test.csv").toString();
        for (String model : new String[] {"tabular/mlp-ts.pt", "tabular/mlp.onnx"}) {
            JsonNode j = eval(dir, model.replace('/', '-'), "--model", UserFixtures.dir(model).toString(), "--dataset", csv,
                    "--normalize", normalize());
            assertEquals(REF.path("tabular").path("cleanAccuracy").asDouble(), j.get("accuracy").asDouble(), 1e-3, model);
            assertEquals("feature", j.path("normalize").path("per").asText(), "the normalisation is recorded");
            assertEquals(16, j.path("normalize").path("mean").size());
        }
        JsonNode npz = eval(dir, "npz", "--model", UserFixtures.dir("npz/cnn-ts.pt").toString(), "--dataset",
                UserFixtures.dir("npz/test.npz").toString());
        assertEquals(REF.path("npz").path("cleanAccuracy").asDouble(), npz.get("accuracy").asDouble(), 1e-3);
        assertTrue(npz.path("normalize").isMissingNode(), "no --normalize, nothing recorded");
        JsonNode images = eval(dir, "images", "--model", UserFixtures.dir("images/lenet-ts.pt").toString(), "--dataset",
                UserFixtures.dir("images/test").toString());
        assertEquals(REF.path("images").path("cleanAccuracy").asDouble(), images.get("accuracy").asDouble(), 1e-3);
        // one value for all channels is a valid normalisation too, and changes what the model sees
        JsonNode shifted = eval(dir, "shifted", "--model", UserFixtures.dir("images/lenet-ts.pt").toString(), "--dataset",
                UserFixtures.dir("images/test").toString(), "--normalize", "mean=0.5,std=0.5");
        assertEquals("all", shifted.path("normalize").path("per").asText());
    }

    @Test
    void everyCommandThatLoadsAModelTakesNormalize() {
        CommandLine cli = Main.commandLine();
        for (String name : new String[] {"eval", "attack", "audit", "fault", "privacy", "certify", "check-masking", "scan",
                "extract", "serve"}) {
            CommandLine sub = cli.getSubcommands().get(name);
            assertNotNull(sub, name);
            assertNotNull(sub.getCommandSpec().findOption("--normalize"), name + " has --normalize");
        }
    }

    /**
     * {@code serve --normalize} serves the tabular model behind its normalisation (clients send raw feature
     * values) and takes a feature-vector --input-shape: the served function gives PyTorch's accuracy on the
     * raw CSV, which the bare model does not.
     */
    @Test
    void serveTakesNormalizeAndAFeatureVectorShape() throws IOException {
        String model = UserFixtures.dir("tabular/mlp-ts.pt").toString();
        org.dlsec.data.Dataset data = org.dlsec.data.DataSource.open(UserFixtures.dir("tabular/test.csv").toString(),
                org.dlsec.data.SourceOptions.of("test", java.util.Optional.empty()));
        double[] acc = new double[2];
        for (int k = 0; k < 2; k++) {
            ServeCommand cmd = new ServeCommand();
            List<String> args = new ArrayList<>(List.of("--model", model, "--input-shape", "16"));
            if (k == 0) {
                args.addAll(List.of("--normalize", normalize()));
            }
            new CommandLine(cmd).parseArgs(args.toArray(new String[0]));
            try (org.dlsec.model.Classifier c = cmd.classifier()) {
                assertEquals(16, c.inputShape().size());
                acc[k] = org.dlsec.metric.Evaluation.evaluate(c, data, 64, false).accuracy();
            }
        }
        assertEquals(REF.path("tabular").path("cleanAccuracy").asDouble(), acc[0], 1e-3, "served behind --normalize");
        assertTrue(Math.abs(acc[1] - acc[0]) > 0.05, "without --normalize the model sees other inputs: " + acc[1]);
        assertUserError(run("serve", "--model", model, "--input-shape", "4,4,4,1"), "expected C,H,W");
        assertUserError(run("serve", "--model", model, "--input-shape", "16", "--normalize", "mean=1,std=0"), "std value 1");
    }

    @Test
    void badNormalizationsAreUserErrors() {
        String csv = UserFixtures.dir("tabular/test.csv").toString();
        String model = UserFixtures.dir("tabular/mlp-ts.pt").toString();
        assertUserError(run("eval", "--model", model, "--dataset", csv, "--normalize", "mean=0,std=0"), "std value 1");
        assertUserError(run("eval", "--model", model, "--dataset", csv, "--normalize", "mean=1,2,std=1,2"),
                "--normalize has 2 values");
        assertUserError(run("attack", "--model", model, "--dataset", csv, "--attack", "fgsm", "--normalize", "mean=x,std=1"),
                "'x'");
        assertUserError(run("attack", "--model", model, "--dataset", csv, "--attack", "fgsm", "--images", "imgs",
                "--normalize", normalize()), "--images draws image grids");
        assertUserError(run("fault", "--model", model, "--dataset", UserFixtures.dir("tabular").toString(), "--mode",
                "trojan", "--normalize", normalize()), "--mode trojan");
    }

    private static JsonNode validReport(Path out) throws IOException {
        JsonNode json = Json.MAPPER.readTree(out.resolve("report.json").toFile());
        JsonSchema schema;
        try (InputStream in = Files.newInputStream(Path.of("docs/report-schema.json"))) {
            schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
        }
        assertTrue(schema.validate(json).isEmpty(), "report.json matches the schema: " + schema.validate(json));
        assertTrue(Files.size(out.resolve("samples.csv")) > 0);
        return json;
    }

    /** The families the default configuration evaluates without --train-data: evasion and hardware faults. */
    private static void assertFullReport(JsonNode json) {
        int attacks = 0;
        int faults = 0;
        for (JsonNode f : json.get("families")) {
            attacks += f.get("attacks").size();
            faults += f.get("faults").size();
        }
        assertEquals(6, attacks, "the six evasion attacks of the default configuration");
        assertEquals(2, faults, "the Bit-Flip Attack and random bit flips");
        // #21: the default audit also steals the model (Knockoff Nets, the substitute fitted to the data) and, for
        // images, inverts it; membership inference takes the training split as the members (no model card) and says so
        JsonNode extraction = family(json, "extraction");
        assertEquals(1, extraction.get("extraction").size(), extraction.toString());
        assertEquals("knockoff-random", extraction.get("extraction").get(0).get("attack").asText());
        assertEquals(5000, extraction.get("extraction").get(0).get("queries").asInt());
        JsonNode privacy = family(json, "privacy");
        assertTrue(privacy.get("summary").asText().contains("members assumed"), privacy.get("summary").asText());
        assertTrue(!privacy.get("verdict").asText().equals("not evaluated"), privacy.toString());
        boolean images = json.path("dataset").path("shape").size() == 3;
        assertEquals(images ? 2 : 1, privacy.get("privacy").size(), "the loss attack, and MI-Face on images only");
        assertEquals(images ? "lenet5" : "mlp", extraction.get("extraction").get(0).get("parameters").get("arch").asText());
    }

    private static JsonNode family(JsonNode json, String name) {
        for (JsonNode f : json.get("families")) {
            if (f.get("family").asText().equals(name)) {
                return f;
            }
        }
        throw new AssertionError("no family " + name);
    }

    /** MI-Face reconstructs images: on feature vectors the audit lists it as skipped with the reason (it crashed). */
    @Test
    void inversionOfATabularModelIsSkippedWithTheReason(@TempDir Path dir) throws IOException {
        Path cfg = dir.resolve("inv.yaml");
        Files.writeString(cfg, "limit: 8\nattacks:\n  - attack: fgsm\n    eps: 0.1\nprivacy:\n  - attack: inversion\n");
        Path out = dir.resolve("report");
        Run r = run("audit", "--model", UserFixtures.dir("tabular/mlp-ts.pt").toString(), "--dataset",
                UserFixtures.dir("tabular").toString(), "--normalize", normalize(), "--config", cfg.toString(), "--out",
                out.toString(), "--quiet");
        assertEquals(0, r.code(), r.err());
        JsonNode privacy = null;
        for (JsonNode f : Json.MAPPER.readTree(out.resolve("report.json").toFile()).get("families")) {
            privacy = f.get("family").asText().equals("privacy") ? f : privacy;
        }
        assertTrue(privacy.get("summary").asText().contains("reconstructs images; these data are feature vectors"),
                privacy.toString());
    }

    @Test
    void defaultAuditOfATorchScriptMlpOnACsvReportsTheChangedFeatures(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("report");
        Run r = run("audit", "--model", UserFixtures.dir("tabular/mlp-ts.pt").toString(), "--dataset",
                UserFixtures.dir("tabular").toString(), "--normalize", normalize(), "--limit", "24", "--out", out.toString(),
                "--quiet");
        assertEquals(0, r.code(), r.err());
        JsonNode json = validReport(out);
        assertFullReport(json);
        assertEquals(16, json.path("dataset").path("shape").get(0).asInt());
        assertEquals(16, json.path("dataset").path("bounds").path("lower").size(), "per-feature bounds");
        assertTrue(json.path("model").path("source").asText().contains("inputs normalised"));
        boolean anyChange = false;
        for (JsonNode f : json.get("families")) {
            for (JsonNode a : f.get("attacks")) {
                assertTrue(a.get("imageGridPng").isNull(), "no image grid for feature vectors");
                JsonNode fc = a.get("featureChanges");
                assertFalse(fc == null || fc.isNull(), a.get("id") + " has a table of changed features");
                for (JsonNode feat : fc.get("features")) {
                    assertTrue(feat.get("name").asText().matches("f\\d+"), "the CSV header's names: " + feat);
                    double moved = Math.abs(feat.get("meanAdversarial").asDouble() - feat.get("meanOriginal").asDouble());
                    assertTrue(moved <= feat.get("meanAbsoluteChange").asDouble() + 1e-6, "|mean change| <= mean |change|");
                }
                for (JsonNode s : fc.get("samples")) {
                    for (JsonNode c : s.get("changes")) {
                        anyChange |= c.get("original").asDouble() != c.get("adversarial").asDouble();
                    }
                }
            }
        }
        assertTrue(anyChange, "the attacks changed some feature");
        String html = Files.readString(out.resolve("index.html"));
        assertTrue(html.contains("Features changed") && html.contains(" → "), "the HTML shows the table");
        assertFalse(html.contains("<h2>Examples</h2>"), "no image grids for feature vectors");
    }

    @Test
    void defaultAuditOfATorchScriptCnnOnAPngFolderWritesTheFullReport(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("report");
        Run r = run("audit", "--model", UserFixtures.dir("images/lenet-ts.pt").toString(), "--dataset",
                UserFixtures.dir("images").toString(), "--limit", "8", "--out", out.toString(), "--quiet");
        assertEquals(0, r.code(), r.err());
        JsonNode json = validReport(out);
        assertFullReport(json);
        for (JsonNode f : json.get("families")) {
            for (JsonNode a : f.get("attacks")) {
                assertFalse(a.get("imageGridPng").isNull(), "image grids for images");
            }
        }
        assertTrue(Files.readString(out.resolve("index.html")).contains("<h2>Examples</h2>"));
    }

    @Test
    void privacyPoisonAndExtractionRunOnTheCsv(@TempDir Path dir) throws IOException {
        String data = UserFixtures.dir("tabular").toString();
        String model = UserFixtures.dir("tabular/mlp-ts.pt").toString();
        for (String attack : new String[] {"loss", "confidence", "entropy", "labelonly"}) {
            Path json = dir.resolve(attack + ".json");
            Run r = run("privacy", "--model", model, "--dataset", data, "--normalize", normalize(), "--attack", attack,
                    "--members", "100", "--json", json.toString(), "--quiet");
            assertEquals(0, r.code(), attack + ": " + r.err());
            JsonNode j = Json.MAPPER.readTree(json.toFile());
            assertEquals(100, j.get("members").asInt());
            assertTrue(j.get("auc").asDouble() >= 0 && j.get("auc").asDouble() <= 1);
            assertEquals("feature", j.path("normalize").path("per").asText());
        }
        Path lira = dir.resolve("lira.json");
        Run r = run("privacy", "--model", model, "--dataset", data, "--normalize", normalize(), "--attack", "lira", "--arch",
                "mlp", "--shadows", "2", "--members", "60", "--param", "epochs=2", "--json", lira.toString(), "--quiet");
        assertEquals(0, r.code(), r.err());
        assertEquals("mlp", Json.MAPPER.readTree(lira.toFile()).path("parameters").path("architecture").asText(),
                Files.readString(lira));

        Path poison = dir.resolve("poison.json");
        r = run("poison", "--dataset", data, "--arch", "mlp", "--attack", "labelflip", "--rate", "0.2", "--epochs", "2",
                "--json", poison.toString(), "--quiet");
        assertEquals(0, r.code(), r.err());
        assertUserError(run("poison", "--dataset", data, "--arch", "mlp", "--attack", "badnets", "--quiet"),
                "use --attack labelflip or noise");

        Path extract = dir.resolve("extract.json");
        r = run("extract", "--target", model, "--normalize", normalize(), "--dataset", data, "--query-data",
                UserFixtures.dir("tabular/train.csv").toString(), "--attack", "knockoff", "--arch", "mlp", "--budget", "200",
                "--epochs", "5", "--transfer-limit", "0", "--json", extract.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode e = Json.MAPPER.readTree(extract.toFile());
        assertEquals(200, e.get("queries").asInt());
        assertTrue(e.get("fidelity").asDouble() > 0.5, "a substitute trained on 200 answers agrees often: " + e);
        assertUserError(run("extract", "--target", model, "--dataset", data, "--query-data",
                UserFixtures.dir("images/test").toString(), "--attack", "knockoff", "--budget", "10"), "--query-data");
    }
}
