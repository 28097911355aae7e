package org.dlsec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.dlsec.TestSupport;
import org.dlsec.core.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dlsec attack} through the evasion experiment: a universal perturbation is fitted before it runs (on the
 * split the attacked samples do not come from), and a transfer attack over several budgets is crafted on the
 * substitute at every budget, on the PyTorch-exported fixtures (an ONNX black box attacked through a TorchScript substitute).
 */
class EvasionCliTest {
    static final String PT = TestSupport.fixture("lenet-ts.pt").toString();
    static final String ONNX = TestSupport.fixture("lenet.onnx").toString();

    @Test
    void aUniversalPerturbationIsFittedFirstAndATransferCurveIsCraftedOnTheSubstitute(@TempDir Path dir) throws Exception {
        Path uap = dir.resolve("uap.json");
        CliTest.Run r = CliTest.run("attack", "--model", PT, "--dataset", "mnist", "--attack", "uap", "--eps", "0.3",
                "--param", "fit=20", "--param", "passes=1", "--limit", "20", "--json", uap.toString(), "--quiet");
        assertEquals(0, r.code(), r.err());
        JsonNode n = Json.MAPPER.readTree(uap.toFile());
        JsonNode p = n.get("parameters");
        assertEquals(20, p.get("fit").asInt());
        assertTrue(p.has("fitFoolingRate") && p.get("fitPasses").asInt() == 1, "fitted before the run: " + p);
        assertEquals("test", n.get("split").asText());

        Path transfer = dir.resolve("transfer.json");
        r = CliTest.run("attack", "--model", ONNX, "--substitute", PT, "--dataset", "mnist", "--attack", "fgsm", "--eps",
                "0.1,0.3", "--limit", "40", "--json", transfer.toString(), "--quiet");
        assertEquals(0, r.code(), r.err());
        n = Json.MAPPER.readTree(transfer.toFile());
        assertEquals(2, n.get("curve").size());
        assertEquals(0.3, n.get("eps").asDouble(), 0);
        assertEquals("fgsm", n.get("parameters").get("craftedWith").asText());
        assertTrue(n.get("parameters").get("substitute").asText().contains("lenet-ts.pt"), n.get("parameters").toString());
        double weak = n.get("curve").get(0).get("successRate").asDouble();
        double strong = n.get("curve").get(1).get("successRate").asDouble();
        assertTrue(strong >= weak, "a larger budget transfers at least as well: " + weak + " vs " + strong);
    }
}
