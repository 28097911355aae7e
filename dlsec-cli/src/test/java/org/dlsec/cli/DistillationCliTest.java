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

/**
 * {@code dlsec train --distill T} and the attack on the distilled model: naive gradients vanish in
 * the saturated softmax, the adaptive attack on logits / T (Carlini &amp; Wagner 2016) does not.
 */
class DistillationCliTest {
    @Test
    void distilledModelResistsOnlyTheNaiveAttack(@TempDir Path dir) throws IOException {
        Path model = dir.resolve("distilled");
        CliTest.Run t = run("train", "--arch", "lenet5", "--dataset", "mnist", "--limit", "2000", "--epochs", "2",
                "--batch-size", "32", "--lr", "0.01", "--distill", "100", "--seed", "1", "--out", model.toString(), "--quiet");
        assertEquals(0, t.code(), t.err());
        JsonNode card = Json.MAPPER.readTree(model.resolve("dlsec-model.json").toFile());
        JsonNode defence = card.get("training").get("extra").get("defence");
        assertEquals("student", defence.get("distillation").asText());
        assertEquals(100.0, defence.get("temperature").asDouble());
        assertTrue(card.get("testAccuracy").asDouble() > 0.85, "the student learns: " + card.get("testAccuracy"));

        double[] robust = new double[2];
        String[] modes = {"naive", "adaptive"};
        for (int i = 0; i < 2; i++) {
            Path json = dir.resolve(modes[i] + ".json");
            CliTest.Run a = run("attack", "--model", model.toString(), "--dataset", "mnist", "--limit", "100", "--attack", "pgd",
                    "--eps", "0.3", "--steps", "20", "--step-size", "0.025", "--gradients", modes[i], "--json", json.toString(),
                    "--quiet");
            assertEquals(0, a.code(), a.err());
            JsonNode n = Json.MAPPER.readTree(json.toFile());
            assertEquals(100.0, n.get("distillation").get("temperature").asDouble());
            assertTrue(n.get("distillation").get("gradients").asText().startsWith(modes[i]));
            robust[i] = n.get("robustAccuracy").asDouble();
        }
        // the saturated softmax hides the gradient from the naive attack ...
        assertTrue(robust[0] > 0.5, "naive PGD should be masked: robust " + robust[0]);
        // ... and the attack on logits / T takes the model down as an undefended LeNet at eps 0.3
        assertTrue(robust[1] < 0.1, "adaptive PGD: robust " + robust[1]);

        // #21: the audit of the distilled model runs the same PGD on logits / T and naively beside it, with the same
        // figures as the two commands, and flags the naive one as gradient masking
        Path cfg = dir.resolve("audit.yaml");
        Files.writeString(cfg, "limit: 100\nattacks:\n  - attack: pgd\n    eps: 0.3\n    steps: 20\n    stepSize: 0.025\n");
        CliTest.Run au = run("audit", "--model", model.toString(), "--dataset", "mnist", "--config", cfg.toString(), "--out",
                dir.resolve("audit").toString(), "--quiet");
        assertEquals(0, au.code(), au.err());
        JsonNode evasion = Json.MAPPER.readTree(dir.resolve("audit/report.json").toFile()).get("families").get(0);
        JsonNode adaptive = evasion.get("attacks").get(0);
        JsonNode naive = evasion.get("attacks").get(1);
        assertEquals("logits/T", adaptive.get("gradients").asText());
        assertEquals("pgd-naive", naive.get("id").asText());
        assertEquals(robust[1], adaptive.get("points").get(0).get("robustAccuracy").asDouble(), 0, "adaptive as the command");
        assertEquals(robust[0], naive.get("points").get(0).get("robustAccuracy").asDouble(), 0, "naive as the command");
        assertTrue(naive.get("masking").get("flagged").asBoolean(), naive.get("masking").toString());
        assertTrue(evasion.get("summary").asText().contains("gradient masking"), evasion.get("summary").asText());
    }

    @Test
    void distillationIsOneTrainingMethodAmongOthers(@TempDir Path dir) {
        assertUserError(run("train", "--arch", "lenet5", "--dataset", "mnist", "--limit", "10", "--distill", "20",
                "--adversarial", "pgd", "--out", dir.resolve("m").toString(), "--quiet"), "exclusive");
        assertUserError(run("train", "--arch", "lenet5", "--dataset", "mnist", "--limit", "10", "--distill", "0.5",
                "--out", dir.resolve("m").toString(), "--quiet"), "temperature");
    }
}
