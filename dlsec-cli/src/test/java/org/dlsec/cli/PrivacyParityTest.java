package org.dlsec.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.dlsec.TestSupport;
import org.dlsec.audit.AuditConfig;
import org.dlsec.audit.AuditRunner;
import org.dlsec.core.Json;
import org.dlsec.data.Dataset;
import org.dlsec.data.DatasetId;
import org.dlsec.data.Datasets;
import org.dlsec.model.Architecture;
import org.dlsec.model.Classifier;
import org.dlsec.model.Models;
import org.dlsec.report.AuditReport;
import org.dlsec.report.PrivacyRecord;
import org.dlsec.train.TrainConfig;
import org.dlsec.train.TrainingRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The privacy family's parity: the audit's {@code privacy:} entries and {@code dlsec privacy} with the same attack,
 * members, non-member source and seed give the same split and the same figures (AUC, balanced accuracy, TPR at low
 * FPR) for membership inference, and the same reconstructions' confidence for MI-Face. Non-members come from unused
 * training images here: with {@code nonMembers: test} the audit draws them from the audited samples only, the command
 * from the whole test split (documented in docs/audit-config.md).
 */
class PrivacyParityTest {
    static final long SEED = 4;
    static final int MEMBERS = 120;

    @Test
    void theCommandAndTheAuditGiveTheSameSplitAndFigures(@TempDir Path dir) throws Exception {
        Path modelDir = dir.resolve("model");
        TrainingRun.run(Architecture.LENET5, DatasetId.parse("mnist"), Optional.empty(), 400, 0,
                new TrainConfig(3, 16, "adam", 2e-3, 4, "cosine"), modelDir, false, line -> { });
        String yaml = "seed: " + SEED + "\nlimit: 100\nattacks:\n  - attack: fgsm\n    eps: 0.1\nprivacy:\n"
                + "  - attack: loss\n    members: " + MEMBERS + "\n    nonMembers: train\n"
                + "  - attack: entropy\n    members: " + MEMBERS + "\n    nonMembers: train\n"
                + "  - attack: inversion\n    params:\n      steps: 25\n";
        AuditConfig cfg = AuditConfig.parse(yaml, "privacy-parity.yaml");
        Dataset test = TestSupport.mnistTest(cfg.limit());
        AuditReport report;
        try (Classifier model = Models.load(modelDir, test.sampleShape())) {
            report = AuditRunner.run(model, test, () -> Datasets.load(DatasetId.MNIST, "train", Optional.empty()), false, cfg,
                    "privacy-parity.yaml", dir.resolve("audit"), false, false);
        }
        List<PrivacyRecord> records = report.families().stream().filter(f -> f.family().equals("privacy")).findFirst()
                .orElseThrow().privacy();
        assertEquals(3, records.size());
        for (PrivacyRecord rec : records.subList(0, 2)) {
            Path json = dir.resolve(rec.attack() + ".json");
            CliTest.Run r = CliTest.run("privacy", "--model", modelDir.toString(), "--dataset", "mnist", "--attack",
                    rec.attack(), "--members", String.valueOf(MEMBERS), "--non-members", "train", "--seed",
                    String.valueOf(SEED), "--json", json.toString(), "--quiet");
            assertEquals(0, r.code(), rec.attack() + ": " + r.err());
            JsonNode n = Json.MAPPER.readTree(json.toFile());
            assertEquals(n.get("members").asInt(), rec.members(), rec.attack());
            assertEquals(n.get("nonMembers").asInt(), rec.nonMembers(), rec.attack());
            assertEquals(n.get("auc").asDouble(), rec.auc(), 0, rec.attack());
            assertEquals(n.get("balancedAccuracy").asDouble(), rec.balancedAccuracy(), 0, rec.attack());
            assertEquals(n.get("tprAt01Fpr").asDouble(), rec.tprAt01Fpr(), 0, rec.attack());
            assertEquals(n.get("tprAt1Fpr").asDouble(), rec.tprAt1Fpr(), 0, rec.attack());
            @SuppressWarnings("unchecked")
            Map<String, Object> split = (Map<String, Object>) rec.parameters().get("split");
            JsonNode stored = Json.MAPPER.readTree(Json.toString(split));
            for (String k : List.of("memberIndices", "nonMemberIndices", "nonMemberSplit")) {
                assertEquals(n.get("split").get(k), stored.get(k), rec.attack() + ": split " + k);
            }
            assertTrue(rec.auc() > 0.5, rec.attack() + ": the model leaks a little: AUC " + rec.auc());
        }
        PrivacyRecord inv = records.get(2);
        Path json = dir.resolve("inversion.json");
        CliTest.Run r = CliTest.run("privacy", "--model", modelDir.toString(), "--dataset", "mnist", "--attack", "inversion",
                "--param", "steps=25", "--seed", String.valueOf(SEED), "--json", json.toString(), "--quiet");
        assertEquals(0, r.code(), r.err());
        JsonNode n = Json.MAPPER.readTree(json.toFile());
        double[] confidence = new double[n.get("confidence").size()];
        for (int c = 0; c < confidence.length; c++) {
            confidence[c] = n.get("confidence").get(c).asDouble();
        }
        assertArrayEquals(confidence, inv.confidence(), 0, "MI-Face: the same reconstructions");
        assertEquals(Json.MAPPER.readTree(Json.toString(n.get("parameters"))), Json.MAPPER.readTree(Json.toString(inv.parameters())));
    }
}
