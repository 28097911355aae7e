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
import org.dlsec.TestSupport;
import org.dlsec.attack.fault.FaultAttacks;
import org.dlsec.audit.AuditConfig;
import org.dlsec.audit.AuditRunner;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Json;
import org.dlsec.model.Classifier;
import org.dlsec.model.Models;
import org.dlsec.report.AuditReport;
import org.dlsec.report.FaultRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The fault family's one registry: the audit's fault keys are options of {@code dlsec fault}, and the same
 * attack with the same parameters and seed on the same PyTorch-exported TorchScript model gives the same
 * accuracies, BFA curve, random-fault distributions and hardware-trojan effect in both.
 */
class FaultParityTest {
    static final int N = 100;
    static final long SEED = 3;

    /** The audit's keys and the command's options that carry them. */
    static final Map<String, String> OPTION = Map.of("flips", "--bits", "counts", "--bits", "attackSamples",
            "--attack-samples", "stopAccuracy", "--stop-accuracy", "candidates", "--candidates", "trials", "--trials",
            "faultType", "--fault", "target", "--trojan-target");

    /** Each audited attack with non-default values, as audit keys and as command options. */
    static final Map<String, List<String[]>> CASES = Map.of(
            "bfa", List.of(new String[] {"flips", "3", "--bits", "3"}, new String[] {"attackSamples", "32", "--attack-samples", "32"},
                    new String[] {"stopAccuracy", "0.05", "--stop-accuracy", "0.05"},
                    new String[] {"candidates", "2", "--candidates", "2"}),
            "random", List.of(new String[] {"counts", "[1, 40]", "--bits", "1,40"}, new String[] {"trials", "2", "--trials", "2"},
                    new String[] {"faultType", "stuck1", "--fault", "stuck1"}),
            "trojan", List.<String[]>of(new String[] {"target", "3", "--trojan-target", "3"}));

    @Test
    void everyAuditKeyIsAnOptionOfTheFaultCommand() {
        CommandLine.Model.CommandSpec spec = new CommandLine(new FaultCommand()).getCommandSpec();
        for (String name : FaultAttacks.NAMES) {
            for (String key : FaultAttacks.keys(name)) {
                assertNotNull(OPTION.get(key), name + ": no option known for '" + key + "'");
                assertNotNull(spec.findOption(OPTION.get(key)), name + ": the key '" + key + "' has no option " + OPTION.get(key));
            }
        }
        for (String name : CASES.keySet()) {
            assertEquals(FaultAttacks.keys(name).size(), CASES.get(name).size(), name + ": a case sets every key");
        }
        // the audit takes the command's validation, at parse time, with the file and line
        DlsecException e = assertThrows(DlsecException.class, () -> AuditConfig.parse(
                "attacks:\n  - attack: fgsm\nfaults:\n  - fault: bfa\n    stopAccuracy: 1.5\n", "f.yaml"));
        assertTrue(e.getMessage().contains("f.yaml") && e.getMessage().contains("stop accuracy"), e.getMessage());
        e = assertThrows(DlsecException.class, () -> AuditConfig.parse(
                "attacks:\n  - attack: fgsm\nfaults:\n  - fault: random\n    candidates: 2\n", "f.yaml"));
        assertTrue(e.getMessage().contains("'candidates' belongs to the BFA"), e.getMessage());
        // and the command refuses what it used to ignore silently
        CliTest.assertUserError(CliTest.run("fault", "--model", TestSupport.fixture("lenet-ts.pt").toString(), "--dataset",
                "mnist", "--mode", "bfa", "--quantize", "none", "--limit", "5"), "--quantize none");
    }

