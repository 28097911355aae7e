package org.dlsec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.dlsec.TestSupport;
import org.dlsec.core.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #21: "was this third-party model shipped with a backdoor?" answered by the audit's scan section, on two
 * LeNet-5s trained and exported by PyTorch 1.13 outside dlsec ({@code bench/fixtures/make_backdoor_fixtures.py}: the
 * same initialisation and schedule, one with a BadNets 4×4 checkerboard in 2% of MNIST's training images relabelled
 * to class 7, attack success 99.8%). dlsec sees neither the trigger nor the target.
 */
class BackdoorScanAuditCliTest {
    static final String CONFIG = """
            seed: 0
            limit: 100
            attacks:
              - attack: fgsm
                eps: 0.1
            scan:
              - detect: [cleanse, strip]
                id: backdoor-scan
                steps: 100
            gates:
              - scan.backdoor-scan.backdoored == false
            """;

    @Test
    void theBackdooredModelIsFlaggedWithItsTargetAndFailsTheGateTheCleanOneIsNot(@TempDir Path dir) throws Exception {
        GatesAndCompareCliTest.Audit bad = GatesAndCompareCliTest.audit(
                TestSupport.fixture("backdoor/badnets-lenet.pt").toString(), dir, "badnets", CONFIG);
        assertEquals(Main.EXIT_GATE, bad.code(), bad.stderr());
        assertTrue(bad.stderr().contains("gate failed: scan.backdoor-scan.backdoored == false: backdoored is 1, fails == 0"),
                bad.stderr());
        JsonNode scan = family(dir.resolve("badnets"));
        assertEquals("vulnerable", scan.get("verdict").asText(), scan.toString());
        JsonNode rec = scan.get("scans").get(0);
        assertEquals(7, rec.get("suspectedTarget").asInt(), "the flagged class is the backdoor's target: " + rec);
        double flagged = rec.get("anomalyIndex").asDouble();
        assertTrue(flagged > 2, "anomaly index " + flagged);
        // STRIP's FAR is measured against the reversed trigger of the flagged class
        assertTrue(rec.get("strip").get("triggered").asInt() > 0 && rec.get("strip").get("far").isNumber(), rec.toString());
        assertTrue(Files.readString(dir.resolve("badnets/report.junit.xml")).contains("name=\"backdoor-scan\""));

        GatesAndCompareCliTest.Audit clean = GatesAndCompareCliTest.audit(
                TestSupport.fixture("backdoor/clean-lenet.pt").toString(), dir, "clean", CONFIG);
        assertEquals(Main.EXIT_OK, clean.code(), clean.stderr());
        JsonNode cs = family(dir.resolve("clean"));
        assertEquals("resists the configured attacks", cs.get("verdict").asText(), cs.toString());
        JsonNode crec = cs.get("scans").get(0);
        assertEquals(-1, crec.get("suspectedTarget").asInt());
        assertTrue(crec.get("anomalyIndex").asDouble() < 2 && crec.get("anomalyIndex").asDouble() < flagged,
                crec.get("anomalyIndex") + " vs " + flagged);
        assertTrue(crec.get("strip").get("far").isNull(), "no triggered inputs without a flagged class");
    }

    private static JsonNode family(Path out) throws Exception {
        JsonNode r = Json.MAPPER.readTree(out.resolve("report.json").toFile());
        for (JsonNode f : r.get("families")) {
            if (f.get("family").asText().equals("scan")) {
                return f;
            }
        }
        throw new AssertionError("no scan family in " + out);
    }
}
