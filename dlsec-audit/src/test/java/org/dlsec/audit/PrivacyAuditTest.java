package org.dlsec.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.dlsec.TestModels;
import org.dlsec.TestSupport;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Json;
import org.dlsec.data.Dataset;
import org.dlsec.data.DatasetId;
import org.dlsec.model.Architecture;
import org.dlsec.model.Classifier;
import org.dlsec.model.Models;
import org.dlsec.report.AuditReport;
import org.dlsec.report.PrivacyRecord;
import org.dlsec.train.TrainConfig;
import org.dlsec.train.TrainingRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The audit's privacy section: membership inference from the model card's record, and MI-Face. */
class PrivacyAuditTest {
    static final String CONFIG = """
            seed: 2
            limit: 200
            attacks:
              - attack: fgsm
                eps: 0.1
            privacy:
              - attack: loss
                members: 200
              - attack: inversion
                params:
                  steps: 40
            """;

    @Test
    void membershipAndInversionOfAnOverfittedModelAreInTheReport(@TempDir Path dir) throws Exception {
        Path modelDir = dir.resolve("model");
        // overfitted on purpose: 300 images, 12 epochs
        TrainingRun.run(Architecture.LENET5, DatasetId.parse("mnist"), Optional.empty(), 300, 0,
                new TrainConfig(12, 16, "adam", 2e-3, 4, "cosine"), modelDir, false, line -> { });
        // its counterpart trained with DP-SGD on the same images (noise 1.1, clip 1)
        Path dpDir = dir.resolve("dp");
        TrainingRun.run(Architecture.LENET5, DatasetId.parse("mnist"), Optional.empty(), 300, 0,
                new TrainConfig(4, 16, "adam", 2e-3, 4, "cosine"), org.dlsec.train.TrainingMethod.STANDARD,
                n -> new org.dlsec.defence.training.DpSgd(new org.dlsec.defence.training.DpSgd.Params(1.1, 1.0, 1e-5), n,
                        Math.min(16, n)), dpDir, false, line -> { });
        AuditConfig cfg = AuditConfig.parse(CONFIG.replace("members: 200\n", "members: 200\n    dpModel: " + dpDir + "\n"),
                "privacy.yaml");
        Dataset test = TestSupport.mnistTest(cfg.limit());
        Path out = dir.resolve("audit");
        AuditReport r;
        try (Classifier model = Models.load(modelDir, test.sampleShape())) {
            r = AuditRunner.run(model, test, () -> TestSupport.mnistTrain(1000), false, cfg, "privacy.yaml", out, false, false);
        }
        AuditReport.Family privacy = r.families().stream().filter(f -> f.family().equals("privacy")).findFirst().orElseThrow();
        assertEquals(3, privacy.privacy().size(), "loss, loss on the DP model, inversion");
        PrivacyRecord loss = privacy.privacy().get(0);
        PrivacyRecord dp = privacy.privacy().get(1);
        assertEquals("loss-dp", dp.id());
        assertEquals("loss", dp.parameters().get("comparedWith"));
        JsonNode dpCard = Json.MAPPER.readTree(dpDir.resolve("dlsec-model.json").toFile());
        assertEquals(dpCard.get("training").get("extra").get("gradientStep").get("epsilon").asDouble(),
                ((Number) dp.parameters().get("dpEpsilon")).doubleValue(), 0);
        assertTrue(dp.auc() < loss.auc(), "DP-SGD lowers the leak: AUC " + dp.auc() + " against " + loss.auc());
        assertTrue(privacy.summary().contains("trained with DP-SGD"), privacy.summary());
        assertEquals("loss", loss.attack());
        assertEquals(200, loss.members());
        assertEquals(200, loss.nonMembers());
        assertTrue(loss.auc() > 0.55, "an overfitted LeNet leaks membership: AUC " + loss.auc());
        assertEquals(loss.auc() >= 0.6 || loss.tprAt1Fpr() >= 0.05 ? "vulnerable" : "resists the configured attacks",
                privacy.verdict());
        assertTrue(loss.roc().size() > 2);
        assertNotNull(loss.parameters().get("split"), "the split is recorded");
        PrivacyRecord inv = privacy.privacy().get(2);
        assertTrue(inv.inversion());
        assertEquals(10, inv.confidence().length);
        assertNotNull(inv.imageGridPng());
        assertTrue(privacy.summary().contains("AUC"), privacy.summary());

        JsonNode json = Json.MAPPER.readTree(out.resolve("report.json").toFile());
        JsonSchema schema;
        try (InputStream in = Files.newInputStream(Path.of("docs/report-schema.json"))) {
            schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
        }
        assertTrue(schema.validate(json).isEmpty(), "report.json does not match the schema: " + schema.validate(json));
        String html = Files.readString(out.resolve("index.html"));
        assertTrue(html.contains("id=\"privacy\""), "the membership table is missing");
        assertTrue(html.contains("alt=\"membership ROC curves\""), "the ROC chart is missing");
        assertTrue(html.contains("alt=\"model inversion reconstructions of inversion\""), "the inversion grid is missing");
        assertTrue(Files.isRegularFile(out.resolve("results/loss.json")));

        // resume: the stored privacy results are reused, figures unchanged
        try (Classifier model = Models.load(modelDir, test.sampleShape())) {
            AuditReport again = AuditRunner.run(model, test, () -> TestSupport.mnistTrain(1000), false, cfg, "privacy.yaml", out,
                    true, false);
            PrivacyRecord l2 = again.families().stream().filter(f -> f.family().equals("privacy")).findFirst().orElseThrow()
                    .privacy().get(0);
            assertEquals(loss.auc(), l2.auc());
            assertEquals(loss.started(), l2.started());
        }
    }

