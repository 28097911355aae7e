package org.dlsec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.dlsec.TestModels;
import org.dlsec.TestSupport;
import org.dlsec.attack.poisoning.PoisoningAttacks;
import org.dlsec.audit.AuditConfig;
import org.dlsec.audit.AuditRunner;
import org.dlsec.core.Json;
import org.dlsec.data.Dataset;
import org.dlsec.report.AuditReport;
import org.dlsec.report.PoisonRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The poisoning family's one registry: every attack {@code dlsec poison} accepts is accepted by the
 * audit configuration under the same parameter names, and the same attack with the same parameters
 * and seed gives the same victims (accuracies, attack success, poisoned samples) in both.
 */
class PoisoningParityTest {
    static final int TRAIN = 300;
    static final int TEST = 100;
    static final long SEED = 5;

    /** Each attack with non-default values of its own parameters, as the command's options and the audit's keys. */
    static final Map<String, Map<String, String>> CASES = Map.of(
            "labelflip", Map.of("rate", "0.2"),
            "noise", Map.of("rate", "0.2", "sigma", "0.3"),
            "badnets", Map.of("rate", "0.1", "target", "2", "triggerSize", "4", "alpha", "0.8"),
            "badnets-all", Map.of("rate", "0.1", "triggerSize", "3"),
            "blend", Map.of("rate", "0.1", "target", "1", "alpha", "0.2", "blendPattern", "square", "blendSize", "6"),
            "stealthy", Map.of("rate", "0.05", "target", "3", "pixels", "30", "amplitude", "0.9"));

    /** Defences on some of the victims: the audit's keys, and the same as the command's options. */
    static final Map<String, List<String>> DEFENCES = Map.of(
            "badnets", List.of("detect: spectral", "retrain: true"),
            "labelflip", List.of("detect: ac"),
            "blend", List.of("detect: strip", "overlays: 20"));
    static final Map<String, List<String>> DEFENCE_ARGS = Map.of(
            "badnets", List.of("--detect", "spectral", "--retrain"),
            "labelflip", List.of("--detect", "ac"),
            "blend", List.of("--detect", "strip", "--overlays", "20"));

    static String kebab(String key) {
        return "--" + key.replaceAll("([A-Z])", "-$1").toLowerCase(java.util.Locale.ROOT);
    }

    @Test
    void everyRegisteredParameterIsAnOptionOfThePoisonCommand() {
        assertEquals(CASES.keySet(), new java.util.HashSet<>(PoisoningAttacks.NAMES), "a case per registered attack");
        CommandLine.Model.CommandSpec spec = new CommandLine(new PoisonCommand()).getCommandSpec();
        for (String name : PoisoningAttacks.NAMES) {
            assertTrue(PoisonCommand.ATTACKS.contains(name), name);
            for (String key : PoisoningAttacks.keys(name)) {
                assertNotNull(spec.findOption(kebab(key)), name + ": the audit key '" + key + "' has no option " + kebab(key));
            }
            assertTrue(PoisoningAttacks.keys(name).containsAll(CASES.get(name).keySet()), name);
        }
    }

