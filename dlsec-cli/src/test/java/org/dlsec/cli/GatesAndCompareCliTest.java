package org.dlsec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.maven.plugin.surefire.log.api.NullConsoleLogger;
import org.apache.maven.plugins.surefire.report.ReportTestCase;
import org.apache.maven.plugins.surefire.report.ReportTestSuite;
import org.apache.maven.plugins.surefire.report.TestSuiteXmlParser;
import org.dlsec.TestSupport;
import org.dlsec.core.Json;
import org.dlsec.report.Comparison;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #21: gates for CI pipelines (exit 3 and one line per failed gate; report.junit.xml as CI servers read it) and
 * {@code dlsec compare} of two audits, on the PyTorch-exported TorchScript LeNet.
 */
class GatesAndCompareCliTest {
    static final String PT = TestSupport.fixture("lenet-ts.pt").toString();

    static String config(double eps, String... gates) {
        StringBuilder b = new StringBuilder("seed: 2\nlimit: 60\nbatchSize: 60\nattacks:\n  - attack: fgsm\n    eps: "
                + eps + "\n  - attack: pgd\n    eps: [0.05, " + eps + "]\n    steps: 10\n    stepSize: 0.02\n");
        if (gates.length > 0) {
            b.append("gates:\n");
            for (String g : gates) {
                b.append("  - \"").append(g).append("\"\n");
            }
        }
        return b.toString();
    }

    record Audit(int code, String stdout, String stderr) {}

    static Audit audit(Path dir, String name, String config) throws Exception {
        return audit(PT, dir, name, config);
    }

