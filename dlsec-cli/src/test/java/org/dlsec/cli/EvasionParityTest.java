package org.dlsec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.dlsec.TestSupport;
import org.dlsec.audit.AuditConfig;
import org.dlsec.audit.AuditRunner;
import org.dlsec.core.Json;
import org.dlsec.model.Classifier;
import org.dlsec.model.Models;
import org.dlsec.report.AttackRecord;
import org.dlsec.report.AuditReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The evasion family's parity: an audit entry and {@code dlsec attack} with the same attack, budgets and parameters
 * give the same per-sample results (adversarial prediction, success, failure, L0/L2/L∞, queries, gradient calls)
 * and the same summary per budget, on the PyTorch-exported TorchScript fixture: untargeted and targeted, L∞ and
 * L2, gradient, score-based and minimal-perturbation attacks, and a universal perturbation (fitted on the training
 * split by both).
 */
class EvasionParityTest {
    static final int N = 40;
    static final long SEED = 6;

    /** id, the audit entry's lines, the command's options. */
    static final List<String[]> CASES = List.of(
            new String[] {"fgsm", "attack: fgsm\n    eps: [0.1, 0.3]", "--attack fgsm --eps 0.1,0.3"},
            new String[] {"pgd-t", "attack: pgd\n    eps: 0.2\n    steps: 10\n    restarts: 2\n    targeted: true",
                "--attack pgd --eps 0.2 --steps 10 --restarts 2 --targeted"},
            new String[] {"pgd-l2", "attack: pgd\n    norm: l2\n    eps: 1.5\n    steps: 10\n    stepSize: 0.3",
                "--attack pgd --norm l2 --eps 1.5 --steps 10 --step-size 0.3"},
            new String[] {"square", "attack: square\n    eps: 0.2\n    maxQueries: 100", "--attack square --eps 0.2 --max-queries 100"},
            new String[] {"deepfool", "attack: deepfool\n    steps: 20", "--attack deepfool --steps 20"},
            new String[] {"cw", "attack: cw\n    steps: 30\n    params:\n      binary-steps: 2", "--attack cw --steps 30 --param binary-steps=2"},
            new String[] {"uap", "attack: uap\n    eps: 0.25\n    params:\n      fit: 30\n      passes: 1\n      deepfool-steps: 10\n"
                + "      candidates: 3", "--attack uap --eps 0.25 --param fit=30 --param passes=1 --param deepfool-steps=10"
                + " --param candidates=3"});

    @Test
    void theCommandAndTheAuditGiveTheSamePerSampleResults(@TempDir Path dir) throws Exception {
        Path pt = TestSupport.fixture("lenet-ts.pt");
        StringBuilder yaml = new StringBuilder("seed: " + SEED + "\nlimit: " + N + "\nbatchSize: 16\nattacks:\n");
        for (String[] c : CASES) {
            yaml.append("  - id: ").append(c[0]).append("\n    ").append(c[1]).append('\n');
        }
        AuditConfig cfg = AuditConfig.parse(yaml.toString(), "evasion-parity.yaml");
        AuditReport report;
        try (Classifier model = Models.load(pt, new Shape(1, 28, 28))) {
            // the universal perturbation is fitted on the training split, as the command fits it
            report = AuditRunner.run(model, TestSupport.mnistTest(N),
                    () -> org.dlsec.data.Datasets.load(org.dlsec.data.DatasetId.MNIST, "train", java.util.Optional.empty()), false,
                    cfg, "evasion-parity.yaml", dir.resolve("audit"), false, false);
        }
        List<AttackRecord> records = report.families().get(0).attacks();
        assertEquals(CASES.size(), records.size());
        for (int i = 0; i < CASES.size(); i++) {
            String[] c = CASES.get(i);
            AttackRecord rec = records.get(i);
            assertEquals(c[0], rec.id());
            Path json = dir.resolve(c[0] + ".json");
            List<String> args = new ArrayList<>(List.of("attack", "--model", pt.toString(), "--dataset", "mnist", "--limit",
                    String.valueOf(N), "--seed", String.valueOf(SEED), "--batch-size", "16", "--json", json.toString(),
                    "--quiet"));
            args.addAll(List.of(c[2].split(" ")));
            CliTest.Run r = CliTest.run(args.toArray(String[]::new));
            assertEquals(0, r.code(), c[0] + ": " + r.err());
            JsonNode n = Json.MAPPER.readTree(json.toFile());
            JsonNode stored = Json.MAPPER.readTree(Json.toString(rec.samples()));
            for (String field : List.of("index", "label", "target", "cleanPrediction", "adversarialPrediction", "success",
                    "failed", "l0", "l2", "linf", "queries", "gradients")) {
                assertEquals(n.get("perSample").get(field), stored.get(field), c[0] + ": per-sample " + field);
            }
            List<JsonNode> points = new ArrayList<>();
            if (n.has("curve")) {
                n.get("curve").forEach(points::add);
            } else {
                points.add(n);
            }
            assertEquals(rec.points().size(), points.size(), c[0] + ": one summary per budget");
            for (int b = 0; b < points.size(); b++) {
                JsonNode p = points.get(b);
                var s = rec.points().get(b);
                for (Map.Entry<String, Double> e : Map.of("robustAccuracy", s.robustAccuracy(), "successRate", s.successRate(),
                        "meanL2", s.meanL2(), "meanQueries", s.meanQueries()).entrySet()) {
                    double v = p.get(e.getKey()).asDouble();
                    assertTrue(v == e.getValue() || Double.isNaN(v) && Double.isNaN(e.getValue()),
                            c[0] + " budget " + b + ": " + e.getKey() + " " + v + " vs " + e.getValue());
                }
            }
        }
        assertTrue(records.get(1).samples().target()[0] >= 0, "the targeted case has targets");
    }
}
