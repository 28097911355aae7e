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
        assertEquals(50, n.get("poisonedSamples").asInt());
        assertEquals(0.05, n.get("poisonRate").asDouble(), 1e-12);
        assertEquals(1000, n.get("trainSamples").asInt());
        for (String f : new String[] {"poisonedModelAccuracy", "cleanModelAccuracy", "attackSuccessRate", "triggerOnCleanModel"}) {
            double v = n.get(f).asDouble();
            assertTrue(v >= 0 && v <= 1, f + " = " + v);
        }
        assertTrue(n.get("cleanModelAccuracy").asDouble() > 0.5, "a 1-epoch LeNet on 1000 images still learns");
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
    void stripReportsFrrAndFarOfTheTriggeredInputs(@TempDir Path dir) throws IOException {
        Path json = dir.resolve("strip.json");
        CliTest.Run r = run("poison", "--dataset", "mnist", "--attack", "badnets", "--rate", "0.05", "--target", "7",
                "--trigger-size", "4", "--epochs", "2", "--batch-size", "16", "--limit", "1000", "--test-limit", "300", "--seed",
                "3", "--detect", "strip", "--overlays", "10", "--json", json.toString(), "--quiet");
        assertEquals(0, r.code(), r.err());
        JsonNode d = Json.MAPPER.readTree(json.toFile()).get("detection");
        assertEquals("strip", d.get("detector").asText());
        assertEquals(10, d.get("parameters").get("overlays").asInt());
        assertEquals(100, d.get("heldOutCleanInputs").asInt());
        assertEquals(100, d.get("calibrationInputs").asInt());
        int triggered = d.get("triggeredInputs").asInt();
        assertTrue(triggered > 80 && triggered < 100, "held-out images outside class 7: " + triggered);
        for (String f : new String[] {"frr", "far", "calibrationFrr"}) {
            assertTrue(d.get(f).isNumber() && d.get(f).asDouble() >= 0 && d.get(f).asDouble() <= 1, f + " = " + d.get(f));
        }
        assertTrue(d.get("calibrationFrr").asDouble() <= 0.05, d.toString());
        double threshold = d.get("threshold").asDouble();
        JsonNode cal = d.get("entropies").get("calibration");
        assertEquals(100, cal.get("count").asInt());
        assertTrue(threshold >= cal.get("min").asDouble() && threshold <= cal.get("max").asDouble(), d.toString());
        assertEquals(triggered, d.get("entropies").get("triggered").get("count").asInt());
    }

    @Test
    void neuralCleanseFindsTheTargetOfTheVictim(@TempDir Path dir) throws IOException {
        Path json = dir.resolve("nc.json");
        CliTest.Run r = run("poison", "--dataset", "mnist", "--attack", "badnets", "--rate", "0.1", "--target", "3",
                "--trigger-size", "4", "--epochs", "3", "--batch-size", "32", "--limit", "3000", "--test-limit", "600", "--seed",
                "3", "--detect", "cleanse", "--cleanse-steps", "200", "--json", json.toString(), "--images", dir.resolve("img").toString(),
                "--quiet");
        assertEquals(0, r.code(), r.err());
        JsonNode n = Json.MAPPER.readTree(json.toFile());
        assertTrue(n.get("attackSuccessRate").asDouble() > 0.8, "the backdoor is planted: " + n.get("attackSuccessRate"));
        JsonNode d = n.get("detection");
        assertEquals("cleanse", d.get("detector").asText());
        assertEquals(300, d.get("cleanImages").asInt(), "the defender holds half of the clean test images");
        assertEquals(10, d.get("cleanse").get("anomalyIndices").size());
        assertTrue(d.get("backdoored").asBoolean(), d.toString());
        assertEquals(3, d.get("suspectedTarget").asInt(), d.toString());
        assertTrue(d.get("targetFound").asBoolean());
        assertTrue(d.get("anomalyIndex").asDouble() > 2, d.toString());
        for (String png : new String[] {"poisoned-samples.png", "trigger.png", "reversed-triggers.png"}) {
            assertTrue(Files.size(dir.resolve("img").resolve(png)) > 100, png);
        }
    }

    @Test
    void finePruningReportsTheStages(@TempDir Path dir) throws IOException {
        Path json = dir.resolve("fp.json");
        CliTest.Run r = run("poison", "--dataset", "mnist", "--attack", "badnets", "--rate", "0.05", "--target", "7",
                "--epochs", "1", "--batch-size", "16", "--limit", "1000", "--test-limit", "300", "--seed", "3", "--detect",
                "fineprune", "--finetune-epochs", "1", "--json", json.toString(), "--quiet");
        assertEquals(0, r.code(), r.err());
        JsonNode d = Json.MAPPER.readTree(json.toFile()).get("detection");
        assertEquals("fineprune", d.get("detector").asText());
        assertEquals(16, d.get("channels").asInt());
        double ratio = d.get("pruneRatio").asDouble();
        assertTrue(ratio >= 0 && ratio < 1, "ratio " + ratio);
        assertEquals(Math.round(ratio * 16), d.get("prunedChannels").size());
        for (String stage : new String[] {"beforePruning", "afterPruning", "afterFineTuning"}) {
            for (String f : new String[] {"cleanAccuracy", "attackSuccessRate"}) {
                double v = d.get(stage).get(f).asDouble();
                assertTrue(d.get(stage).get(f).isNumber() && v >= 0 && v <= 1, stage + "." + f + " = " + v);
            }
        }
        assertEquals(d.get("afterFineTuning").get("cleanAccuracy").asDouble(), d.get("cleanAccuracy").asDouble(), 0);
        assertTrue(d.get("afterFineTuning").get("cleanAccuracy").asDouble() > 0.5);
        assertTrue(d.get("prunedStayedZero").asBoolean());
        assertEquals(150, d.get("testSamples").asInt());
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
            assertEquals(160, n.get("poisonedSamples").asInt());
            assertTrue(n.get("attackSuccessRate").isNull(), "no trigger, no attack success: " + n.get("attackSuccessRate"));
            assertTrue(n.get("poisonedModelAccuracy").asDouble() > 0 && n.get("cleanModelAccuracy").asDouble() > 0.3);
            assertTrue(n.get("detection") == null);
        }
    }

    @Test
    void stealthyAndFeatureCollisionWriteTheirJson(@TempDir Path dir) throws IOException {
        Path json = dir.resolve("s.json");
        CliTest.Run r = run("poison", "--dataset", "mnist", "--attack", "stealthy", "--rate", "0.02", "--target", "1",
                "--pixels", "20", "--amplitude", "0.8", "--epochs", "1", "--batch-size", "16", "--limit", "500",
                "--test-limit", "100", "--json", json.toString(), "--images", dir.resolve("s").toString(), "--quiet");
        assertEquals(0, r.code(), r.err());
        JsonNode n = Json.MAPPER.readTree(json.toFile());
        assertEquals(10, n.get("poisonedSamples").asInt());
        assertEquals(20, n.get("provenance").get("parameters").get("trigger").get("pixels").asInt(), n.toString());
        JsonNode s = n.get("stealthy");
        assertEquals(n.get("cleanModelAccuracy").asDouble() - n.get("poisonedModelAccuracy").asDouble(), s.get("cleanDrop").asDouble(), 1e-12);
        assertEquals(0.003, s.get("maxCleanDrop").asDouble(), 1e-12);
        assertTrue(s.get("meetsAcceptance").isBoolean());
        assertTrue(n.get("attackSuccessRate").isNumber());
        assertTrue(Files.size(dir.resolve("s").resolve("trigger.png")) > 100);

        Path fc = dir.resolve("fc.json");
        r = run("poison", "--dataset", "mnist", "--attack", "featurecollision", "--base-class", "3", "--targets", "2",
                "--poisons", "3", "--iterations", "20", "--epochs", "1", "--head-epochs", "10", "--batch-size", "16",
                "--limit", "600", "--test-limit", "100", "--seed", "2", "--json", fc.toString(), "--images",
                dir.resolve("fc").toString(), "--quiet");
        assertEquals(0, r.code(), r.err());
        n = Json.MAPPER.readTree(fc.toFile());
        assertEquals("featurecollision", n.get("attack").asText());
        assertEquals(3, n.get("poisonedSamples").asInt());
        assertEquals(3.0 / 603, n.get("poisonRate").asDouble(), 1e-12);
        assertEquals(2, n.get("targets").size());
        int flipped = 0;
        for (JsonNode t : n.get("targets")) {
            assertTrue(t.get("featureDistanceAfter").asDouble() < t.get("featureDistanceBefore").asDouble(), t.toString());
            assertEquals(3, t.get("bases").size());
            assertTrue(t.get("label").asInt() != 3);
            flipped += t.get("success").asBoolean() ? 1 : 0;
        }
        assertEquals(flipped / 2.0, n.get("attackSuccessRate").asDouble(), 1e-12);
        assertTrue(n.get("cleanModelAccuracy").asDouble() > 0.2 && n.get("poisonedModelAccuracy").isNumber());
        assertEquals(2, n.get("provenance").get("seed").asInt());
        assertTrue(Files.size(dir.resolve("fc").resolve("feature-collision.png")) > 100);
    }

    @Test
    void badInputGivesExitTwoAndOneLine() {
        assertUserError(run("poison", "--dataset", "mnist", "--attack", "stealthy", "--rate", "0.2", "--limit", "100", "--quiet"),
                "rate");
        assertUserError(run("poison", "--dataset", "mnist", "--attack", "stealthy", "--amplitude", "2", "--limit", "100",
                "--quiet"), "amplitude");
        assertUserError(run("poison", "--dataset", "mnist", "--attack", "featurecollision", "--base-class", "11", "--limit",
                "100", "--quiet"), "--base-class");
        assertUserError(run("poison", "--dataset", "mnist", "--attack", "featurecollision", "--watermark", "1", "--limit",
                "100", "--quiet"), "watermark");
        assertUserError(run("poison", "--dataset", "mnist", "--attack", "featurecollision", "--detect", "ac", "--limit",
                "100", "--quiet"), "--detect");
        assertUserError(run("poison", "--dataset", "mnist", "--attack", "frogs", "--quiet"), "--attack");
        assertUserError(run("poison", "--dataset", "mnist", "--attack", "badnets", "--rate", "0", "--quiet"), "--rate");
        assertUserError(run("poison", "--dataset", "mnist", "--attack", "badnets", "--detect", "frogs", "--quiet"), "--detect");
        assertUserError(run("poison", "--dataset", "mnist", "--attack", "badnets", "--detect", "strip", "--retrain", "--quiet"),
                "--retrain");
        assertUserError(run("poison", "--dataset", "mnist", "--attack", "badnets", "--detect", "strip", "--overlays", "0",
                "--quiet"), "overlays");
        assertUserError(run("poison", "--dataset", "mnist", "--attack", "badnets", "--detect", "strip", "--frr", "1.5",
                "--quiet"), "frr");
        assertUserError(run("poison", "--dataset", "mnist", "--attack", "badnets", "--detect", "strip", "--strip-rule", "mean",
                "--quiet"), "percentile or normal");
        assertUserError(run("poison", "--dataset", "mnist", "--attack", "badnets", "--detect", "fineprune", "--prune-ratio", "1",
                "--quiet"), "prune ratio");
        assertUserError(run("poison", "--dataset", "mnist", "--attack", "badnets", "--detect", "fineprune", "--prune-ratio",
                "-0.2", "--quiet"), "prune ratio");
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
