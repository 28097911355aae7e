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
        for (String key : new String[] {"auc", "balancedAccuracy", "tprAt01Fpr", "tprAt1Fpr", "members", "nonMembers",
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

        Path images = dir.resolve("img");
        CliTest.Run inv = CliTest.run("privacy", "--model", model.toString(), "--dataset", "mnist", "--attack", "inversion",
                "--param", "steps=20", "--images", images.toString(), "--json", dir.resolve("inv.json").toString(), "--quiet");
        assertEquals(0, inv.code(), inv.err());
        assertTrue(java.nio.file.Files.size(images.resolve("inversion.png")) > 1000);
        assertEquals(10, Json.MAPPER.readTree(dir.resolve("inv.json").toFile()).get("confidence").size());

        CliTest.assertUserError(CliTest.run("privacy", "--model", model.toString(), "--dataset", "mnist", "--attack", "nope"),
                "unknown privacy attack");
        CliTest.assertUserError(CliTest.run("privacy", "--model", model.toString(), "--dataset", "mnist", "--attack", "loss",
                "--members", "451"), "members");
        CliTest.assertUserError(CliTest.run("privacy", "--model", model.toString(), "--dataset", "mnist", "--attack",
                "attribute"), "sensitive attribute");
        CliTest.assertUserError(CliTest.run("privacy", "--model", model.toString(), "--dataset", "mnist", "--attack", "loss",
                "--non-members", "elsewhere"), "--non-members");
        Path within = dir.resolve("within.json");
        assertEquals(0, CliTest.run("privacy", "--model", model.toString(), "--dataset", "mnist", "--attack", "loss",
                "--members", "100", "--non-members", "train", "--json", within.toString(), "--quiet").code());
        JsonNode w = Json.MAPPER.readTree(within.toFile());
        assertEquals("train", w.get("split").get("nonMemberSplit").asText());
        for (JsonNode i : w.get("split").get("nonMemberIndices")) {
            assertTrue(!usedSet.contains(i.asInt()), "non-member " + i + " trained the model");
        }
    }

    @Test
    void trainWithDpRecordsTheBudgetPerEpoch(@TempDir Path dir) throws IOException {
        Path model = dir.resolve("dp");
        CliTest.Run t = CliTest.run("train", "--arch", "lenet5", "--dataset", "mnist", "--limit", "500", "--epochs", "2",
                "--batch-size", "50", "--dp", "--noise", "1.1", "--clip", "1.0", "--delta", "1e-5", "--out", model.toString(),
                "--quiet");
        assertEquals(0, t.code(), t.err());
        JsonNode card = Json.MAPPER.readTree(model.resolve("dlsec-model.json").toFile());
        JsonNode dp = card.get("training").get("extra").get("gradientStep");
        assertEquals(1.1, dp.get("noiseMultiplier").asDouble());
        assertEquals(0.1, dp.get("samplingRate").asDouble(), 1e-12);
        assertEquals(20, dp.get("steps").asInt());
        assertEquals(2, dp.get("perEpoch").size());
        double eps = dp.get("epsilon").asDouble();
        assertEquals(org.dlsec.defence.training.RdpAccountant.epsilon(0.1, 1.1, 20, 1e-5).epsilon(), eps, 1e-9);
        assertTrue(dp.get("perEpoch").get(0).get("epsilon").asDouble() < eps);
        CliTest.assertUserError(CliTest.run("train", "--arch", "lenet5", "--dataset", "mnist", "--limit", "100", "--dp",
                "--noise", "0", "--out", dir.resolve("bad").toString(), "--quiet"), "noise");
    }
}