    @Test
    void theCommandAndTheAuditGiveTheSameVictims(@TempDir Path dir) throws Exception {
        StringBuilder yaml = new StringBuilder("seed: " + SEED + "\nlimit: " + TEST + "\nattacks:\n  - attack: fgsm\n"
                + "    eps: 0.1\npoisoning:\n");
        for (String name : PoisoningAttacks.NAMES) {
            yaml.append("  - poison: ").append(name).append("\n    trainSamples: ").append(TRAIN)
                    .append("\n    epochs: 1\n    batchSize: 64\n");
            CASES.get(name).forEach((k, v) -> yaml.append("    ").append(k).append(": ").append(v).append('\n'));
            DEFENCES.getOrDefault(name, List.of()).forEach(l -> yaml.append("    ").append(l).append('\n'));
        }
        AuditConfig cfg = AuditConfig.parse(yaml.toString(), "parity.yaml");
        Dataset test = TestSupport.mnistTest(TEST);
        AuditReport report = AuditRunner.run(TestModels.mnistLenet(), test, () -> TestSupport.mnistTrain(TRAIN), true, cfg,
                "parity.yaml", dir.resolve("audit"), false, false);
        List<PoisonRecord> records = report.families().stream().filter(f -> f.family().equals("poisoning"))
                .findFirst().orElseThrow().poisons();
        assertEquals(PoisoningAttacks.NAMES.size(), records.size());
        for (PoisonRecord rec : records) {
            String name = rec.poison();
            List<String> args = new ArrayList<>(List.of("poison", "--dataset", "mnist", "--attack", name, "--epochs", "1",
                    "--batch-size", "64", "--limit", String.valueOf(TRAIN), "--test-limit", String.valueOf(TEST), "--seed",
                    String.valueOf(SEED), "--json", dir.resolve(name + ".json").toString(), "--quiet"));
            CASES.get(name).forEach((k, v) -> args.addAll(List.of(kebab(k), v)));
            args.addAll(DEFENCE_ARGS.getOrDefault(name, List.of()));
            CliTest.Run r = CliTest.run(args.toArray(String[]::new));
            assertEquals(0, r.code(), name + ": " + r.err());
            JsonNode n = Json.MAPPER.readTree(dir.resolve(name + ".json").toFile());
            assertEquals(n.get("cleanModelAccuracy").asDouble(), rec.cleanModelAccuracy(), 0, name);
            assertEquals(n.get("poisonedModelAccuracy").asDouble(), rec.poisonedModelAccuracy(), 0, name);
            assertEquals(n.get("poisonedSamples").asInt(), rec.poisonedSamples(), name);
            assertEquals(n.get("trainSamples").asInt(), rec.trainSamples(), name);
            JsonNode asr = n.get("attackSuccessRate");
            if (asr.isNull()) {
                assertTrue(Double.isNaN(rec.attackSuccessRate()), name);
            } else {
                assertEquals(asr.asDouble(), rec.attackSuccessRate(), 0, name);
            }
            // the same defence, with the same findings
            if (DEFENCES.containsKey(name)) {
                JsonNode a = withoutSeconds(n.get("detection"));
                JsonNode b = withoutSeconds(Json.MAPPER.readTree(Json.toString(rec.detection())));
                assertEquals(a, b, name + ": detection");
            } else {
                assertTrue(rec.detection() == null, name);
            }
            // the same parameters recorded: the trigger, target and sigma as the registry describes them
            JsonNode params = n.get("provenance").get("parameters");
            JsonNode recorded = Json.MAPPER.readTree(Json.toString(rec.parameters()));
            for (String key : List.of("rate", "trigger", "target", "sigma")) {
                assertEquals(params.get(key), recorded.get(key), name + ": " + key);
            }
        }
        PoisonRecord badnets = records.stream().filter(p -> p.poison().equals("badnets")).findFirst().orElseThrow();
        assertTrue(badnets.attackSuccessRate() > badnets.triggerOnCleanModel(), "the backdoor is learned: "
                + badnets.attackSuccessRate() + " vs " + badnets.triggerOnCleanModel());
    }

