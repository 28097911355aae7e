package org.dlsec.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.dlsec.TestModels;
import org.dlsec.TestSupport;
import org.dlsec.attack.sidechannel.Countermeasure;
import org.dlsec.attack.sidechannel.LeakageModel;
import org.dlsec.attack.sidechannel.PowerAnalysis;
import org.dlsec.attack.sidechannel.SideChannelVictim;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Json;
import org.dlsec.data.Dataset;
import org.dlsec.model.Classifier;
import org.dlsec.model.Models;
import org.dlsec.report.AuditReport;
import org.dlsec.report.SideChannelRecord;
import org.dlsec.report.ThreatMatrix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue #23: the audit's {@code sidechannel:} section, its family, verdict, metrics, threat-matrix rows and page. */
class SideChannelAuditTest {
    static final String CONFIG = """
            seed: 4
            limit: 20
            attacks:
              - attack: fgsm
                eps: 0.1
            sidechannel:
              - attack: power
                traces: 200
                defence: [none, shuffle]
            gates:
              - sidechannel.power.recovered >= 0.99
              - sidechannel.power-shuffle.recovered <= 0.1
            """;

    static final int TRAIN = 512;

    @Test
    void powerEntriesGiveWhatPowerAnalysisGivesDirectly(@TempDir Path out) throws Exception {
        AuditConfig cfg = AuditConfig.parse(CONFIG, "sc.yaml");
        Dataset d = TestSupport.mnistTest(cfg.limit());
        AuditReport r = AuditRunner.run(TestModels.mnistLenet(), d, () -> TestSupport.mnistTrain(TRAIN), false, cfg,
                "sc.yaml", out, false, false);
        AuditReport.Family f = r.families().get(r.families().size() - 1);
        assertEquals("sidechannel", f.family());
        assertEquals(List.of("power", "power-shuffle"), f.sideChannels().stream().map(SideChannelRecord::id).toList());
        SideChannelRecord clean = f.sideChannels().get(0);
        SideChannelRecord shuffled = f.sideChannels().get(1);

        // the same attack, seed and attacker data run directly: the same figures
        SideChannelVictim victim = new SideChannelVictim(TestModels.mnistLenet(), "test", TestSupport.mnistTrain(TRAIN),
                null, null);
        for (SideChannelRecord rec : f.sideChannels()) {
            Countermeasure c = Countermeasure.parse(rec.defence());
            PowerAnalysis.Result alone = new PowerAnalysis(new PowerAnalysis.Config(200, 1.0, LeakageModel.HAMMING_WEIGHT,
                    c, 1, false, 0, 4)).run(victim, false);
            PowerAnalysis.LayerRecovery first = alone.layers().get(0);
            assertEquals(first.exact(), rec.power().exact(), rec.id());
            assertEquals(alone.firstLayerRecovered(), rec.power().recovered(), 0.0, rec.id());
            assertEquals(first.biasesExact(), rec.power().biasesExact(), rec.id());
            assertEquals(first.disclosureMedian(), rec.power().disclosureMedian(), rec.id());
            assertEquals(first.curve().stream().map(PowerAnalysis.CurvePoint::recovered).toList(),
                    rec.power().curve().stream().map(SideChannelRecord.Point::recovered).toList(), rec.id());
            assertEquals(alone.succeeded(), rec.succeeded(), rec.id());
            assertEquals(alone.implementation(), rec.power().implementation());
        }
        assertEquals(150, clean.power().weights());
        assertTrue(clean.succeeded() && clean.power().recovered() >= 0.99, "the unprotected device leaks: " + clean.power());
        assertTrue(!shuffled.succeeded() && shuffled.power().recovered() <= 0.1, "shuffling stops it: " + shuffled.power());
        assertEquals(TestModels.mnistLenet().info().sha256(), clean.provenance().modelSha256());
        assertEquals(4L, clean.provenance().seed());

        // the verdict: vulnerable, with the countermeasure that stopped the same attack named
        assertEquals("vulnerable", f.verdict());
        assertTrue(f.summary().startsWith("mitigated by power shuffle; power CPA on the simulated int8 device recovers 150"
                + " of 150"), f.summary());
        // threat matrix rows in the hardware phase, metrics with intervals over the layer's weights, gates
        List<ThreatMatrix.Row> rows = r.threatMatrix().stream().filter(x -> x.family().equals("sidechannel")).toList();
        assertEquals(List.of("power", "power-shuffle"), rows.stream().map(ThreatMatrix.Row::id).toList());
        assertTrue(rows.stream().allMatch(x -> x.phase().equals("hardware") && x.knowledge().equals("power traces")
                && x.goal().equals("stealing") && x.metric().equals("recovered")), rows.toString());
        assertEquals("200 traces per layer", rows.get(0).cost());
        org.dlsec.report.Metrics.Metric m = r.metrics().stream().filter(x -> x.path().equals("sidechannel.power.recovered"))
                .findFirst().orElseThrow();
        assertEquals(150, m.samples());
        assertTrue(m.interval() != null && m.interval().contains(m.value()));
        assertEquals(List.of(true, true), r.gates().stream().map(org.dlsec.report.Gate.Result::passed).toList());

        JsonNode json = Json.MAPPER.readTree(out.resolve("report.json").toFile());
        Set<ValidationMessage> errors;
        try (InputStream in = Files.newInputStream(Path.of("docs/report-schema.json"))) {
            errors = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in).validate(json);
        }
        assertTrue(errors.isEmpty(), "report.json does not match docs/report-schema.json: " + errors);
        // a timing record (minutes to run, so made up here) matches the schema too, and a power one may not say timing
        JsonNode family = json.get("families").get(json.get("families").size() - 1);
        ((com.fasterxml.jackson.databind.node.ArrayNode) family.get("sideChannels")).add(Json.MAPPER.valueToTree(
                timingRecord(0.85, 0.2)));
        try (InputStream in = Files.newInputStream(Path.of("docs/report-schema.json"))) {
            com.networknt.schema.JsonSchema schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
                    .getSchema(in);
            errors = schema.validate(json);
            assertTrue(errors.isEmpty(), "a timing record does not match docs/report-schema.json: " + errors);
            ((com.fasterxml.jackson.databind.node.ObjectNode) family.get("sideChannels").get(0)).set("timing",
                    family.get("sideChannels").get(2).get("timing"));
            assertTrue(!schema.validate(json).isEmpty(), "a power record with timing figures must fail the schema");
        }
        String html = Files.readString(out.resolve("index.html"));
        assertTrue(html.contains("<h2>Side channels</h2>") && html.contains("id=\"sidechannel-power\""), "the section");
        assertTrue(html.contains("Side channels (power, timing)"), "the verdict card");
        assertTrue(org.dlsec.report.JUnitXml.of(r).contains("name=\"power-shuffle\""));

