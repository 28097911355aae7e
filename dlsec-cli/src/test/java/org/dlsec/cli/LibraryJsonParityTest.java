package org.dlsec.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import org.dlsec.TestSupport;
import org.dlsec.attack.evasion.AttackResult;
import org.dlsec.attack.evasion.EvasionAttack;
import org.dlsec.attack.evasion.Pgd;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Json;
import org.dlsec.data.Dataset;
import org.dlsec.experiment.CommandOutput;
import org.dlsec.model.Classifier;
import org.dlsec.model.Engines;
import org.dlsec.model.LoadOptions;
import org.dlsec.model.Models;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A library user gets what {@code dlsec attack --json} writes (issue #24): the same attack through the builder and
 * {@code run(model, data)} carries its provenance, and {@link CommandOutput#attack} writes the command's JSON, the
 * same fields and values but for timings and timestamps; the plain-array {@code generate} and the tensor of
 * adversarial examples agree with it.
 */
class LibraryJsonParityTest {
    static final int N = 30;

    @Test
    void theLibraryWritesTheCommandsJson(@TempDir Path dir) throws Exception {
        Path pt = TestSupport.fixture("lenet-ts.pt");
        Path cliJson = dir.resolve("cli.json");
        CliTest.Run r = CliTest.run("attack", "--model", pt.toString(), "--dataset", "mnist", "--limit", String.valueOf(N),
                "--attack", "pgd", "--eps", "0.2", "--steps", "10", "--seed", "3", "--json", cliJson.toString(), "--quiet");
        assertEquals(0, r.code(), r.err());
        Dataset data = TestSupport.mnistTest(N);
        Path libJson = dir.resolve("lib.json");
        EvasionAttack pgd = Pgd.linf(0.2).steps(10).seed(3).build();
        try (Classifier model = Models.load(pt, LoadOptions.of(data.sampleShape()))) {
            AttackResult result = pgd.run(model, data);
            assertNotNull(result.provenance());
            assertEquals(model.info().sha256(), result.provenance().modelSha256());
            assertEquals(3, result.provenance().seed());
            CommandOutput.attack(result, model, data).write(libJson);

            // the plain-array overload: the same adversarial predictions, and the tensor of examples has the input's shape
            float[][] rows = new float[N][];
            int[] labels = new int[N];
            for (int i = 0; i < N; i++) {
                rows[i] = data.image(i);
                labels[i] = data.label(i);
            }
            AttackResult plain = pgd.generate(model, rows, labels);
            assertArrayEquals(result.adversarialPredictions(), plain.adversarialPredictions());
            assertArrayEquals(result.adversarial(), plain.adversarial());
            try (NDManager m = Engines.newManager()) {
                NDArray adv = result.adversarialExamples(m);
                assertEquals(new Shape(N, 1, 28, 28), adv.getShape());
                assertArrayEquals(result.adversarialExample(7), adv.get(7).toFloatArray());
            }
            DlsecException e = assertThrows(DlsecException.class, () -> CommandOutput.attack(plain, model, data));
            assertTrue(e.getMessage().contains("no provenance"), e.getMessage());
            assertThrows(DlsecException.class, () -> pgd.generate(model, new float[][] {new float[5]}, new int[] {1}));
        }
        JsonNode cli = Json.MAPPER.readTree(cliJson.toFile());
        JsonNode lib = Json.MAPPER.readTree(libJson.toFile());
        for (JsonNode n : List.of(cli, lib)) {
            ObjectNode o = (ObjectNode) n;
            o.remove(List.of("seconds", "samplesPerSecond"));
            ObjectNode p = (ObjectNode) o.get("provenance");
            p.remove(List.of("started", "finished"));
            ((ObjectNode) o.get("perSample")).remove("seconds");
        }
        List<String> cliKeys = keys(cli);
        assertEquals(cliKeys, keys(lib), "the same fields in the same order");
        for (String k : cliKeys) {
            assertEquals(cli.get(k), lib.get(k), "field " + k);
        }
    }

    static List<String> keys(JsonNode n) {
        List<String> out = new java.util.ArrayList<>();
        for (Iterator<String> it = n.fieldNames(); it.hasNext();) {
            out.add(it.next());
        }
        return out;
    }
}
