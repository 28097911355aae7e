package org.dlsec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.dlsec.core.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dlsec sidechannel}: a power run end to end on a small trained model, and every bad input as one line, exit 2. */
class SideChannelCliTest {
    private static Path lenet(Path dir) {
        Path model = dir.resolve("lenet");
        CliTest.Run t = CliTest.run("train", "--arch", "lenet5", "--dataset", "mnist", "--limit", "2000", "--epochs", "1",
                "--out", model.toString(), "--quiet");
        assertEquals(0, t.code(), t.err());
        return model;
    }

    @Test
    void powerRecoversTheFirstLayerAndWritesJsonAndPlot(@TempDir Path dir) throws IOException {
        Path model = lenet(dir);
        Path json = dir.resolve("p.json");
        Path png = dir.resolve("p.png");
        CliTest.Run r = CliTest.run("sidechannel", "--model", model.toString(), "--dataset", "mnist", "--attack", "power",
                "--traces", "1000", "--noise", "1", "--json", json.toString(), "--plot", png.toString(), "--quiet");
        assertEquals(0, r.code(), r.err());
        JsonNode n = Json.MAPPER.readTree(json.toFile());
        assertEquals("sidechannel", n.get("command").asText());
        assertEquals("power", n.get("attack").asText());
        assertTrue(n.get("recovered").asDouble() >= 0.95, n.toString());
        assertEquals(150, n.get("power").get("layers").get(0).get("weights").asInt());
        assertTrue(Files.size(png) > 1000);
        // masking: the same attack, now at chance
        r = CliTest.run("sidechannel", "--model", model.toString(), "--dataset", "mnist", "--attack", "power",
                "--traces", "1000", "--defence", "mask", "--json", json.toString(), "--quiet");
        assertEquals(0, r.code(), r.err());
        n = Json.MAPPER.readTree(json.toFile());
        assertTrue(n.get("recovered").asDouble() <= 0.05, n.toString());
        assertEquals("mask", n.get("countermeasure").asText());
    }

    /** The audit's {@code sidechannel:} section: a bad value is one line naming the file, the line and the key; exit 2. */
    @Test
    void aBadSidechannelSectionOfAnAuditIsOneLineAndExitTwo(@TempDir Path dir) throws IOException {
        String pt = org.dlsec.TestSupport.fixture("lenet-ts.pt").toString();
        String[][] bad = {
            {"  - attack: power\n    noise: -1\n", "noise: must be a finite number > 0"},
            {"  - attack: power\n    defence: [none, random-delay]\n", "random-delay is a timing defence"},
            {"  - attack: timing\n    layers: 0\n", "'layers' belongs to the power attack"},
        };
        for (String[] b : bad) {
            Path cfg = dir.resolve("sc.yaml");
            Files.writeString(cfg, "attacks:\n  - attack: fgsm\nsidechannel:\n" + b[0]);
            CliTest.Run r = CliTest.run("audit", "--model", pt, "--dataset", "mnist", "--config", cfg.toString(), "--out",
                    dir.resolve("out").toString(), "--quiet");
            CliTest.assertUserError(r, b[1]);
            assertTrue(r.err().contains(cfg + " line 5: "), "names the file and the line: " + r.err());
            assertTrue(!Files.exists(dir.resolve("out")), "nothing runs before the configuration is valid");
        }
    }

    @Test
    void badInputIsOneLineAndExitTwo(@TempDir Path dir) throws IOException {
        Path model = lenet(dir);
        String m = model.toString();
        CliTest.assertUserError(CliTest.run("sidechannel", "--model", m, "--dataset", "mnist", "--attack", "power",
                "--noise", "0"), "--noise");
        CliTest.assertUserError(CliTest.run("sidechannel", "--model", m, "--dataset", "mnist", "--attack", "power",
                "--noise", "-1"), "--noise");
        CliTest.assertUserError(CliTest.run("sidechannel", "--model", m, "--dataset", "mnist", "--attack", "power",
                "--traces", "0"), "--traces");
        CliTest.assertUserError(CliTest.run("sidechannel", "--model", m, "--dataset", "mnist", "--attack", "acoustic"),
                "unknown side-channel attack");
        CliTest.assertUserError(CliTest.run("sidechannel", "--model", m, "--dataset", "mnist", "--attack", "power",
                "--defence", "prayer"), "unknown side-channel defence");
        CliTest.assertUserError(CliTest.run("sidechannel", "--model", m, "--dataset", "mnist", "--attack", "power",
                "--defence", "constant-time"), "--defence");
        CliTest.assertUserError(CliTest.run("sidechannel", "--model", m, "--dataset", "mnist", "--attack", "timing",
                "--defence", "mask"), "--defence");
        // a model without an int8 path: VGG has batch norm
        Path vgg = dir.resolve("vgg");
        CliTest.Run t = CliTest.run("train", "--arch", "vgg", "--dataset", "mnist", "--limit", "64", "--epochs", "1",
                "--out", vgg.toString(), "--quiet");
        assertEquals(0, t.code(), t.err());
        CliTest.assertUserError(CliTest.run("sidechannel", "--model", vgg.toString(), "--dataset", "mnist", "--attack",
                "power", "--traces", "10"), "no int8 path");
        CliTest.assertUserError(CliTest.run("sidechannel", "--model", dir.resolve("none").toString(), "--dataset", "mnist",
                "--attack", "power"), "none");
    }
}
