package org.dlsec.cli;

import static org.dlsec.cli.CliTest.assertUserError;
import static org.dlsec.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.dlsec.TestSupport;
import org.dlsec.core.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dlsec scan} on the committed TorchScript LeNet (a model trained outside dlsec), with a few steps only. */
class ScanCommandTest {
    @Test
    void scanWritesTheVerdictJsonAndTheTriggers(@TempDir Path dir) throws IOException {
        Path json = dir.resolve("s.json");
        CliTest.Run r = run("scan", "--model", TestSupport.fixture("lenet-ts.pt").toString(), "--dataset", "mnist", "--limit",
                "64", "--steps", "4", "--batch-size", "16", "--json", json.toString(), "--images", dir.resolve("img").toString(),
                "--quiet");
        assertEquals(0, r.code(), r.err());
        JsonNode n = Json.MAPPER.readTree(json.toFile());
        assertTrue(n.get("backdoored").isBoolean());
        int target = n.get("suspectedTarget").asInt();
        assertTrue(target >= -1 && target < 10);
        assertEquals(n.get("backdoored").asBoolean(), target >= 0);
        assertTrue(n.get("anomalyIndex").asDouble() >= 0);
        assertEquals(10, n.get("cleanse").get("maskL1").size());
        assertEquals(10, n.get("cleanse").get("anomalyIndices").size());
        for (JsonNode l1 : n.get("cleanse").get("maskL1")) {
            assertTrue(l1.asDouble() > 0 && l1.asDouble() <= 28 * 28, "mask L1 " + l1);
        }
        assertEquals(64, n.get("samples").asInt());
        assertEquals(64, n.get("provenance").get("modelSha256").asText().length());
        assertTrue(Files.size(dir.resolve("img/reversed-triggers.png")) > 100);
    }

    @Test
    void stripAloneReportsTheCleanEntropiesAndNoFar(@TempDir Path dir) throws IOException {
        Path json = dir.resolve("s.json");
        CliTest.Run r = run("scan", "--model", TestSupport.fixture("lenet-ts.pt").toString(), "--dataset", "mnist", "--limit",
                "90", "--detect", "strip", "--overlays", "8", "--json", json.toString(), "--quiet");
        assertEquals(0, r.code(), r.err());
        JsonNode n = Json.MAPPER.readTree(json.toFile());
        assertTrue(n.get("backdoored") == null, "STRIP alone gives no model verdict");
        JsonNode s = n.get("strip");
        assertEquals("strip", s.get("detector").asText());
        assertTrue(s.get("far").isNull(), "no triggered inputs in a scan: FAR is null");
        assertEquals(0, s.get("triggeredInputs").asInt());
        assertTrue(s.get("farNote").asText().contains("triggered inputs"));
        assertEquals(30, s.get("heldOutCleanInputs").asInt());
        double frr = s.get("frr").asDouble();
        assertTrue(frr >= 0 && frr <= 1);
        JsonNode cal = s.get("entropies").get("calibration");
        assertEquals(30, cal.get("count").asInt());
        assertTrue(cal.get("mean").asDouble() > 0 && cal.get("max").asDouble() <= Math.log(10) / Math.log(2) + 1e-6);
    }

    @Test
    void cleanseAndStripTogether(@TempDir Path dir) throws IOException {
        Path json = dir.resolve("s.json");
        CliTest.Run r = run("scan", "--model", TestSupport.fixture("lenet-ts.pt").toString(), "--dataset", "mnist", "--limit",
                "60", "--detect", "cleanse,strip", "--steps", "3", "--batch-size", "16", "--overlays", "5", "--json",
                json.toString(), "--quiet");
        assertEquals(0, r.code(), r.err());
        JsonNode n = Json.MAPPER.readTree(json.toFile());
        assertTrue(n.get("backdoored").isBoolean());
        JsonNode s = n.get("strip");
        // FAR only against the reversed trigger of a flagged target
        assertEquals(n.get("backdoored").asBoolean(), s.get("triggeredInputs").asInt() > 0, s.toString());
        assertEquals(s.get("triggeredInputs").asInt() == 0, s.get("far").isNull());
        assertEquals("cleanse,strip", n.get("provenance").get("parameters").get("detect").asText());
    }

    @Test
    void badInputGivesExitTwoAndOneLine() {
        String lenet = TestSupport.fixture("lenet-ts.pt").toString();
        assertUserError(run("scan", "--model", lenet, "--dataset", "mnist", "--detect", "frogs", "--quiet"), "--detect");
        assertUserError(run("scan", "--model", lenet, "--dataset", "mnist", "--detect", "strip", "--overlays", "-1", "--quiet"),
                "overlays");
        assertUserError(run("scan", "--model", lenet, "--dataset", "mnist", "--detect", "strip", "--frr", "0", "--quiet"), "frr");
        assertUserError(run("scan", "--model", lenet, "--dataset", "mnist", "--steps", "0", "--limit", "10", "--quiet"), "steps");
        assertUserError(run("scan", "--dataset", "mnist"), "--model");
        assertUserError(run("scan", "--model", lenet, "--dataset", "cifar", "--quiet"), "unknown dataset");
    }
}