    @Test
    void theCommandAndTheAuditGiveTheSameResults(@TempDir Path dir) throws Exception {
        Path pt = TestSupport.fixture("lenet-ts.pt");
        StringBuilder yaml = new StringBuilder("seed: " + SEED + "\nlimit: " + N + "\nattacks:\n  - attack: fgsm\n"
                + "    eps: 0.1\nfaults:\n");
        for (String name : List.of("bfa", "random", "trojan")) {
            yaml.append("  - fault: ").append(name).append('\n');
            for (String[] c : CASES.get(name)) {
                yaml.append("    ").append(c[0]).append(": ").append(c[1]).append('\n');
            }
        }
        // the same BFA under RADAR's checksum with reloading, as --defence checksum --signature full --recovery reload
        yaml.append("  - fault: bfa\n    id: bfa-guarded\n    guard: checksum\n    signature: full\n    groupSize: 8\n"
                + "    recovery: reload\n");
        for (String[] c : CASES.get("bfa")) {
            yaml.append("    ").append(c[0]).append(": ").append(c[1]).append('\n');
        }
        AuditConfig cfg = AuditConfig.parse(yaml.toString(), "parity.yaml");
        List<FaultRecord> records;
        try (Classifier model = Models.load(pt, new Shape(1, 28, 28))) {
            AuditReport report = AuditRunner.run(model, TestSupport.mnistTest(N), () -> TestSupport.mnistTrain(N), false, cfg,
                    "parity.yaml", dir.resolve("audit"), false, false);
            records = report.families().stream().filter(f -> f.family().equals("fault")).findFirst().orElseThrow().faults();
        }
        assertEquals(4, records.size());
        for (FaultRecord rec : records) {
            String name = rec.fault();
            boolean guarded = rec.id().equals("bfa-guarded");
            Path json = dir.resolve(rec.id() + ".json");
            // the command's --limit cuts the training split too, so its attacker draws from the same N images
            List<String> args = new ArrayList<>(List.of("fault", "--model", pt.toString(), "--dataset", "mnist", "--mode",
                    name, "--limit", String.valueOf(N), "--seed", String.valueOf(SEED), "--json", json.toString(), "--quiet"));
            for (String[] c : CASES.get(name)) {
                args.addAll(List.of(c[2], c[3]));
            }
            if (guarded) {
                args.addAll(List.of("--defence", "checksum", "--signature", "full", "--group-size", "8", "--recovery", "reload"));
            }
            CliTest.Run r = CliTest.run(args.toArray(String[]::new));
            assertEquals(0, r.code(), name + ": " + r.err());
            JsonNode n = Json.MAPPER.readTree(json.toFile());
            // one record: the command writes the audit's fault-run fields, value for value
            JsonNode stored = Json.MAPPER.readTree(Json.toString(rec));
            for (String f : List.of("fault", "parameters", "floatAccuracy", "int8Accuracy", "weightBits", "flips", "accuracy",
                    "minAccuracy", "flipsToStop", "trojan")) {
                assertEquals(stored.get(f), n.get(f), name + ": " + f);
            }
            if (guarded) {
                assertEquals(n.get("defence"), stored.get("defence"), "the checksum's findings");
                assertEquals("reload", rec.defence().get("recovery"));
                continue;
            }
            if (name.equals("trojan")) {
                FaultRecord.Trojan t = rec.trojan();
                assertEquals(3, t.target());
                assertTrue(t.triggeredSamples() > 0 && t.triggerSuccessRate() > 0.5, "the trigger works: " + t);
                assertEquals(0, rec.flips().size());
            } else if (name.equals("bfa")) {
                assertEquals(2, rec.parameters().get("candidatesPerLayer"));
                assertEquals(List.of(0, 1, 2, 3), rec.flips(), "three flips");
                assertEquals(rec.accuracy(), rec.minAccuracy());
                assertEquals(3, n.get("bitFlips").size(), "the command also lists the flips one by one");
                assertEquals(n.get("bitFlips").get(2).get("accuracy").asDouble(), rec.accuracy().get(3), 0);
            } else {
                assertEquals(List.of(1, 40), rec.flips());
                assertEquals("stuck1", rec.parameters().get("faultType"));
                for (int i = 0; i < 2; i++) {
                    assertEquals(n.get("distributions").get(i).get("mean").asDouble(), rec.accuracy().get(i), 0);
                    assertEquals(n.get("distributions").get(i).get("min").asDouble(), rec.minAccuracy().get(i), 0);
                }
            }
        }
    }
}