        // a timing record on the page, in the threat matrix and the metrics (made up: a real run takes minutes)
        List<AuditReport.Family> families = new java.util.ArrayList<>(r.families());
        List<SideChannelRecord> withTiming = new java.util.ArrayList<>(f.sideChannels());
        withTiming.add(timingRecord(0.85, 0.2));
        families.set(families.size() - 1, new AuditReport.Family(f.family(), f.title(), f.verdict(), f.summary(), List.of(),
                List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), withTiming));
        AuditReport timed = new AuditReport(r.schema(), r.model(), r.dataset(), r.cleanAccuracy(), r.config(), families,
                r.versions(), r.machine(), r.seed(), r.started(), r.finished(), r.gates());
        String page = org.dlsec.report.HtmlReport.render(timed);
        assertTrue(page.contains("id=\"sidechannel-timing\"") && page.contains("19.1"), "the timing table");
        ThreatMatrix.Row row = timed.threatMatrix().get(timed.threatMatrix().size() - 1);
        assertEquals(List.of("timing-constant-time", "hardware", "latencies", "depthAccuracy"), List.of(row.id(), row.phase(),
                row.knowledge(), row.metric()));
        assertEquals("depth right for 20.0% of 20 held-out models (chance 20.0%) against constant-time (undefended 85.0%)",
                row.result());
        assertTrue(timed.metrics().stream().anyMatch(x -> x.path().equals("sidechannel.timing-constant-time.depthAccuracy")
                && x.samples() == 20 && x.interval() != null));

        // resume: the stored records are read back, not rerun, and give the same report
        Path stored = out.resolve("results/power.json");
        long mtime = Files.getLastModifiedTime(stored).toMillis();
        AuditReport again = AuditRunner.run(TestModels.mnistLenet(), d, () -> TestSupport.mnistTrain(TRAIN), false, cfg,
                "sc.yaml", out, true, false);
        assertEquals(mtime, Files.getLastModifiedTime(stored).toMillis(), "a finished side-channel run was rerun");
        // (compared as JSON: a number read back is an Integer where a Long was written)
        assertEquals(Json.toString(f.sideChannels()), Json.toString(again.families().get(again.families().size() - 1)
                .sideChannels()));
    }

    /** A timing record as {@link SideChannelRecord#of} makes it, with constant-time serving and 20 targets. */
    static SideChannelRecord timingRecord(double clean, double defended) {
        java.time.Instant now = java.time.Instant.now();
        return new SideChannelRecord("timing-constant-time", "0".repeat(64), "timing", "constant-time",
                java.util.Map.of("queries", 1000, "seed", 0), defended >= 0.8, null, new SideChannelRecord.Timing(
                        "dlsec serve over loopback HTTP (one prediction thread)", 20, 20, defended, clean, 0.5, 0.2, 20_000,
                        9600, 19.1), org.dlsec.core.Provenance.start("abc", "m", "mnist/train",
                        java.util.Map.of("seed", 0), 0), now, 200);
    }

    /**
     * The timing attack's real path, which the audit takes: candidate models served by {@code dlsec serve} over loopback
     * HTTP, plain and behind constant-time padding, every query counted. What is asserted holds on any machine (counts,
     * the padding's floor); the accuracy is a timing figure and is not asserted (BENCHMARKS.md has it).
     */
    @Test
    void theTimingAttackServesOverLoopbackAndConstantTimeHoldsEveryAnswerToTheBudget() {
        List<org.dlsec.attack.sidechannel.TimingAttack.Candidate> all =
                org.dlsec.attack.sidechannel.TimingAttack.defaultCandidates();
        // the shallowest and deepest MLP and CNN: 4 candidates, 1 profile and 1 target each, 3 timed queries per model
        List<org.dlsec.attack.sidechannel.TimingAttack.Candidate> four = List.of(all.get(0), all.get(9), all.get(10),
                all.get(19));
        org.dlsec.attack.sidechannel.TimingAttack.Config c = new org.dlsec.attack.sidechannel.TimingAttack.Config(four, 1, 1,
                3, 0, new org.dlsec.attack.sidechannel.ServingDefence(Countermeasure.CONSTANT_TIME, 3), 6);
        Dataset d = TestSupport.mnistTest(8);
        org.dlsec.attack.sidechannel.TimingAttack.Result r;
        // the victim gives only the input shape and classes: any image model of MNIST's will do
        try (org.dlsec.model.DjlClassifier any = all.get(0).build(d.sampleShape(), 10, 1)) {
            SideChannelVictim v = new SideChannelVictim(any, "test", d, null, LoopbackServing.deployment(6));
            r = new org.dlsec.attack.sidechannel.TimingAttack(c).run(v, false);
        }
        assertEquals(List.of("clean", "constant-time"), r.trials().stream()
                .map(org.dlsec.attack.sidechannel.TimingAttack.Trial::condition).toList());
        assertEquals(List.of(2, 10), r.clean().depths());
        // 3 rounds (one timed query each), 20 warm-up queries per visit; model and reference alike
        long perModel = 3L * org.dlsec.attack.sidechannel.TimingAttack.WARMUP + 3;
        assertEquals(4 * 2 * perModel, r.profileQueries());
        for (org.dlsec.attack.sidechannel.TimingAttack.Trial t : r.trials()) {
            assertEquals(4, t.predictions().size());
            assertEquals(4 * perModel, t.queries());
            assertEquals(4 * perModel, t.referenceQueries());
        }
        assertEquals(12 * 2 * perModel, r.queries());
        // every padded answer waits for the 3 ms budget at least: the medians and the mean, and so the cost
        for (org.dlsec.attack.sidechannel.TimingAttack.Prediction p : r.defended().predictions()) {
            assertTrue(p.medianMillis() >= 3.0, p.toString());
        }
        assertTrue(r.defended().meanMillis() >= 3.0, "mean " + r.defended().meanMillis());
        assertEquals(r.defended().meanMillis() - r.clean().meanMillis(), r.latencyCostMillis(), 1e-9);
        SideChannelRecord rec = SideChannelRecord.of("timing-constant-time", "0".repeat(64), r, java.time.Instant.now());
        assertEquals(4, rec.timing().candidates());
        assertEquals(4, rec.timing().targets());
        assertEquals(r.queries(), rec.timing().queries());
        assertEquals(r.defended().depthAccuracy(), rec.timing().depthAccuracy(), 0.0);
        assertEquals(r.clean().depthAccuracy(), rec.timing().cleanDepthAccuracy(), 0.0);
        assertTrue(rec.timing().deployment().contains("loopback"), rec.timing().deployment());
    }

    /** The timing attack measures the undefended server beside its countermeasure: both count for the verdict. */
    @Test
    void aTimingRunIsJudgedOnItsUndefendedTrialToo() {
        AuditReport.Family leaky = sideChannelFamily(List.of(timingRecord(0.85, 0.2)));
        assertEquals("vulnerable", leaky.verdict());
        assertTrue(leaky.summary().startsWith("mitigated by timing constant-time; timing against constant-time: the depth"
                + " of 20 held-out served models predicted for 20.0% (chance 20.0%; undefended 85.0%"), leaky.summary());
        AuditReport.Family quiet = sideChannelFamily(List.of(timingRecord(0.5, 0.2)));
        assertEquals("resists the configured attacks", quiet.verdict());
        assertTrue(!quiet.summary().contains("mitigated"), quiet.summary());
        assertEquals("not evaluated", sideChannelFamily(List.of()).verdict());
    }

    private static AuditReport.Family sideChannelFamily(List<SideChannelRecord> records) {
        List<AuditReport.Family> all = Verdicts.families(1, List.of(), List.of(), null, List.of(), null, List.of(), null,
                List.of(), null, List.of(), null, List.of(), null, List.of(), records, null);
        return all.get(all.size() - 1);
    }

    @Test
    void aModelWithoutAnInt8PathIsListedAsNotApplicable(@TempDir Path out) {
        Dataset d = TestSupport.mnistTest(4);
        AuditConfig cfg = AuditConfig.parse("seed: 1\nattacks:\n  - attack: square\n    eps: 0.3\n    maxQueries: 5\n"
                + "sidechannel:\n  - attack: power\n    traces: 20\n    defence: [none, mask]\n", "onnx.yaml");
        try (Classifier onnx = Models.load(TestSupport.fixture("lenet.onnx"), d.sampleShape())) {
            // no training split given: the check needs none, and nothing runs
            AuditReport r = AuditRunner.run(onnx, d, cfg, "onnx.yaml", out, false, false);
            AuditReport.Family f = r.families().get(r.families().size() - 1);
            assertEquals("sidechannel", f.family());
            assertEquals("not evaluated", f.verdict());
            assertTrue(f.sideChannels().isEmpty());
            assertTrue(f.summary().startsWith("power: the model has no int8 path for the power side channel: it is not a"
                    + " DJL network dlsec built"), f.summary());
            assertTrue(r.threatMatrix().stream().noneMatch(x -> x.family().equals("sidechannel")));
            assertTrue(!Files.exists(out.resolve("results/power.json")));
        }
    }

    /** A dlsec VGG (batch norm) has no int8 path: the reason, not a crash; the timing attack needs images only. */
    @Test
    void aVggWithBatchNormHasNoInt8Path() {
        Dataset d = TestSupport.mnistTest(8);
        try (org.dlsec.model.DjlClassifier vgg = Models.create(org.dlsec.model.Architecture.VGG, d.sampleShape(), 10, 1)) {
            String why = SideChannelRuns.unsupported("power", vgg, d);
            assertTrue(why != null && why.startsWith("power: the model has no int8 path for the power side channel: layer"),
                    why);
            assertEquals(null, SideChannelRuns.unsupported("timing", vgg, d));
            assertEquals(null, SideChannelRuns.unsupported("power", TestModels.mnistLenet(), d));
        }
    }

    static DlsecException refuse(String sidechannel) {
        return assertThrows(DlsecException.class, () -> AuditConfig.parse("attacks:\n  - attack: fgsm\nsidechannel:\n"
                + sidechannel, "bad.yaml"));
    }

    @Test
    void badValuesNameTheFileTheLineAndTheKey() {
        DlsecException e = refuse("  - attack: power\n    noise: 0\n");
        assertTrue(e.getMessage().startsWith("bad.yaml line 5: ") && e.getMessage().contains("noise"), e.getMessage());
        e = refuse("  - attack: power\n    traces: 0\n");
        assertTrue(e.getMessage().startsWith("bad.yaml line 5: ") && e.getMessage().contains("traces"), e.getMessage());
        e = refuse("  - attack: power\n    defence: [none, constant-time]\n");
        assertTrue(e.getMessage().contains("line 5") && e.getMessage().contains("constant-time is a timing defence"),
                e.getMessage());
        e = refuse("  - attack: power\n    defence: [shuffle, shuffle]\n");
        assertTrue(e.getMessage().contains("listed twice"), e.getMessage());
        e = refuse("  - attack: timing\n    defence: [constant-time, random-delay]\n");
        assertTrue(e.getMessage().contains("line 5") && e.getMessage().contains("give one of"), e.getMessage());
        e = refuse("  - attack: timing\n    layers: 2\n");
        assertTrue(e.getMessage().contains("line 5") && e.getMessage().contains("'layers' belongs to the power attack"),
                e.getMessage());
        e = refuse("  - attack: acoustic\n");
        assertTrue(e.getMessage().contains("line 4") && e.getMessage().contains("unknown side-channel attack"),
                e.getMessage());
        e = refuse("  - attack: power\n    tracez: 5\n");
        assertTrue(e.getMessage().contains("line 5") && e.getMessage().contains("tracez"), e.getMessage());
        e = refuse("  - attack: power\n  - attack: power\n    defence: [none, mask]\n");
        assertTrue(e.getMessage().contains("duplicate id 'power'"), e.getMessage());
        e = refuse("  - attack: power\n    defence: sparkle\n");
        assertTrue(e.getMessage().contains("line 5") && e.getMessage().contains("unknown side-channel defence"),
                e.getMessage());
        // a gate on a side-channel run that is not configured
        e = assertThrows(DlsecException.class, () -> AuditConfig.parse("attacks:\n  - attack: fgsm\nsidechannel:\n"
                + "  - attack: power\ngates:\n  - sidechannel.power-mask.recovered <= 0.1\n", "gate.yaml"));
        assertTrue(e.getMessage().contains("no sidechannel run 'power-mask'"), e.getMessage());
    }

    @Test
    void theDefaultAuditRunsTheFirstLayerCpaAgainstEachPowerCountermeasureAndNoTiming() {
        List<AuditConfig.SideChannelEntry> e = AuditConfig.defaults().sidechannel();
        assertEquals(List.of("power", "power-shuffle", "power-mask"), e.stream().map(AuditConfig.SideChannelEntry::id)
                .toList());
        assertTrue(e.stream().allMatch(x -> x.attack().equals("power") && x.params().layers() == 1
                && x.params().traces() == 1000 && x.params().sigma() == 1.0));
        AuditConfig timing = AuditConfig.parse("seed: 9\nattacks:\n  - attack: fgsm\nsidechannel:\n  - attack: timing\n"
                + "    defence: constant-time\n    budget: 20\n", "t.yaml");
        AuditConfig.SideChannelEntry t = timing.sidechannel().get(0);
        assertEquals("timing-constant-time", t.id());
        assertEquals(1000, t.params().traces());
        assertEquals(20.0, t.params().budgetMillis());
        assertEquals(9L, t.params().seed());
        assertEquals("timing", org.dlsec.attack.sidechannel.SideChannelAttacks.create(t.attack(), t.params()).name());
    }
}
