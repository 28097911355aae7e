package org.dlsec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.dlsec.TestSupport;
import org.dlsec.core.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit survives SIGKILL: a child JVM running {@code dlsec audit} is killed after its first
 * attack is stored; {@code --resume} does not rerun it, and the final report equals that of an
 * uninterrupted run with the same seed (timings and machine aside).
 */
class AuditResumeTest {
    static final String CONFIG = """
            seed: 11
            limit: 120
            batchSize: 40
            attacks:
              - attack: fgsm
                eps: 0.1
              - attack: pgd
                eps: [0.05, 0.1, 0.2, 0.3]
                steps: 40
                restarts: 2
              - attack: pgd
                id: pgd-l2
                norm: l2
                eps: [1.0, 2.0]
                steps: 40
            """;

    static List<String> audit(Path cfg, Path out, boolean resume) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"), "org.dlsec.cli.Main",
                "audit", "--model", TestSupport.fixture("lenet-ts.pt").toString(), "--dataset", "mnist", "--config",
                cfg.toString(), "--out", out.toString(), "--quiet"));
        if (resume) {
            cmd.add("--resume");
        }
        return cmd;
    }

    static Process start(List<String> cmd, Path log) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("OPT_OUT_TRACKING", "true");
        return pb.start();
    }

    static void finish(Process p, Path log) throws Exception {
        if (!p.waitFor(600, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("audit did not finish in 600 s");
        }
        assertEquals(0, p.exitValue(), Files.readString(log));
    }

    static JsonNode report(Path dir) throws Exception {
        JsonNode n = Json.MAPPER.readTree(dir.resolve("report.json").toFile());
        return org.dlsec.audit.ReportComparisonAccess.withoutTimings(n);
    }

    @Test
    void killedHalfwayThenResumedEqualsAnUninterruptedRun(@TempDir Path dir) throws Exception {
        Path cfg = dir.resolve("audit.yaml");
        Files.writeString(cfg, CONFIG);
        Path killed = dir.resolve("killed");
        Path first = killed.resolve("results/fgsm.json");

        Process p = start(audit(cfg, killed, false), dir.resolve("killed.log"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
        while (!Files.isRegularFile(first) && p.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(p.isAlive(), "the audit ended before it could be killed: " + Files.readString(dir.resolve("killed.log")));
        p.destroyForcibly(); // SIGKILL on Linux
        p.waitFor(30, TimeUnit.SECONDS);
        assertFalse(Files.exists(killed.resolve("report.json")), "killed too late: the report was already written");
        assertFalse(Files.exists(killed.resolve("results/pgd-l2.json")), "killed too late: the last attack was done");
        Thread.sleep(1100); // so that a rewrite of fgsm.json would show in its modification time
        long stored = Files.getLastModifiedTime(first).toMillis();
        byte[] storedBytes = Files.readAllBytes(first);

        Path resumeLog = dir.resolve("resumed.log");
        Process r = start(audit(cfg, killed, true), resumeLog);
        finish(r, resumeLog);
        String log = Files.readString(resumeLog);
        assertTrue(log.contains("resume: fgsm already done, not rerun"), log);
        assertEquals(stored, Files.getLastModifiedTime(first).toMillis(), "fgsm was rerun");
        assertTrue(java.util.Arrays.equals(storedBytes, Files.readAllBytes(first)));

        Path clean = dir.resolve("uninterrupted");
        Process u = start(audit(cfg, clean, false), dir.resolve("clean.log"));
        finish(u, dir.resolve("clean.log"));
        assertNull(org.dlsec.audit.ReportComparisonAccess.firstDifference(report(clean), report(killed)),
                "the resumed report differs from the uninterrupted one");
        assertEquals(Files.readString(clean.resolve("samples.csv")), Files.readString(killed.resolve("samples.csv")));
    }
}
