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
    void badInputGivesExitTwoAndOneLine() {
        String lenet = TestSupport.fixture("lenet-ts.pt").toString();
        assertUserError(run("scan", "--model", lenet, "--dataset", "mnist", "--detect", "strip", "--quiet"), "--detect");
        assertUserError(run("scan", "--model", lenet, "--dataset", "mnist", "--steps", "0", "--limit", "10", "--quiet"), "steps");
        assertUserError(run("scan", "--dataset", "mnist"), "--model");
        assertUserError(run("scan", "--model", lenet, "--dataset", "cifar", "--quiet"), "unknown dataset");
    }
}
