package org.dlsec.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.dlsec.data.Datasets;
import org.dlsec.model.Classifier;
import org.dlsec.model.LoadOptions;
import org.dlsec.model.Models;
import org.dlsec.serve.PredictionServer;
import org.dlsec.serve.ServeConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs each example program on the PyTorch-exported LeNet-5 fixture and checks what it printed. */
class ExamplesTest {
    static final Path FIXTURES = Path.of(System.getProperty("fixtures", "../dlsec-core/src/test/resources/fixtures"));
    static final String LENET = FIXTURES.resolve("lenet-ts.pt").toString();

    static String run(ThrowingMain main) throws Exception {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            main.run();
        } finally {
            System.setOut(old);
        }
        String out = buf.toString(StandardCharsets.UTF_8);
        old.print(out);
        return out;
    }

    interface ThrowingMain {
        void run() throws Exception;
    }

    static double number(String out, String regex) {
        Matcher m = Pattern.compile(regex).matcher(out);
        assertTrue(m.find(), regex + " in " + out);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void pgdAndSquareBreakTheUndefendedLeNet() throws Exception {
        String out = run(() -> LoadAndAttack.main(new String[] {LENET}));
        // PGD-40 at 0.3 leaves an undefended LeNet-5 next to nothing; Square within 1000 queries most of it
        assertTrue(number(out, "PGD robust accuracy ([0-9.]+)") <= 0.05, out);
        double square = number(out, "Square ([0-9.]+)");
        assertTrue(square < 0.5, out);
        double queries = number(out, "\\(([0-9.]+) queries per image\\)");
        assertTrue(queries > 1 && queries <= 1000, out);
    }

    @Test
    void theCurveFallsWithTheBudget(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("curve.csv");
        run(() -> RobustnessCurveExample.main(new String[] {LENET, csv.toString()}));
        List<String> lines = Files.readAllLines(csv);
        assertEquals("epsilon,robust_accuracy", lines.get(0));
        assertEquals(5, lines.size());
        double previous = 1.0;
        for (String line : lines.subList(1, lines.size())) {
            double acc = Double.parseDouble(line.split(",")[1]);
            assertTrue(acc <= previous + 1e-9, "not monotone: " + lines);
            previous = acc;
        }
        // the fixture is a briefly trained LeNet-5 (86% on these 200 images)
        assertTrue(Double.parseDouble(lines.get(1).split(",")[1]) > 0.8, "clean accuracy at ε 0: " + lines);
        assertTrue(previous <= 0.05, "at ε 0.3: " + lines);
    }

    @Test
    void aKnockoffOfTheServedLeNetAgreesWithItMostOfTheTime() throws Exception {
        try (Classifier target = Models.load(Path.of(LENET), LoadOptions.of(Datasets.load("mnist", "test").sampleShape()));
             PredictionServer server = PredictionServer.start(target, ServeConfig.defaults())) {
            String out = run(() -> ExtractThroughApi.main(new String[] {server.uri().toString(), "2000"}));
            assertTrue(number(out, "fidelity ([0-9.]+)") > 0.8, out);
            assertTrue(number(out, ", (\\d+) queries") >= 2000, out);
        }
    }
}
