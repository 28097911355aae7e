package org.dlsec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.dlsec.core.Json;
import org.dlsec.data.Dataset;
import org.dlsec.data.DatasetId;
import org.dlsec.data.Datasets;
import org.dlsec.model.Models;
import org.dlsec.train.TrainingRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dlsec privacy}: the split comes from the model card, the JSON has the documented fields. */
class PrivacyCliTest {
    @Test
    void membershipOnAModelTrainedByDlsec(@TempDir Path dir) throws IOException {
        Path model = dir.resolve("m");
        CliTest.Run t = CliTest.run("train", "--arch", "lenet5", "--dataset", "mnist", "--limit", "600", "--epochs", "2",
                "--validation", "0.25", "--seed", "3", "--batch-size", "32", "--out", model.toString(), "--quiet");
        assertEquals(0, t.code(), t.err());
        Dataset train = Datasets.load(DatasetId.MNIST, "train", java.util.Optional.empty());
        int[] used = TrainingRun.trainingIndices(Models.card(model), train).orElseThrow();
        assertEquals(450, used.length);
        Set<Integer> usedSet = new HashSet<>();
        for (int i : used) {
            assertTrue(i < 600);
            usedSet.add(i);
        }
        Path json = dir.resolve("loss.json");
        CliTest.Run r = CliTest.run("privacy", "--model", model.toString(), "--dataset", "mnist", "--attack", "loss",
                "--members", "300", "--seed", "1", "--json", json.toString(), "--quiet");
        assertEquals(0, r.code(), r.err());
        JsonNode n = Json.MAPPER.readTree(json.toFile());
        for (String key : new String[] {"auc", "balancedAccuracy", "tprAt0.1%Fpr", "tprAt1%Fpr", "members", "nonMembers",
            "seconds", "roc", "split", "provenance"}) {
            assertTrue(n.has(key), "missing " + key + " in " + n);
        }
        assertEquals(300, n.get("members").asInt());
        assertEquals(300, n.get("nonMembers").asInt());
        double auc = n.get("auc").asDouble();
        assertTrue(auc > 0.5 && auc <= 1, "auc " + auc);
        for (JsonNode i : n.get("split").get("memberIndices")) {
            assertTrue(usedSet.contains(i.asInt()), "member " + i + " did not train the model");
        }
        assertEquals(300, n.get("split").get("nonMemberIndices").size());
        assertEquals("test", n.get("split").get("nonMemberSplit").asText());
        JsonNode first = n.get("roc").get(0);
        assertEquals(0.0, first.get("fpr").asDouble());

        CliTest.assertUserError(CliTest.run("privacy", "--model", model.toString(), "--dataset", "mnist", "--attack", "nope"),
                "unknown privacy attack");
        CliTest.assertUserError(CliTest.run("privacy", "--model", model.toString(), "--dataset", "mnist", "--attack", "loss",
                "--members", "451"), "members");
    }
}
