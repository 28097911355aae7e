package org.dlsec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * dlsec makes no network connection: a child JVM runs {@code dlsec eval}, {@code attack} (FGSM and
 * the score-based Square) and {@code audit} on a small subset — engine start-up, TorchScript load,
 * inference, gradients, the report — under {@code strace -f -e trace=connect}, with OPT_OUT_TRACKING
 * removed from its environment so that dlsec's own code must switch DJL's telemetry off; then again
 * inside a network namespace with no interfaces ({@code unshare -n}), where it must still succeed.
 * The commands run one after another in one child JVM ({@link Sequence}) to pay the engine's
 * start-up once.
 */
class NoNetworkTest {
    /** Runs each argument group (separated by "--then") as one dlsec command; exits 1 on the first failure. */
    public static final class Sequence {
        public static void main(String[] args) {
            List<String> cmd = new ArrayList<>();
            for (int i = 0; i <= args.length; i++) {
                if (i == args.length || args[i].equals("--then")) {
                    int code = Main.run(cmd.toArray(new String[0]));
                    if (code != 0) {
                        System.err.println("command failed with exit " + code + ": " + cmd);
                        System.exit(1);
                    }
                    cmd.clear();
                } else {
                    cmd.add(args[i]);
                }
            }
            System.exit(0);
        }
    }

    /** eval, attack and audit on 20-sample subsets, writing into {@code dir}. */
    static List<String> commands(Path dir) throws IOException {
        String model = TestSupport.fixture("lenet-ts.pt").toString();
        Path audit = dir.resolve("audit.yaml");
        // the fault entry writes weights and zeroes weight gradients, which once went through DJL's set(Buffer) and made
        // libtorch print its AutoNonVariableTypeMode deprecation warning (issue #24); the children's output must not
        Files.writeString(audit, "seed: 1\nlimit: 20\nattacks:\n  - attack: fgsm\n    eps: 0.1\n"
                + "  - attack: square\n    eps: 0.2\n    maxQueries: 30\nfaults:\n  - fault: bfa\n    flips: 2\n"
                + "    attackSamples: 16\n");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return List.of(java, "-cp", System.getProperty("java.class.path"), Sequence.class.getName(),
                "eval", "--model", model, "--dataset", "mnist", "--limit", "20", "--quiet", "--json",
                dir.resolve("eval.json").toString(), "--then",
                "attack", "--model", model, "--dataset", "mnist", "--attack", "fgsm", "--eps", "0.1", "--limit", "20",
                "--quiet", "--json", dir.resolve("fgsm.json").toString(), "--then",
                "attack", "--model", model, "--dataset", "mnist", "--attack", "square", "--eps", "0.2",
                "--max-queries", "30", "--limit", "10", "--quiet", "--json", dir.resolve("square.json").toString(),
                "--then",
                "audit", "--model", model, "--dataset", "mnist", "--config", audit.toString(), "--out",
                dir.resolve("audit").toString(), "--quiet");
    }

    static void assertOutputs(Path dir) throws IOException {
        for (String f : new String[] {"eval.json", "fgsm.json", "square.json", "audit/report.json"}) {
            assertTrue(Files.size(dir.resolve(f)) > 0, f + " written");
        }
        String log = Files.readString(dir.resolve("out.log"));
        assertTrue(!log.contains("AutoNonVariableTypeMode") && !log.contains("Warning:"), "libtorch warned:\n" + log);
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
        cmd.addAll(commands(dir));
        int code = runChild(cmd, dir.resolve("out.log"));
        assertEquals(0, code, Files.readString(dir.resolve("out.log")));
        List<String> inet = Files.readAllLines(trace).stream()
                .filter(l -> l.contains("connect(") && (l.contains("AF_INET") || l.contains("AF_INET6")))
                .collect(Collectors.toList());
        assertTrue(inet.isEmpty(), "network connections attempted:\n" + String.join("\n", inet));
        assertOutputs(dir);
    }

    @Test
    void runsInsideANamespaceWithoutNetwork(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(available("unshare", "-n", "true"), "unshare -n is not permitted here");
        List<String> cmd = new ArrayList<>(List.of("unshare", "-n"));
        cmd.addAll(commands(dir));
        int code = runChild(cmd, dir.resolve("out.log"));
        assertEquals(0, code, Files.readString(dir.resolve("out.log")));
        assertOutputs(dir);
    }
}
