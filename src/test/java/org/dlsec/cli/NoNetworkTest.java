package org.dlsec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.dlsec.TestSupport;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * dlsec makes no network connection: a child JVM runs {@code dlsec eval} (engine start-up,
 * TorchScript load, inference) under {@code strace -e trace=connect}, with OPT_OUT_TRACKING removed
 * from its environment so that dlsec's own code must switch DJL's telemetry off; then again inside
 * a network namespace with no interfaces ({@code unshare -n}), where it must still succeed.
 */
class NoNetworkTest {
    static List<String> evalCommand(Path json) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return List.of(java, "-cp", System.getProperty("java.class.path"), "org.dlsec.cli.Main", "eval", "--model",
                TestSupport.fixture("lenet-ts.pt").toString(), "--dataset", "mnist", "--limit", "100", "--quiet",
                "--json", json.toString());
    }

    static boolean available(String... probe) {
        try {
            Process p = new ProcessBuilder(probe).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    static int runChild(List<String> cmd, Path log) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().remove("OPT_OUT_TRACKING");
        pb.environment().put("DLSEC_TEST_CHILD", "1");
        Process p = pb.start();
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("child did not finish in 300 s");
        }
        return p.exitValue();
    }

    @Test
    void noConnectSyscallToAnyInternetAddress(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(available("strace", "-V"), "strace is not installed (.ci/run installs it)");
        Path trace = dir.resolve("connect.trace");
        List<String> cmd = new ArrayList<>(List.of("strace", "-f", "-qq", "-e", "trace=connect", "-o", trace.toString()));
        cmd.addAll(evalCommand(dir.resolve("a.json")));
        int code = runChild(cmd, dir.resolve("out.log"));
        assertEquals(0, code, Files.readString(dir.resolve("out.log")));
        List<String> inet = Files.readAllLines(trace).stream()
                .filter(l -> l.contains("connect(") && (l.contains("AF_INET") || l.contains("AF_INET6")))
                .collect(Collectors.toList());
        assertTrue(inet.isEmpty(), "network connections attempted:\n" + String.join("\n", inet));
        assertTrue(Files.size(dir.resolve("a.json")) > 0);
    }

    @Test
    void runsInsideANamespaceWithoutNetwork(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(available("unshare", "-n", "true"), "unshare -n is not permitted here");
        List<String> cmd = new ArrayList<>(List.of("unshare", "-n"));
        cmd.addAll(evalCommand(dir.resolve("b.json")));
        int code = runChild(cmd, dir.resolve("out.log"));
        assertEquals(0, code, Files.readString(dir.resolve("out.log")));
        assertTrue(new File(dir.resolve("b.json").toString()).length() > 0);
    }
}