    /**
     * Clean-label feature collision (Poison Frogs) in the audit: the same extractor, targets, victims and figures as
     * {@code dlsec poison --attack featurecollision} with the same parameters, and a verdict and threat-matrix row
     * of its own.
     */
    @Test
    void featureCollisionGivesTheSameTargetsAndVictimsAsTheCommand(@TempDir Path dir) throws Exception {
        int train = 600;
        long seed = 2;
        AuditConfig cfg = AuditConfig.parse("seed: " + seed + "\nlimit: " + TEST + "\nattacks:\n  - attack: fgsm\n    eps: 0.1\n"
                + "poisoning:\n  - poison: featurecollision\n    id: frogs\n    baseClass: 3\n    targets: 2\n    poisons: 3\n"
                + "    iterations: 20\n    headEpochs: 10\n    trainSamples: " + train + "\n    epochs: 1\n    batchSize: 16\n",
                "frogs.yaml");
        AuditReport report = AuditRunner.run(TestModels.mnistLenet(), TestSupport.mnistTest(TEST),
                () -> TestSupport.mnistTrain(train), true, cfg, "frogs.yaml", dir.resolve("audit"), false, false);
        AuditReport.Family family = report.families().stream().filter(f -> f.family().equals("poisoning")).findFirst()
                .orElseThrow();
        PoisonRecord rec = family.poisons().get(0);
        assertEquals("featurecollision", rec.poison());
        CliTest.Run r = CliTest.run("poison", "--dataset", "mnist", "--attack", "featurecollision", "--base-class", "3",
                "--targets", "2", "--poisons", "3", "--iterations", "20", "--epochs", "1", "--head-epochs", "10",
                "--batch-size", "16", "--limit", String.valueOf(train), "--test-limit", String.valueOf(TEST), "--seed",
                String.valueOf(seed), "--json", dir.resolve("fc.json").toString(), "--quiet");
        assertEquals(0, r.code(), r.err());
        JsonNode n = Json.MAPPER.readTree(dir.resolve("fc.json").toFile());
        assertEquals(n.get("cleanModelAccuracy").asDouble(), rec.cleanModelAccuracy(), 0);
        assertEquals(n.get("poisonedModelAccuracy").asDouble(), rec.poisonedModelAccuracy(), 0);
        assertEquals(n.get("attackSuccessRate").asDouble(), rec.attackSuccessRate(), 0);
        assertEquals(3, rec.poisonedSamples());
        assertEquals(2, rec.triggeredSamples());
        JsonNode recorded = Json.MAPPER.readTree(Json.toString(rec.parameters()));
        assertEquals(n.get("provenance").get("parameters").get("targets"), recorded.get("targets"), "the same targets");
        for (JsonNode t : n.get("targets")) {
            assertTrue(t.get("label").asInt() != 3);
        }
        assertTrue(rec.imageGridPng() != null && !rec.imageGridPng().isEmpty(), "targets, bases and poisons shown");
        assertTrue(family.summary().contains("clean-label poisons per target"), family.summary());
        JsonNode row = null;
        for (JsonNode x : Json.MAPPER.readTree(dir.resolve("audit").resolve("report.json").toFile()).get("threatMatrix")) {
            row = x.get("id").asText().equals("frogs") ? x : row;
        }
        assertNotNull(row, "a threat-matrix row");
        assertEquals("targeted", row.get("goal").asText());
        assertEquals("training", row.get("phase").asText());
        // parse-time checks of the entry
        assertTrue(org.junit.jupiter.api.Assertions.assertThrows(org.dlsec.core.DlsecException.class,
                () -> AuditConfig.parse("attacks:\n  - attack: fgsm\n    eps: 0.1\npoisoning:\n  - poison: featurecollision\n    detect: ac\n", "x.yaml")).getMessage()
                .contains("detect"));
        assertTrue(org.junit.jupiter.api.Assertions.assertThrows(org.dlsec.core.DlsecException.class,
                () -> AuditConfig.parse("attacks:\n  - attack: fgsm\n    eps: 0.1\npoisoning:\n  - poison: featurecollision\n    watermark: 1\n", "x.yaml"))
                .getMessage().contains("watermark"));
    }

    /** {@code node} without its timings (any field named seconds, at any depth). */
    static JsonNode withoutSeconds(JsonNode node) {
        JsonNode copy = node.deepCopy();
        strip(copy);
        return copy;
    }

    private static void strip(JsonNode node) {
        if (node instanceof com.fasterxml.jackson.databind.node.ObjectNode o) {
            o.remove("seconds");
            o.elements().forEachRemaining(PoisoningParityTest::strip);
        } else if (node.isArray()) {
            node.elements().forEachRemaining(PoisoningParityTest::strip);
        }
    }
}
