package org.dlsec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.dlsec.TestSupport;
import org.dlsec.audit.AuditConfig;
import org.dlsec.audit.AuditRunner;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Json;
import org.dlsec.data.DataSource;
import org.dlsec.data.SourceOptions;
import org.dlsec.model.Classifier;
import org.dlsec.model.Models;
import org.dlsec.report.AuditReport;
import org.dlsec.report.ExtractionRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The extraction family's one registry: every key of the audit's {@code extraction:} entries is an option of
 * {@code dlsec extract}, and the same attack with the same parameters and seed against the same PyTorch-exported
 * TorchScript model gives the same substitute measures (fidelity, accuracies, queries, transfer, curve) in both.
 */
class ExtractionParityTest {
    static final int N = 150;
    static final long SEED = 5;

    /** Each case: audit keys and values, then the command's options and values. */
    static final Map<String, List<String[]>> CASES = Map.of(
            "jacobian", List.of(new String[] {"budget", "400", "--budget", "400"},
                    new String[] {"seedSize", "50", "--seed-size", "50"}, new String[] {"rounds", "2", "--rounds", "2"},
                    new String[] {"lambda", "0.2", "--lambda", "0.2"}, new String[] {"kappa", "80", "--kappa", "80"},
                    new String[] {"epochs", "1", "--epochs", "1"}, new String[] {"testLimit", "90", "--test-limit", "90"},
                    new String[] {"eps", "0.25", "--eps", "0.25"}, new String[] {"transferLimit", "40", "--transfer-limit", "40"}),
            "knockoff", List.of(new String[] {"budget", "300", "--budget", "300"},
                    new String[] {"strategy", "adaptive", "--strategy", "adaptive"},
                    new String[] {"queryData", "train", "--query-data", "mnist"},
                    new String[] {"arch", "mlp", "--arch", "mlp"}, new String[] {"epochs", "2", "--epochs", "2"},
                    new String[] {"lr", "0.002", "--lr", "0.002"}, new String[] {"checkpoints", "[100, 200]", "--checkpoints", "100,200"},
                    new String[] {"testLimit", "100", "--test-limit", "100"}, new String[] {"transferLimit", "0", "--transfer-limit", "0"}));

    @Test
    void everyAuditKeyIsAnOptionOfTheExtractCommand() {
        CommandLine.Model.CommandSpec spec = new CommandLine(new ExtractCommand()).getCommandSpec();
        for (String key : AuditConfig.EXTRACTION_KEYS) {
            if (!key.equals("id")) {
                String option = "--" + key.replaceAll("([A-Z])", "-$1").toLowerCase(java.util.Locale.ROOT);
                assertNotNull(spec.findOption(option), "the audit key '" + key + "' has no option " + option);
            }
        }
        // the audit takes the command's validation, at parse time, with the file and the line
        DlsecException e = assertThrows(DlsecException.class, () -> AuditConfig.parse(
                "attacks:\n  - attack: fgsm\nextraction:\n  - attack: knockoff\n    budget: 10\n    strategy: greedy\n", "x.yaml"));
        assertTrue(e.getMessage().contains("x.yaml line 4") && e.getMessage().contains("invalid strategy"), e.getMessage());
        e = assertThrows(DlsecException.class, () -> AuditConfig.parse(
                "attacks:\n  - attack: fgsm\nextraction:\n  - attack: steal\n    budget: 10\n", "x.yaml"));
        assertTrue(e.getMessage().contains("unknown --attack 'steal'"), e.getMessage());
        e = assertThrows(DlsecException.class, () -> AuditConfig.parse(
                "attacks:\n  - attack: fgsm\nextraction:\n  - attack: jacobian\n    budget: 0\n", "x.yaml"));
        assertTrue(e.getMessage().contains("must be in 1.."), e.getMessage());
        e = assertThrows(DlsecException.class, () -> AuditConfig.parse(
                "attacks:\n  - attack: fgsm\nextraction:\n  - attack: jacobian\n    budget: 10\n    queryData: mnist\n", "x.yaml"));
        assertTrue(e.getMessage().contains("knockoff and copycat only"), e.getMessage());
    }

