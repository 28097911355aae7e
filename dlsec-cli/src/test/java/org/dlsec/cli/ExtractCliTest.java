package org.dlsec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.dlsec.core.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dlsec extract} writes the documented JSON; it and {@code dlsec serve} reject bad input with exit 2. */
class ExtractCliTest {
    @Test
    void equationSolvingAgainstALocalSoftmaxModelWritesTheJson(@TempDir Path dir) throws Exception {
        Path model = dir.resolve("softmax");
        CliTest.Run t = CliTest.run("train", "--arch", "softmax", "--dataset", "mnist", "--limit", "1000", "--epochs", "1",
                "--seed", "2", "--validation", "0", "--out", model.toString(), "--quiet");
        assertEquals(0, t.code(), t.err());
        Path json = dir.resolve("x.json");
        CliTest.Run r = CliTest.run("extract", "--target", model.toString(), "--attack", "equation", "--budget", "785",
                "--test-limit", "500", "--transfer-limit", "100", "--json", json.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode n = Json.MAPPER.readTree(json.toFile());
        for (String f : new String[] {"substituteAccuracy", "fidelity", "queries", "transferSuccess", "seconds"}) {
            assertTrue(n.has(f), "field " + f + " in " + n);
        }
        assertEquals(785, n.get("queries").asLong());
        assertTrue(n.get("fidelity").asDouble() >= 0.999, n.toString());
        assertEquals(100, n.get("transferSamples").asInt());
    }

    @Test
    void badInputGivesExitTwoAndOneLine(@TempDir Path dir) throws Exception {
        CliTest.assertUserError(CliTest.run("extract", "--target", dir.resolve("none").toString(), "--attack", "knockoff",
                "--budget", "10"), "model not found");
        CliTest.assertUserError(CliTest.run("extract", "--target", "x", "--attack", "magic", "--budget", "10"),
                "unknown --attack");
        CliTest.assertUserError(CliTest.run("extract", "--target", "x", "--attack", "copycat", "--budget", "0"), "--budget");
        CliTest.assertUserError(CliTest.run("extract", "--target", "http://127.0.0.1:1", "--attack", "copycat",
                "--budget", "10"), "cannot connect");
        Path empty = Files.writeString(dir.resolve("tokens"), "\n# nothing\n");
        CliTest.assertUserError(CliTest.run("serve", "--model", dir.toString(), "--token-file", empty.toString()),
                "holds no token");
        CliTest.assertUserError(CliTest.run("serve", "--model", dir.toString(), "--output", "everything"), "invalid output");
        CliTest.assertUserError(CliTest.run("serve", "--model", dir.resolve("none").toString()), "model not found");
        CliTest.assertUserError(CliTest.run("serve", "--model", dir.toString(), "--rate", "fast"), "invalid --rate");
        assertEquals(20.0, ServeCommand.parseRate("20/s"));
    }
}
