package org.dlsec.audit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
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
import org.dlsec.attack.evasion.AttackResult;
import org.dlsec.attack.evasion.AttackSpec;
import org.dlsec.attack.evasion.EvasionAttacks;
import org.dlsec.attack.evasion.EvasionRunner;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Json;
import org.dlsec.data.Dataset;
import org.dlsec.model.Classifier;
import org.dlsec.report.AttackRecord;
import org.dlsec.report.AuditReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditTest {
    static final String CONFIG = """
            seed: 3
            limit: 60
            batchSize: 30
            attacks:
              - attack: fgsm
                eps: 0.2
              - attack: pgd
                eps: [0, 0.1, 0.3]
                steps: 10
              - attack: pgd
                id: pgd-l2
                norm: l2
                eps: 1.5
                steps: 10
            faults:
              - fault: bfa
                flips: 4
                attackSamples: 64
              - fault: random
                counts: [1, 100]
                trials: 2
              - fault: trojan
                target: 1
              - fault: bfa
                id: bfa-checksum
                flips: 4
                attackSamples: 64
                guard: checksum
              - fault: random
                id: random-act
                on: activations
                counts: [50]
                trials: 2
                guard: range
            poisoning:
              - poison: badnets
                rate: 0.1
                trainSamples: 1000
                epochs: 1
                detect: spectral
                retrain: true
              - poison: labelflip
                rate: 0.3
                trainSamples: 1000
                epochs: 1
            extraction:
              - attack: knockoff
                budget: 200
                epochs: 1
                checkpoints: [100]
                transferLimit: 30
            scan:
              - detect: [strip, cleanse]
                steps: 15
                overlays: 20
            certification:
              - sigma: 0.25
                n0: 10
                n: 60
                radii: [0, 0.25]
                limit: 10
            masking:
              - squareQueries: 20
                limit: 10
            gates:
              - evasion.fgsm.robustAccuracy <= 1
              - fault.bfa.accuracy@4 >= 0.99
              - extraction.knockoff.fidelity.lower >= 0
              - scan.cleanse-strip.backdoored == false
              - certification.smoothing.certifiedAccuracy@0.25.upper <= 1
              - evasion.masking.masked == false
            """;

    static AuditReport runSmall(Path out) {
        AuditConfig cfg = AuditConfig.parse(CONFIG, "test.yaml");
        Dataset d = TestSupport.mnistTest(cfg.limit());
        return AuditRunner.run(TestModels.mnistLenet(), d, () -> TestSupport.mnistTrain(1000), true, cfg, "test.yaml", out,
                false, false);
    }

    @Test
    void writesAValidReportCsvAndPage(@TempDir Path out) throws Exception {
        AuditReport r = runSmall(out);
        assertEquals("vulnerable", r.families().get(0).verdict());
        assertEquals(3, r.families().get(0).attacks().size());
        assertEquals(8, r.families().size());
        assertEquals("not evaluated", r.families().get(7).verdict(), "no side-channel entry configured");
        AuditReport.Family fault = r.families().get(1);
        assertEquals("fault", fault.family());
        assertEquals(5, fault.faults().size());
        // the integrity guards: RADAR's checksum over the BFA's flips, the range guard over activation faults
        org.dlsec.report.FaultRecord guarded = fault.faults().get(3);
        assertEquals("checksum", guarded.defence().get("defence"));
        assertEquals(bfaOf(fault).flips(), guarded.flips(), "the same attack under the guard");
        assertTrue(((Number) guarded.defence().get("detectionRate")).doubleValue() > 0.5, guarded.defence().toString());
        assertTrue(fault.summary().contains("checksum detects"), fault.summary());
        org.dlsec.report.FaultRecord act = fault.faults().get(4);
        assertEquals("activations", act.target());
        assertEquals("range", act.defence().get("defence"));
        assertTrue(r.metrics().stream().anyMatch(m -> m.path().equals("fault.bfa-checksum.accuracyAfterRecovery")
                && m.samples() == 60));
        org.dlsec.report.FaultRecord.Trojan trojan = fault.faults().get(2).trojan();
        assertEquals(1, trojan.target());
        assertTrue(trojan.triggerSuccessRate() > 0.5 && trojan.changedCleanPredictions() == 0, "the trojan: " + trojan);
        assertTrue(fault.summary().contains("hardware trojan forces class 1"), fault.summary());
        org.dlsec.report.FaultRecord bfa = fault.faults().get(0);
        assertEquals(List.of(0, 1, 2, 3, 4), bfa.flips());
        assertTrue(bfa.accuracy().get(4) < bfa.int8Accuracy(), "four BFA flips lower the accuracy: " + bfa.accuracy());
        assertEquals(List.of(1, 100), fault.faults().get(1).flips());
        assertTrue(fault.summary().contains("Bit-Flip Attack"), fault.summary());
        AuditReport.Family poisoning = r.families().get(2);
        assertEquals("poisoning", poisoning.family());
        assertEquals(2, poisoning.poisons().size());
        org.dlsec.report.PoisonRecord bd = poisoning.poisons().get(0);
        assertEquals(100, bd.poisonedSamples());
        assertTrue(bd.attackSuccessRate() > bd.triggerOnCleanModel(), "the backdoor fires more than the bare trigger: "
                + bd.attackSuccessRate() + " vs " + bd.triggerOnCleanModel());
        assertTrue(Double.isNaN(poisoning.poisons().get(1).attackSuccessRate()));
        // the defence of dlsec poison --detect spectral --retrain on the same victim
        assertEquals("spectral", bd.detection().get("detector"));
        assertTrue(bd.detectionFigure("retrained", "attackSuccessRate") != null, bd.detection().toString());
        assertTrue(poisoning.summary().contains("spectral flags"), poisoning.summary());
        assertTrue(r.metrics().stream().anyMatch(m -> m.path().equals("poisoning.badnets.detectionTpr") && m.samples() == 100));
        AuditReport.Family extraction = r.families().get(3);
        assertEquals("extraction", extraction.family());
        assertEquals(1, extraction.extraction().size());
        org.dlsec.report.ExtractionRecord steal = extraction.extraction().get(0);
        assertEquals(200, steal.queries());
        assertEquals(60, steal.testSamples());
        assertEquals(List.of(100L, 200L), steal.curve().stream().map(org.dlsec.report.ExtractionRecord.Point::queries).toList());
        assertTrue(!extraction.verdict().equals("not evaluated") && extraction.summary().contains("knockoff-random"),
                extraction.summary());

        // #21: the backdoor scan of the audited model, on the audited images
        AuditReport.Family scan = r.families().get(5);
        assertEquals("scan", scan.family());
        assertEquals(1, scan.scans().size());
        org.dlsec.report.ScanRecord sr = scan.scans().get(0);
        assertEquals("cleanse+strip", sr.detect());
        assertEquals(10, sr.classes().size());
        assertEquals(15, sr.parameters().get("steps"));
        assertTrue(sr.imageGridPng() != null && sr.strip() != null, "reversed triggers and STRIP");
        assertEquals(20, sr.strip().heldOutClean(), "STRIP holds out a third of the 60 audited images");
        assertEquals(20, sr.strip().overlays());
        assertEquals(sr.backdoored() ? "vulnerable" : "resists the configured attacks", scan.verdict());
        assertTrue(scan.summary().contains("Neural Cleanse") && scan.summary().contains("STRIP"), scan.summary());
        org.dlsec.report.Metrics.Metric flag = r.metrics().stream().filter(m -> m.path().equals("scan.cleanse-strip.backdoored"))
                .findFirst().orElseThrow();
        assertEquals(sr.backdoored() ? 1.0 : 0.0, flag.value());
        assertTrue(r.metrics().stream().anyMatch(m -> m.path().equals("scan.cleanse-strip.stripFrr") && m.samples() == 20
                && m.interval() != null));

        // #21: gates checked after the audit (the runner does not stop on a failed one; the CLI exits with 3)
        // #21: certification and the gradient-masking checks
        AuditReport.Family cert = r.families().get(6);
        assertEquals("certification", cert.family());
        org.dlsec.report.CertificationRecord cr = cert.certifications().get(0);
        assertEquals(10, cr.samples());
        assertEquals(List.of(0.0, 0.25), cr.radii());
        assertTrue(cr.certifiedAccuracy().get(1) <= cr.certifiedAccuracy().get(0), "certified accuracy falls with the radius");
        assertEquals(cr.certifiedAccuracy().get(1) > 0 ? "certified" : "not certified", cert.verdict());
        assertTrue(r.metrics().stream().anyMatch(m -> m.path().equals("certification.smoothing.certifiedAccuracy@0.25")
                && m.samples() == 10 && m.interval() != null));
        org.dlsec.report.MaskingRecord mr = r.families().get(0).maskingChecks().get(0);
        assertEquals(3, mr.checks().size());
        assertEquals(10, mr.samples());
        assertEquals(mr.checks().stream().anyMatch(org.dlsec.report.MaskingRecord.Check::flagged), mr.masked());
        // an undefended LeNet does not mask its gradients: the unbounded attack reaches 0%
        assertTrue(!mr.checks().get(2).flagged(), mr.checks().get(2).toString());
        assertTrue(r.families().get(0).summary().contains("gradient masking"), r.families().get(0).summary());

        assertEquals(List.of(true, false, true, !sr.backdoored(), true, !mr.masked()),
                r.gates().stream().map(org.dlsec.report.Gate.Result::passed).toList());
        assertEquals(sr.backdoored() ? 1.0 : 0.0, r.gates().get(3).actual(), "true and false gate as 1 and 0");
        assertEquals("extraction.knockoff.fidelity.lower >= 0", r.gates().get(2).gate(), "the gate as written");
        assertTrue(r.gates().get(1).message().startsWith("accuracy@4 is "), r.gates().get(1).message());
        // the threat matrix: one row per run, on the surveys' axes
        List<org.dlsec.report.ThreatMatrix.Row> matrix = r.threatMatrix();
        assertEquals(List.of("fgsm", "pgd", "pgd-l2", "masking", "bfa", "random", "trojan", "bfa-checksum", "random-act",
                "badnets", "labelflip", "extract-knockoff", "cleanse-strip", "smoothing"),
                matrix.stream().map(org.dlsec.report.ThreatMatrix.Row::id).toList());
        assertEquals(List.of("inference", "inference", "inference", "inference", "hardware", "hardware", "hardware", "hardware",
                "hardware", "training", "training", "inference", "training", "inference"),
                matrix.stream().map(org.dlsec.report.ThreatMatrix.Row::phase).toList());
        assertEquals(List.of("white box", "white box", "white box", "white box", "white box", "none", "white box",
                "white box", "none", "training data", "training data", "scores", "white box", "white box"),
                matrix.stream().map(org.dlsec.report.ThreatMatrix.Row::knowledge).toList());
        assertEquals(List.of("untargeted", "untargeted", "untargeted", "masking check", "degradation", "degradation",
                "backdoor", "degradation", "degradation", "backdoor", "degradation", "stealing", "backdoor detection",
                "certification"), matrix.stream().map(org.dlsec.report.ThreatMatrix.Row::goal).toList());
        assertEquals("anomalyIndex", matrix.get(12).metric());
        assertEquals("certifiedAccuracy", matrix.get(13).metric());
        assertEquals("50 activation bit faults", matrix.get(8).cost());
        assertEquals("4 of " + String.format(java.util.Locale.ROOT, "%,d", bfa.weightBits()) + " weight bits",
                matrix.get(4).cost());
        assertEquals("10.0% of the training set (100 of 1,000)", matrix.get(9).cost());
        // every rate with its interval; a backdoor's success counted on the triggered images
        org.dlsec.report.Metrics.Metric asr = r.metrics().stream()
                .filter(m -> m.id().equals("badnets") && m.name().equals("attackSuccessRate")).findFirst().orElseThrow();
        assertEquals(bd.triggeredSamples(), asr.samples());
        assertTrue(bd.triggeredSamples() > 40 && bd.triggeredSamples() < 60, "non-target images of 60: " + bd.triggeredSamples());
        assertTrue(asr.interval().contains(asr.value()));
        assertTrue(r.metrics().stream().filter(m -> m.family().equals("evasion") && m.name().startsWith("robustAccuracy"))
                .allMatch(m -> m.interval() != null && m.samples() == 60));

        JsonNode json = Json.MAPPER.readTree(out.resolve("report.json").toFile());
        JsonSchema schema;
        try (InputStream in = Files.newInputStream(Path.of("docs/report-schema.json"))) {
            schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
        }
        Set<ValidationMessage> errors = schema.validate(json);
        assertTrue(errors.isEmpty(), "report.json does not match docs/report-schema.json: " + errors);
        // the schema is not vacuous: a broken report fails it
        ((com.fasterxml.jackson.databind.node.ObjectNode) json).put("cleanAccuracy", 1.5);
        assertTrue(!schema.validate(json).isEmpty());

        List<String> csv = Files.readAllLines(out.resolve("samples.csv"));
        assertEquals(61, csv.size());
        assertTrue(csv.get(0).startsWith("index,label,cleanPrediction,fgsm:adversarialPrediction,fgsm:success"));
        assertEquals(3 + 3 * 6, csv.get(0).split(",").length);
        assertEquals(csv.get(0).split(",").length, csv.get(60).split(",").length);

        String html = Files.readString(out.resolve("index.html"));
        assertTrue(html.contains("id=\"comparison\"") && html.contains("data:image/png;base64,"));
        assertTrue(html.indexOf("id=\"threat-matrix\"") < html.indexOf("<h2>Verdict</h2>"), "the threat matrix comes first");
        assertTrue(html.contains("id=\"gates\"") && html.contains("<td>FAIL</td>"), "the gates table");
        assertTrue(html.contains("<span class=\"ci\""), "intervals on the page");
        org.dlsec.report.JUnitXml.of(r).lines().filter(l -> l.contains("<failure")).findFirst().orElseThrow();
        assertTrue(html.contains("id=\"faults\""), "the fault table is missing");
        assertTrue(html.contains("id=\"poisoning\""), "the poisoning table is missing");
        assertTrue(html.contains("alt=\"backdoor trigger examples of badnets\""), "the trigger grid is missing");
        assertTrue(html.contains("<h2>Backdoor scan</h2>") && html.contains("id=\"scan-cleanse-strip\"")
                && html.contains("alt=\"reversed triggers of cleanse-strip\""), "the scan section is missing");
        assertTrue(html.contains("id=\"certification-smoothing\"") && html.contains("id=\"masking-checks\""),
                "the certification and masking sections are missing");
        assertTrue(!html.contains("http://") && !html.contains("https://"), "the page must not load anything");
        for (String id : new String[] {"fgsm", "pgd", "pgd-l2"}) {
            assertTrue(Files.isRegularFile(out.resolve("results/" + id + ".json")));
        }
    }

    private static org.dlsec.report.FaultRecord bfaOf(AuditReport.Family fault) {
        return fault.faults().get(0);
    }

    @Test
    void numbersEqualAStandaloneAttackRunWithTheSameSeed(@TempDir Path out) {
        AuditReport r = runSmall(out);
        AttackRecord pgd = r.families().get(0).attacks().get(1);
        Classifier model = TestModels.mnistLenet();
        Dataset d = TestSupport.mnistTest(60);
        AttackSpec spec = new AttackSpec("pgd", 0.3, org.dlsec.attack.evasion.Norm.LINF, 10, null, null, false, null, 3,
                java.util.Map.of());
        AttackResult alone = EvasionRunner.run(EvasionAttacks.create(spec), model, d, null, 250, false);
        assertEquals(alone.summary().robustAccuracy(), pgd.last().robustAccuracy(), 0.0);
        assertEquals(alone.summary().meanL2(), pgd.last().meanL2(), 0.0);
        assertArrayEquals(alone.adversarialPredictions(), pgd.samples().adversarialPrediction());
        assertArrayEquals(alone.l2(), pgd.samples().l2());
        // the certification equals dlsec certify's on the same first samples with the same seed
        org.dlsec.report.CertificationRecord cert = r.families().get(6).certifications().get(0);
        org.dlsec.defence.certification.Certification.Result c = org.dlsec.defence.certification.Certification.run(
                new org.dlsec.defence.certification.RandomizedSmoothing(model,
                        new org.dlsec.defence.certification.RandomizedSmoothing.Params(0.25, 10, 60, 0.001, 500, 3)),
                TestSupport.mnistTest(10), new double[] {0, 0.25}, false);
        assertEquals(List.of(c.certifiedAccuracy()[0], c.certifiedAccuracy()[1]), cert.certifiedAccuracy());
        assertEquals(c.abstentions(), cert.abstentions());
    }

    @Test
    void resumeReusesFinishedAttacksAndGivesTheSameReport(@TempDir Path out) throws Exception {
        AuditReport first = runSmall(out);
        Path stored = out.resolve("results/pgd.json");
        long mtime = Files.getLastModifiedTime(stored).toMillis();
        Files.delete(out.resolve("results/pgd-l2.json"));
        AuditConfig cfg = AuditConfig.parse(CONFIG, "test.yaml");
        Path bfa = out.resolve("results/bfa.json");
        long bfaTime = Files.getLastModifiedTime(bfa).toMillis();
        Path scanFile = out.resolve("results/cleanse-strip.json");
        long scanTime = Files.getLastModifiedTime(scanFile).toMillis();
        AuditReport again = AuditRunner.run(TestModels.mnistLenet(), TestSupport.mnistTest(60), () -> TestSupport.mnistTrain(1000),
                true, cfg, "test.yaml", out, true, false);
        assertEquals(bfaTime, Files.getLastModifiedTime(bfa).toMillis(), "a finished fault experiment was rerun");
        assertEquals(mtime, Files.getLastModifiedTime(stored).toMillis(), "a finished attack was rerun");
        assertTrue(Files.isRegularFile(out.resolve("results/pgd-l2.json")), "the missing attack was not run");
        assertEquals(scanTime, Files.getLastModifiedTime(scanFile).toMillis(), "a finished scan was rerun");
        JsonNode a = ReportComparison.withoutTimings(first);
        JsonNode b = ReportComparison.withoutTimings(again);
        assertEquals(null, ReportComparison.firstDifference(a, b, ""), "resumed report differs");
    }

    @Test
    void configErrorsNameTheKeyAndTheLine() {
        DlsecException e = assertThrows(DlsecException.class,
                () -> AuditConfig.parse("seed: 1\nattacks:\n  - attack: pgd\n    eps: -0.3\n", "a.yaml"));
        assertTrue(e.getMessage().contains("a.yaml line 4") && e.getMessage().contains("eps"), e.getMessage());
        e = assertThrows(DlsecException.class, () -> AuditConfig.parse("attacks:\n  - attack: pgd\n    stepz: 3\n", "b.yaml"));
        assertTrue(e.getMessage().contains("line 3") && e.getMessage().contains("stepz"), e.getMessage());
        e = assertThrows(DlsecException.class, () -> AuditConfig.parse("attacks:\n  - attack: nope\n", "c.yaml"));
        assertTrue(e.getMessage().contains("line 2") && e.getMessage().contains("unknown attack"), e.getMessage());
        e = assertThrows(DlsecException.class, () -> AuditConfig.parse("limit: [1, 2]\nattacks:\n  - attack: pgd\n", "d.yaml"));
        assertTrue(e.getMessage().contains("line 1") && e.getMessage().contains("limit"), e.getMessage());
        e = assertThrows(DlsecException.class, () -> AuditConfig.parse(
                "attacks:\n  - attack: pgd\nfaults:\n  - fault: bfa\n    trials: 3\n", "h.yaml"));
        assertTrue(e.getMessage().contains("line 4") && e.getMessage().contains("trials"), e.getMessage());
        e = assertThrows(DlsecException.class, () -> AuditConfig.parse(
                "attacks:\n  - attack: pgd\nfaults:\n  - fault: rowhammer\n", "i.yaml"));
        assertTrue(e.getMessage().contains("line 4") && e.getMessage().contains("unknown fault"), e.getMessage());
        e = assertThrows(DlsecException.class, () -> AuditConfig.parse(
                "attacks:\n  - attack: pgd\nscan:\n  - detect: cleanse\n    overlays: 10\n", "j.yaml"));
        assertTrue(e.getMessage().contains("line 5") && e.getMessage().contains("belongs to STRIP"), e.getMessage());
        e = assertThrows(DlsecException.class, () -> AuditConfig.parse(
                "attacks:\n  - attack: pgd\nscan:\n  - detect: [cleanse, activation]\n", "k.yaml"));
        assertTrue(e.getMessage().contains("line 4") && e.getMessage().contains("unknown detector"), e.getMessage());
        e = assertThrows(DlsecException.class, () -> AuditConfig.parse(
                "attacks:\n  - attack: pgd\nscan:\n  - detect: cleanse\n    steps: 0\n", "l.yaml"));
        assertTrue(e.getMessage().contains("line 5") && e.getMessage().contains("steps"), e.getMessage());
        e = assertThrows(DlsecException.class, () -> AuditConfig.parse("attacks: [\n", "e.yaml"));
        assertTrue(e.getMessage().contains("e.yaml") && e.getMessage().contains("invalid YAML"), e.getMessage());
        assertThrows(DlsecException.class, () -> AuditConfig.parse("seed: 1\n", "f.yaml"));
        assertThrows(DlsecException.class, () -> AuditConfig.parse(
                "attacks:\n  - attack: pgd\n  - attack: pgd\n", "g.yaml"));
    }

    @Test
    void theBundledDefaultParses() {
        AuditConfig cfg = AuditConfig.defaults();
        assertTrue(cfg.attacks().size() >= 3);
        for (AuditConfig.Entry e : cfg.attacks()) {
            assertTrue(EvasionAttacks.NAMES.contains(e.spec().name()));
            EvasionAttacks.create(e.spec());
        }
    }
}
