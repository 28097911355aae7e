package org.dlsec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.dlsec.TestSupport;
import org.dlsec.data.Dataset;
import org.dlsec.data.DatasetId;
import org.dlsec.data.Datasets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The CLI side of issue #25 ("hostile input, round two"): each probe that used to exit 1, print a
 * stack trace, echo megabytes, replace a device or be silently ignored now exits 2 with one short line.
 */
class HostileInputTest {
    static final String PT = TestSupport.fixture("lenet-ts.pt").toString();

    static CliTest.Run run(String... args) {
        return CliTest.run(args);
    }

    static List<String> leftovers(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".dlsec-")).toList();
        }
    }

    /**
     * Finding 2: --json naming a directory, a pipe or a device is refused, nothing replaced, no temporary file left.
     * What the user would lose is checked before the wording of the message.
     */
    @Test
    void jsonToADirectoryOrAPipeIsRefused(@TempDir Path dir) throws Exception {
        Path target = Files.createDirectory(dir.resolve("out.json"));
        CliTest.Run toDir = run("eval", "--model", PT, "--dataset", "mnist", "--limit", "5", "--json", target.toString());
        assertTrue(Files.isDirectory(target), "the directory was replaced");
        assertEquals(List.of(), leftovers(dir), "a temporary file was left beside the directory");
        CliTest.assertUserError(toDir, "is a directory");
        Path fifo = dir.resolve("fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        CliTest.Run toFifo = run("attack", "--model", PT, "--dataset", "mnist", "--attack", "fgsm", "--limit", "5",
                "--json", fifo.toString());
        assertFalse(Files.isRegularFile(fifo, LinkOption.NOFOLLOW_LINKS), "the pipe was replaced by a regular file");
        assertEquals(List.of(), leftovers(dir), "a temporary file was left beside the pipe");
        CliTest.assertUserError(toFifo, "not a regular file");
        // a device: a private copy of /dev/null where this user may make one (root), so a regression cannot
        // replace the machine's own /dev/null; otherwise /dev/null itself
        Path device = dir.resolve("null");
        boolean own = new ProcessBuilder("mknod", device.toString(), "c", "1", "3").start().waitFor() == 0;
        if (!own) {
            device = Path.of("/dev/null");
        }
        CliTest.Run toDevice = run("eval", "--model", PT, "--dataset", "mnist", "--limit", "5", "--json", device.toString());
        assertFalse(Files.isRegularFile(device, LinkOption.NOFOLLOW_LINKS), "the device was replaced by a regular file");
        assertEquals(List.of(), leftovers(dir), "a temporary file was left behind");
        CliTest.assertUserError(toDevice, device.toString());
        Path file = Files.writeString(dir.resolve("plain"), "x");
        CliTest.assertUserError(run("attack", "--model", PT, "--dataset", "mnist", "--attack", "fgsm", "--limit", "5",
                "--images", file.toString()), "not a directory");
    }

    /** Finding 7: budgets a float cannot hold are refused as bad input, in flags and in YAML, leaving no output directory. */
    @Test
    void budgetsBeyondAFloatAreUserErrors(@TempDir Path dir) throws IOException {
        for (String eps : new String[] {"1e39", "1e308", "0.1,1e39", "-1e39"}) {
            CliTest.assertUserError(run("attack", "--model", PT, "--dataset", "mnist", "--attack", "fgsm", "--limit", "5",
                    "--eps", eps), "32-bit float");
        }
        CliTest.assertUserError(run("attack", "--model", PT, "--dataset", "mnist", "--attack", "pgd", "--limit", "5",
                "--step-size", "1e39"), "32-bit float");
        Path cfg = Files.writeString(dir.resolve("audit.yaml"), "attacks:\n  - attack: fgsm\n    eps: [0.1, 1e39]\n");
        Path out = dir.resolve("report");
        CliTest.assertUserError(run("audit", "--model", PT, "--dataset", "mnist", "--config", cfg.toString(), "--out",
                out.toString(), "--limit", "5", "--quiet"), "audit.yaml line 3");
        assertFalse(Files.exists(out), "a refused audit leaves no output directory");
        Files.writeString(cfg, "attacks:\n  - attack: pgd\n    eps: 0.1\n    stepSize: 1e39\n");
        CliTest.assertUserError(run("audit", "--model", PT, "--dataset", "mnist", "--config", cfg.toString(), "--out",
                out.toString(), "--limit", "5", "--quiet"), "32-bit float");
        assertFalse(Files.exists(out));
    }

    /** Finding 7: an empty gtsrb-class-names.csv is no class names, not IllegalArgumentException. */
    @Test
    void anEmptyGtsrbClassNameFileIsNoNames(@TempDir Path dir) throws IOException {
        Path empty = gtsrb(dir.resolve("empty"), "");
        Dataset d = Datasets.load(DatasetId.GTSRB, "test", Optional.of(empty));
        assertEquals(3, d.size());
        assertEquals(List.of(), d.classNames());
        StringBuilder csv = new StringBuilder("ClassId;SignName\n");
        for (int i = 0; i < 43; i++) {
            csv.append(i).append(";sign ").append(i).append('\n');
        }
        Path named = gtsrb(dir.resolve("named"), csv.toString());
        assertEquals("sign 0", Datasets.load(DatasetId.GTSRB, "test", Optional.of(named)).classNames().get(0));
    }

    /** A data folder holding a 3-image GTSRB test split and {@code names} as gtsrb-class-names.csv. */
    static Path gtsrb(Path root, String names) throws IOException {
        Path g = Files.createDirectories(root.resolve("gtsrb"));
        int n = 3;
        Files.write(g.resolve("gtsrb-test-images-32x32x3-idx4-ubyte"),
                TestSupport.idx(0x0804, new int[] {n, 32, 32, 3}, new byte[n * 32 * 32 * 3]));
        Files.write(g.resolve("gtsrb-test-labels-idx1-ubyte"), TestSupport.idx(0x0801, new int[] {n}, new byte[] {0, 1, 2}));
        Files.writeString(g.resolve("gtsrb-class-names.csv"), names);
        return root;
    }

    /** Finding 7: a token file that never ends is refused by size, with one line, before it fills the heap. */
    @Test
    void anEndlessTokenFileIsRefusedBySize() {
        long t0 = System.nanoTime();
        CliTest.assertUserError(run("serve", "--model", PT, "--token-file", "/dev/zero"), "token file /dev/zero");
        assertTrue((System.nanoTime() - t0) / 1e9 < 10, "refused without reading the device");
        CliTest.assertUserError(run("extract", "--target", "http://127.0.0.1:9/", "--token-file", "/dev/zero", "--attack",
                "copycat", "--budget", "10"), "larger than the limit");
    }

    /** Finding 7: an OutOfMemoryError, which picocli lets through, is one line and exit 2. */
    @Test
    void outOfMemoryIsOneLine() {
        CommandLine cli = Main.commandLine();
        cli.addSubcommand("exhaust", new CommandLine(new Exhaust()));
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err, true));
        int code = Main.execute(cli, "exhaust");
        CliTest.assertUserError(new CliTest.Run(code, err.toString()), "out of memory");
    }

    @CommandLine.Command(name = "exhaust")
    static final class Exhaust implements Callable<Integer> {
        @Override
        public Integer call() {
            throw new OutOfMemoryError("Java heap space");
        }
    }

    /** Finding 8: a 3 MB attack name (or option) is not echoed back in full. */
    @Test
    void hugeValuesAreNotEchoed(@TempDir Path dir) throws IOException {
        String huge = "x".repeat(3 << 20);
        for (String[] args : new String[][] {
            {"attack", "--model", PT, "--dataset", "mnist", "--attack", huge},
            {"attack", "--model", PT, "--dataset", "mnist", "--attack", "fgsm", "--norm", huge},
            {"eval", "--model", PT, "--dataset", "mnist", "--" + huge},
            {"serve", "--model", PT, "--rate", huge},
        }) {
            CliTest.Run r = run(args);
            assertEquals(2, r.code());
            assertTrue(r.err().length() < 2000, "error line of " + r.err().length() + " characters");
            assertEquals(1, r.err().strip().split("\\R").length, r.err().substring(0, Math.min(200, r.err().length())));
        }
        Path cfg = Files.writeString(dir.resolve("a.yaml"), "attacks:\n  - attack: " + "y".repeat(10_000) + "\n");
        CliTest.Run r = run("audit", "--model", PT, "--dataset", "mnist", "--config", cfg.toString(), "--out",
                dir.resolve("o").toString());
        CliTest.assertUserError(r, "unknown attack");
        assertTrue(r.err().length() < 1000, r.err());
        CliTest.Run ctl = run("attack", "--model", PT, "--dataset", "mnist", "--attack", "fg\r\nsm\u001b[2j");
        CliTest.assertUserError(ctl, "fg\\r\\nsm\\x1B[2j");
    }

    /** Finding 9: typos in attack parameters are refused on the CLI and in YAML, with a hint. */
    @Test
    void unknownAttackParametersAreRefused(@TempDir Path dir) throws IOException {
        CliTest.assertUserError(run("attack", "--model", PT, "--dataset", "mnist", "--attack", "cw", "--limit", "2",
                "--param", "confidance=5"), "did you mean 'confidence'");
        CliTest.assertUserError(run("attack", "--model", PT, "--dataset", "mnist", "--attack", "fgsm", "--limit", "2",
                "--param", "steps=5"), "takes no --param");
        Path cfg = Files.writeString(dir.resolve("a.yaml"),
                "attacks:\n  - attack: cw\n    eps: 0\n    params:\n      confidance: 5\n");
        CliTest.assertUserError(run("audit", "--model", PT, "--dataset", "mnist", "--config", cfg.toString(), "--out",
                dir.resolve("o").toString()), "unknown parameter 'confidance'");
        assertFalse(Files.exists(dir.resolve("o")));
    }

    /** Findings 6 and 9: a second YAML document and oversized files or scalars are refused quickly. */
    @Test
    void hostileYamlIsRefusedQuickly(@TempDir Path dir) throws IOException {
        Path two = Files.writeString(dir.resolve("two.yaml"), "attacks:\n  - attack: fgsm\n---\nattacks:\n  - attack: pgd\n");
        CliTest.assertUserError(run("audit", "--model", PT, "--dataset", "mnist", "--config", two.toString(), "--out",
                dir.resolve("o").toString()), "second YAML document");
        Path big = dir.resolve("big.yaml");
        try (var w = Files.newBufferedWriter(big)) {
            w.write("attacks:\n  - attack: fgsm\n    id: \"");
            char[] chunk = new char[1 << 20];
            java.util.Arrays.fill(chunk, 'a');
            for (int i = 0; i < 50; i++) {
                w.write(chunk);
            }
            w.write("\"\n");
        }
        long t0 = System.nanoTime();
        CliTest.assertUserError(run("audit", "--model", PT, "--dataset", "mnist", "--config", big.toString(), "--out",
                dir.resolve("o").toString()), "larger than the limit");
        double s = (System.nanoTime() - t0) / 1e9;
        assertTrue(s < 5, "a 50 MB configuration took " + s + " s to refuse");
        assertFalse(Files.exists(dir.resolve("o")));
    }
}