    @Test
    void theCommandAndTheAuditGiveTheSameSubstitute(@TempDir Path dir) throws Exception {
        Path pt = TestSupport.fixture("lenet-ts.pt");
        StringBuilder yaml = new StringBuilder("seed: " + SEED + "\nlimit: " + N + "\nattacks:\n  - attack: fgsm\n"
                + "    eps: 0.1\nextraction:\n");
        for (String name : List.of("jacobian", "knockoff")) {
            yaml.append("  - attack: ").append(name).append('\n');
            for (String[] c : CASES.get(name)) {
                yaml.append("    ").append(c[0]).append(": ").append(c[1]).append('\n');
            }
        }
        AuditConfig cfg = AuditConfig.parse(yaml.toString(), "parity.yaml");
        AuditReport report;
        try (Classifier model = Models.load(pt, new Shape(1, 28, 28))) {
            report = AuditRunner.run(model, TestSupport.mnistTest(N),
                    () -> DataSource.open("mnist", SourceOptions.of("train", Optional.empty())), false, cfg, "parity.yaml",
                    dir.resolve("audit"), false, false);
        }
        AuditReport.Family family = report.families().stream().filter(f -> f.family().equals("extraction")).findFirst()
                .orElseThrow();
        List<ExtractionRecord> records = family.extraction();
        assertEquals(2, records.size());
        assertTrue(!family.verdict().equals("not evaluated"), family.verdict());
        for (int i = 0; i < 2; i++) {
            String name = List.of("jacobian", "knockoff").get(i);
            ExtractionRecord rec = records.get(i);
            Path json = dir.resolve(name + ".json");
            // the command reads the whole test split: its first seed images and then the first testLimit ones are the
            // audit's first N samples
            List<String> args = new ArrayList<>(List.of("extract", "--target", pt.toString(), "--dataset", "mnist",
                    "--attack", name, "--seed", String.valueOf(SEED), "--json", json.toString()));
            for (String[] c : CASES.get(name)) {
                args.addAll(List.of(c[2], c[3]));
            }
            CliTest.Run r = CliTest.run(args.toArray(String[]::new));
            assertEquals(0, r.code(), name + ": " + r.err());
            JsonNode n = Json.MAPPER.readTree(json.toFile());
            assertEquals(n.get("attack").asText(), rec.attack(), name);
            assertEquals(n.get("testSamples").asInt(), rec.testSamples(), name);
            assertEquals(n.get("queries").asLong(), rec.queries(), name);
            assertEquals(n.get("evaluationQueries").asLong(), rec.evaluationQueries(), name);
            assertEquals(n.get("targetAccuracy").asDouble(), rec.targetAccuracy(), 0, name);
            assertEquals(n.get("substituteAccuracy").asDouble(), rec.substituteAccuracy(), 0, name);
            assertEquals(n.get("fidelity").asDouble(), rec.fidelity(), 0, name);
            assertEquals(n.get("transferSamples").asInt(), rec.transferSamples(), name);
            if (rec.transferSuccess() == null) {
                assertTrue(n.get("transferSuccess").isNull(), name);
            } else {
                assertEquals(n.get("transferSuccess").asDouble(), rec.transferSuccess(), 0, name);
            }
            List<ExtractionRecord.Point> curve = new ArrayList<>();
            n.get("curve").forEach(p -> curve.add(new ExtractionRecord.Point(p.get("queries").asLong(),
                    p.get("fidelity").asDouble(), p.get("substituteAccuracy").asDouble())));
            assertEquals(curve, rec.curve(), name);
            JsonNode params = n.get("parameters");
            JsonNode stored = Json.MAPPER.readTree(Json.toString(rec.parameters())); // as the audit's JSON holds them
            params.fieldNames().forEachRemaining(k -> assertEquals(params.get(k), stored.get(k), name + ": parameter " + k));
        }
        assertEquals(List.of(100L, 200L, 300L), records.get(1).curve().stream().map(ExtractionRecord.Point::queries).toList());
        assertEquals(90, records.get(0).testSamples());
        assertEquals(40, records.get(0).transferSamples());
    }
}