    /**
     * A model without a card (any file a team brings): the attacks that need no shadow models take the whole training
     * split as the members, as dlsec privacy does, and say so; the shadow-model attack, which trains the model's
     * architecture, is listed with the reason.
     */
    @Test
    void membershipWithoutACardAssumesTheTrainingSplitAndSaysSo(@TempDir Path out) {
        AuditConfig cfg = AuditConfig.parse(CONFIG.replace("limit: 200", "limit: 40") + "  - attack: shadow\n    shadows: 2\n",
                "privacy.yaml");
        AuditReport r = AuditRunner.run(TestModels.mnistLenet(), TestSupport.mnistTest(40), () -> TestSupport.mnistTrain(1000),
                false, cfg, "privacy.yaml", out, false, false);
        AuditReport.Family privacy = r.families().stream().filter(f -> f.family().equals("privacy")).findFirst().orElseThrow();
        assertEquals(2, privacy.privacy().size(), "the loss attack and inversion run");
        PrivacyRecord loss = privacy.privacy().get(0);
        assertEquals(Boolean.TRUE, loss.parameters().get("membersAssumed"));
        assertEquals(40, loss.members(), "as many members as audited non-members");
        assertTrue(!privacy.verdict().equals("not evaluated"), privacy.verdict());
        assertTrue(privacy.summary().contains("members assumed") && privacy.summary().contains("trains shadow models"),
                privacy.summary());
    }

    @Test
    void privacyConfigErrorsNameTheKey() {
        DlsecException e = org.junit.jupiter.api.Assertions.assertThrows(DlsecException.class, () -> AuditConfig.parse(
                "attacks:\n  - attack: fgsm\nprivacy:\n  - attack: lira2\n", "bad.yaml"));
        assertTrue(e.getMessage().contains("unknown privacy attack 'lira2'") && e.getMessage().contains("line 4"), e.getMessage());
        e = org.junit.jupiter.api.Assertions.assertThrows(DlsecException.class, () -> AuditConfig.parse(
                "attacks:\n  - attack: fgsm\nprivacy:\n  - attack: inversion\n    members: 10\n", "bad.yaml"));
        assertTrue(e.getMessage().contains("belong to membership inference"), e.getMessage());
        e = org.junit.jupiter.api.Assertions.assertThrows(DlsecException.class, () -> AuditConfig.parse(
                "attacks:\n  - attack: fgsm\nprivacy:\n  - attack: inversion\n    params:\n      normalise: 3\n", "bad.yaml"));
        assertTrue(e.getMessage().contains("normalise"), e.getMessage());
        e = org.junit.jupiter.api.Assertions.assertThrows(DlsecException.class, () -> AuditConfig.parse(
                "attacks:\n  - attack: fgsm\nprivacy:\n  - attack: loss\n    dpModel: /nonexistent\n", "bad.yaml"));
        assertTrue(e.getMessage().contains("dpModel") && e.getMessage().contains("line 5"), e.getMessage());
    }
}
