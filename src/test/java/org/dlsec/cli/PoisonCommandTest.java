package org.dlsec.cli;

import static org.dlsec.cli.CliTest.assertUserError;
import static org.dlsec.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.dlsec.core.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dlsec poison}: the documented JSON, the images, and one-line errors on bad input. */
class PoisonCommandTest {
    @Test
    void badNetsWithDetectionWritesTheDocumentedJsonAndImages(@TempDir Path dir) throws IOException {
        Path json = dir.resolve("p.json");
        Path img = dir.resolve("img");
        CliTest.Run r = run("poison", "--dataset", "mnist", "--attack", "badnets", "--rate", "0.05", "--target", "7",
                "--epochs", "1", "--batch-size", "16", "--limit", "1000", "--test-limit", "200", "--seed", "3", "--detect", "ac", "--retrain",
                "--json", json.toString(), "--images", img.toString(), "--quiet");
        assertEquals(0, r.code(), r.err());
        JsonNode n = Json.MAPPER.readTree(json.toFile());
        assertEquals("badnets", n.get("attack").asText());
        assertEquals(50, n.get("poisoned").asInt());
        assertEquals(0.05, n.get("poisonRate").asDouble(), 1e-12);
        assertEquals(1000, n.get("trainSamples").asInt());
        for (String f : new String[] {"cleanAccuracy", "cleanAccuracyBaseline", "attackSuccessRate", "attackSuccessBaseline"}) {
            double v = n.get(f).asDouble();
            assertTrue(v >= 0 && v <= 1, f + " = " + v);
        }
        assertTrue(n.get("cleanAccuracyBaseline").asDouble() > 0.5, "a 1-epoch LeNet on 1000 images still learns");
        JsonNode d = n.get("detection");
        assertEquals("ac", d.get("detector").asText());
        assertEquals(1000, d.get("samples").asInt());
        assertEquals(10, d.get("classes").size());
        assertTrue(d.get("truePositiveRate").isNumber() && d.get("falsePositiveRate").isNumber(), d.toString());
        int flagged = d.get("flagged").asInt();
        assertEquals(1000 - flagged, d.get("retrained").get("trainSamples").asInt());
        assertTrue(d.get("retrained").get("cleanAccuracy").asDouble() > 0.5);
        assertEquals(3, n.get("provenance").get("seed").asInt());
        for (String png : new String[] {"poisoned-samples.png", "trigger.png", "triggered-test.png"}) {
            assertTrue(Files.size(img.resolve(png)) > 100, png);
        }
    }

    @Test
    void labelFlippingAndNoiseReportAccuracyAndNoAttackSuccess(@TempDir Path dir) throws IOException {
        for (String attack : new String[] {"labelflip", "noise"}) {
            Path json = dir.resolve(attack + ".json");
            CliTest.Run r = run("poison", "--dataset", "mnist", "--attack", attack, "--rate", "0.4", "--epochs", "1",
                    "--batch-size", "16", "--limit", "400", "--test-limit", "100", "--json", json.toString(), "--quiet");
            assertEquals(0, r.code(), r.err());
            JsonNode n = Json.MAPPER.readTree(json.toFile());
            assertEquals(attack, n.get("attack").asText());
            assertEquals(160, n.get("poisoned").asInt());
            assertTrue(n.get("attackSuccessRate").isNull(), "no trigger, no attack success: " + n.get("attackSuccessRate"));
            assertTrue(n.get("cleanAccuracy").asDouble() > 0 && n.get("cleanAccuracyBaseline").asDouble() > 0.3);
            assertTrue(n.get("detection") == null);
        }
    }

    @Test
    void badInputGivesExitTwoAndOneLine() {
        assertUserError(run("poison", "--dataset", "mnist", "--attack", "frogs", "--quiet"), "--attack");
        assertUserError(run("poison", "--dataset", "mnist", "--attack", "badnets", "--rate", "0", "--quiet"), "--rate");
        assertUserError(run("poison", "--dataset", "mnist", "--attack", "badnets", "--detect", "strip", "--quiet"), "--detect");
        assertUserError(run("poison", "--dataset", "mnist", "--attack", "badnets", "--retrain", "--quiet"), "--retrain");
        assertUserError(run("poison", "--dataset", "mnist", "--attack", "badnets", "--target", "12", "--limit", "100",
                "--quiet"), "--target");
        assertUserError(run("poison", "--dataset", "mnist", "--attack", "noise", "--sigma", "-1", "--limit", "100",
                "--quiet"), "sigma");
        assertUserError(run("poison", "--dataset", "mnist", "--attack", "badnets", "--limit", "-5", "--quiet"), "--limit");
        assertUserError(run("poison", "--dataset", "mnist", "--attack", "badnets", "--epochs", "0", "--quiet"), "epochs");
        assertUserError(run("poison", "--dataset", "cifar", "--attack", "badnets", "--quiet"), "unknown dataset");
        assertUserError(run("poison", "--attack", "badnets"), "--dataset");
    }
}