    /** {@code dlsec audit} of {@code model} on MNIST's test split with {@code config}, its exit code and output. */
    static Audit audit(String model, Path dir, String name, String config) throws Exception {
        Path cfg = dir.resolve(name + ".yaml");
        Files.writeString(cfg, config);
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            code = CliTest.run("audit", "--model", model, "--dataset", "mnist", "--config", cfg.toString(), "--out",
                    dir.resolve(name).toString(), "--quiet").code();
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        return new Audit(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aFailedGateExitsWith3AndTheJUnitXmlSaysWhich(@TempDir Path dir) throws Exception {
        Audit a = audit(dir, "gated", config(0.3,
                "evasion.fgsm.robustAccuracy >= 0.5",
                "evasion.pgd.successRate@0.05 >= 0",
                "evasion.pgd.robustAccuracy.upper <= 0.5"));
        assertEquals(Main.EXIT_GATE, a.code(), a.stderr());
        List<String> failed = a.stderr().lines().filter(l -> l.startsWith("gate failed: ")).toList();
        assertEquals(1, failed.size(), a.stderr());
        assertTrue(failed.get(0).matches("gate failed: evasion\\.fgsm\\.robustAccuracy >= 0\\.5: robustAccuracy is 0(\\.\\d+)?, fails >= 0\\.5"),
                failed.get(0));
        assertTrue(a.stdout().contains("gates: 2 of 3 passed"), a.stdout());

        JsonNode report = Json.MAPPER.readTree(dir.resolve("gated/report.json").toFile());
        assertEquals(3, report.get("gates").size());
        assertFalse(report.get("gates").get(0).get("passed").asBoolean());
        // every rate carries its interval in report.json
        JsonNode robust = null;
        for (JsonNode m : report.get("metrics")) {
            if (m.get("id").asText().equals("fgsm") && m.get("name").asText().equals("robustAccuracy")) {
                robust = m;
            }
        }
        assertNotNull(robust, "metrics lists fgsm's robust accuracy");
        assertEquals("wilson", robust.get("interval").get("method").asText());
        assertTrue(robust.get("interval").get("lower").asDouble() <= robust.get("value").asDouble()
                && robust.get("value").asDouble() <= robust.get("interval").get("upper").asDouble());
        assertEquals(60, robust.get("samples").asInt());

        // Maven Surefire's own parser, as Jenkins and GitLab read it: one case per gate and per attack run
        TestSuiteXmlParser parser = new TestSuiteXmlParser(new NullConsoleLogger());
        List<ReportTestSuite> suites = parser.parse(dir.resolve("gated/report.junit.xml").toString());
        assertTrue(parser.isValid());
        // Surefire groups the cases by class name: the gates, then one group per family
        assertEquals(List.of("dlsec.audit.gates", "dlsec.audit.evasion", "dlsec.audit.fault", "dlsec.audit.poisoning",
                "dlsec.audit.extraction", "dlsec.audit.privacy", "dlsec.audit.scan", "dlsec.audit.certification",
                "dlsec.audit.sidechannel"), suites.stream().map(ReportTestSuite::getFullClassName).toList());
        List<ReportTestCase> cases = suites.stream().flatMap(s -> s.getTestCases().stream()).toList();
        assertEquals(3 + 2 + 7, cases.size(), "3 gates, 2 attacks, 7 families not evaluated: " + cases);
        assertEquals(1, suites.stream().mapToInt(ReportTestSuite::getNumberOfFailures).sum());
        assertEquals(7, suites.stream().mapToInt(ReportTestSuite::getNumberOfSkipped).sum());
        ReportTestCase gate = cases.stream().filter(ReportTestCase::hasFailure).findFirst().orElseThrow();
        assertEquals("dlsec.audit.gates", gate.getFullClassName());
        assertEquals("evasion.fgsm.robustAccuracy >= 0.5", gate.getName());
        assertTrue(cases.stream().anyMatch(c -> c.getName().equals("pgd") && c.isSuccessful()));

        Audit passing = audit(dir, "passing", config(0.3, "evasion.fgsm.robustAccuracy < 0.5"));
        assertEquals(Main.EXIT_OK, passing.code(), passing.stderr());
    }

    @Test
    void aGateOnARunThatIsNotConfiguredIsAConfigurationError(@TempDir Path dir) throws Exception {
        Audit a = audit(dir, "typo", config(0.3, "evasion.deepfool.medianL2 >= 1"));
        assertEquals(Main.EXIT_USAGE, a.code());
        Audit b = audit(dir, "metric", config(0.3, "evasion.fgsm.robustAcc >= 1"));
        assertEquals(Main.EXIT_USAGE, b.code());
        assertFalse(Files.exists(dir.resolve("typo/report.json")), "nothing ran");
    }

    @Test
    void compareShowsTheChangeAndWhetherIntervalsOverlap(@TempDir Path dir) throws Exception {
        assertEquals(0, audit(dir, "weak", config(0.05)).code());
        assertEquals(0, audit(dir, "strong", config(0.3)).code());
        Path out = dir.resolve("cmp");
        assertEquals(0, CliTest.run("compare", dir.resolve("weak").toString(), dir.resolve("strong").toString(), "--out",
                out.toString()).code());
        JsonNode cmp = Json.MAPPER.readTree(out.resolve("compare.json").toFile());
        JsonNode row = null;
        for (JsonNode r : cmp.get("rows")) {
            if (r.get("family").asText().equals("evasion") && r.get("id").asText().equals("fgsm")
                    && r.get("metric").asText().equals("robustAccuracy")) {
                row = r;
            }
        }
        assertNotNull(row, "fgsm's robust accuracy is in both audits");
        assertTrue(row.get("before").asDouble() > 0.6 && row.get("after").asDouble() < 0.2, row.toString());
        assertFalse(row.get("overlap").asBoolean(), "a drop from >60% to <20% on 60 images is beyond the intervals: " + row);
        // PGD at ε = 0.05 is the same run in both audits: the same figure, overlapping intervals
        Comparison c = Comparison.of(dir.resolve("weak"), dir.resolve("strong"));
        Comparison.Row same = c.row("evasion.pgd.robustAccuracy@0.05");
        assertNotNull(same);
        assertEquals(0.0, same.change(), 0.0);
        assertTrue(same.overlap());
        // an ε only one audit has is listed as such
        assertTrue(c.onlyAfter().contains("evasion.pgd.robustAccuracy@0.3"), c.onlyAfter().toString());
        String html = Files.readString(out.resolve("index.html"));
        assertTrue(html.contains("id=\"compare\"") && html.contains("class=\"sig\""));

        // a broken report: exit 2, one line naming the file and the place
        Path bad = dir.resolve("bad");
        Files.createDirectories(bad);
        Files.writeString(bad.resolve("report.json"), "{\n  \"schema\": \"dlsec-report/1\",\n  \"families\": [1, 2,\n");
        CliTest.Run r = CliTest.run("compare", dir.resolve("weak").toString(), bad.toString(), "--out",
                dir.resolve("cmp2").toString());
        assertEquals(Main.EXIT_USAGE, r.code());
        assertTrue(r.err().contains(bad.resolve("report.json").toString()) && r.err().contains("line "), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }
}
