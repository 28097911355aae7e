package org.dlsec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.dlsec.TestSupport;
import org.dlsec.core.Json;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeds are honoured bit for bit: for each attack family the same command with the same seed, run
 * twice, writes the same JSON byte for byte once wall-clock fields are taken out (any key naming
 * seconds, time, dates or rates per second). Small subsets, so that the whole class stays fast.
 */
class DeterminismTest {
    @TempDir
    static Path dir;
    static Path model;

    @BeforeAll
    static void trainSmallModel() {
        model = dir.resolve("lenet");
        CliTest.Run t = CliTest.run("train", "--arch", "lenet5", "--dataset", "mnist", "--limit", "600", "--epochs", "1",
                "--validation", "0", "--seed", "4", "--batch-size", "32", "--out", model.toString(), "--quiet");
        assertEquals(0, t.code(), t.err());
    }

    /** True for keys whose values are wall-clock measurements rather than results. */
    static boolean isTiming(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.contains("second") || k.contains("time") || k.contains("created") || k.equals("started") || k.equals("finished") || k.contains("date")
                || k.contains("millis") || k.contains("persec") || k.endsWith("/s");
    }

    static JsonNode stripTimings(JsonNode n) {
        if (n instanceof ObjectNode o) {
            List<String> drop = new ArrayList<>();
            for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (isTiming(k)) {
                    drop.add(k);
                } else {
                    stripTimings(o.get(k));
                }
            }
            o.remove(drop);
        } else if (n instanceof ArrayNode a) {
            a.forEach(DeterminismTest::stripTimings);
        }
        return n;
    }

    /** Runs {@code args} (which write {@code json}) twice and asserts the two results are identical. */
    static void sameTwice(Path json, String... args) throws IOException {
        sameRuns(json, 2, args);
    }

    /** Runs {@code args} (which write {@code json}) {@code runs} times; every result must equal the first. */
    static void sameRuns(Path json, int runs, String... args) throws IOException {
        String first = null;
        for (int i = 0; i < runs; i++) {
            Files.deleteIfExists(json);
            CliTest.Run r = CliTest.run(args);
            assertEquals(0, r.code(), r.err());
            String run = Json.MAPPER.writeValueAsString(stripTimings(Json.MAPPER.readTree(json.toFile())));
            if (first == null) {
                first = run;
                assertNotEquals("{ }", first);
                continue;
            }
            String[] a = first.split("\n");
            String[] b = run.split("\n");
            for (int l = 0; l < Math.min(a.length, b.length); l++) {
                assertEquals(a[l], b[l], "run " + (i + 1) + " differs from run 1 at line " + (l + 1) + ": " + String.join(" ", args));
            }
            assertEquals(first, run, "run " + (i + 1) + " differs from run 1: " + String.join(" ", args));
        }
    }

    @Test
    void evasionWithRandomStartAndRandomSearch() throws IOException {
        Path json = dir.resolve("evasion.json");
        String pt = TestSupport.fixture("lenet-ts.pt").toString();
        sameTwice(json, "attack", "--model", pt, "--dataset", "mnist", "--attack", "pgd", "--eps", "0.1,0.2", "--steps", "5",
                "--restarts", "2", "--limit", "20", "--seed", "7", "--json", json.toString(), "--quiet");
        sameTwice(json, "attack", "--model", pt, "--dataset", "mnist", "--attack", "square", "--eps", "0.2",
                "--max-queries", "40", "--limit", "10", "--seed", "7", "--json", json.toString(), "--quiet");
    }

    /**
     * Every attack kind of the default audit (scaled down) on a TorchScript LeNet exported by
     * PyTorch 1.13: two audits write byte-identical samples.csv files.
     */
    @Test
    void defaultAuditAttacksOnTorchScriptTwice() throws IOException {
        Path cfg = dir.resolve("ts-audit.yaml");
        Files.writeString(cfg, """
                seed: 5
                limit: 24
                batchSize: 10
                attacks:
                  - attack: fgsm
                    eps: 0.3
                  - attack: pgd
                    eps: [0.1, 0.3]
                    steps: 10
                    stepSize: 0.05
                  - attack: pgd
                    id: pgd-l2
                    norm: l2
                    eps: [1.0]
                    steps: 10
                  - attack: deepfool
                    norm: l2
                  - attack: square
                    eps: 0.3
                    maxQueries: 60
                  - attack: hsj
                    norm: l2
                    maxQueries: 60
                """);
        byte[][] csv = new byte[2][];
        for (int i = 0; i < 2; i++) {
            Path out = dir.resolve("ts-audit-" + i);
            CliTest.Run r = CliTest.run("audit", "--model", TestSupport.fixture("lenet-ts.pt").toString(), "--dataset",
                    "mnist", "--config", cfg.toString(), "--out", out.toString(), "--quiet");
            assertEquals(0, r.code(), r.err());
            csv[i] = Files.readAllBytes(out.resolve("samples.csv"));
        }
        assertEquals(25, new String(csv[0]).split("\n").length, "header and 24 samples");
        assertEquals(new String(csv[0]), new String(csv[1]), "two audits with the same seed");

        // Sample i's result does not depend on which other samples ran, nor on the batch size:
        // the first 13 samples in batches of 4 give the first 13 rows of the 24-sample audit.
        Path small = dir.resolve("ts-audit-small.yaml");
        Files.writeString(small, Files.readString(cfg).replace("limit: 24", "limit: 13").replace("batchSize: 10", "batchSize: 4"));
        Path out = dir.resolve("ts-audit-small");
        CliTest.Run r = CliTest.run("audit", "--model", TestSupport.fixture("lenet-ts.pt").toString(), "--dataset",
                "mnist", "--config", small.toString(), "--out", out.toString(), "--quiet");
        assertEquals(0, r.code(), r.err());
        String[] all = new String(csv[0]).split("\n");
        String[] part = Files.readString(out.resolve("samples.csv")).split("\n");
        assertEquals(14, part.length, "header and 13 samples");
        for (int i = 0; i < part.length; i++) {
            assertEquals(all[i], part[i], "row " + i + " with --limit 13 and batches of 4");
        }
    }

    /** Neural Cleanse and STRIP on a TorchScript LeNet exported by PyTorch 1.13, three times: the same JSON, no failure. */
    @Test
    void scanOfATorchScriptModelRepeated() throws IOException {
        Path json = dir.resolve("scan.json");
        String[] args = {"scan", "--model", TestSupport.fixture("lenet-ts.pt").toString(), "--dataset", "mnist", "--limit",
            "120", "--steps", "20", "--detect", "cleanse,strip", "--seed", "3", "--json", json.toString(), "--quiet"};
        sameRuns(json, 3, args);
    }

    @Test
    void extraction() throws IOException {
        Path json = dir.resolve("extract.json");
        sameTwice(json, "extract", "--target", model.toString(), "--attack", "knockoff", "--budget", "200",
                "--epochs", "1", "--test-limit", "100", "--transfer-limit", "50", "--seed", "7", "--json", json.toString());
    }

    @Test
    void membershipInference() throws IOException {
        Path json = dir.resolve("privacy.json");
        sameTwice(json, "privacy", "--model", model.toString(), "--dataset", "mnist", "--attack", "labelonly",
                "--members", "60", "--seed", "7", "--param", "noiseSamples=4", "--json", json.toString(), "--quiet");
    }

    @Test
    void poisoning() throws IOException {
        Path json = dir.resolve("poison.json");
        sameTwice(json, "poison", "--dataset", "mnist", "--attack", "badnets", "--rate", "0.1", "--epochs", "1",
                "--batch-size", "32", "--limit", "300", "--test-limit", "100", "--seed", "7", "--json", json.toString(),
                "--quiet");
    }

    @Test
    void hardwareFaults() throws IOException {
        Path json = dir.resolve("fault.json");
        sameTwice(json, "fault", "--model", model.toString(), "--dataset", "mnist", "--mode", "random", "--bits", "1,20",
                "--trials", "3", "--limit", "100", "--seed", "7", "--json", json.toString(), "--quiet");
    }
}
