package org.dlsec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * libtorch's oneDNN switch is one process-wide flag that {@code model.Kernels} changes only between
 * sections; a convolution run outside any section could run on oneDNN while another thread's
 * verified model holds it on, and get the wrong gradients oneDNN gives LeNet-sized layers on some
 * CPUs. So every main source that runs a network or a convolution itself (a block's or a trainer's
 * {@code forward}, {@code Conv2d.conv2d}) must open a kernel section ({@code Kernels.}); classifiers
 * do it for every caller. The self-check of {@code LibTorchNumerics} runs before any section can
 * exist and is exempt.
 */
class KernelSectionRuleTest {
    static final Pattern RUNS_A_NETWORK = Pattern.compile("\\.forward\\(|\\bconv2d\\(");
    static final Pattern DECLARATION = Pattern.compile("\\b(NDArray|NDList|Gradient)\\s+forward\\w*\\(");
    static final Set<String> EXEMPT = Set.of("LibTorchNumerics.java");

    @Test
    void everySourceThatRunsANetworkOpensAKernelSection() throws IOException {
        List<String> offenders = new ArrayList<>();
        for (Path root : PackageRulesTest.ROOTS) {
            assertTrue(Files.isDirectory(root), "run from the repository root: no " + root);
            try (Stream<Path> files = Files.walk(root)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    if (EXEMPT.contains(f.getFileName().toString())) {
                        continue;
                    }
                    String text = Files.readString(f);
                    String first = firstRun(text);
                    if (first != null && !text.contains("Kernels.")) {
                        offenders.add(root.relativize(f) + ": " + first);
                    }
                }
            }
        }
        assertEquals(List.of(), offenders, "run networks inside a Kernels section (model.Kernels)");
    }

    @Test
    void theRuleSeesTheWaysCodeRunsANetwork() {
        assertTrue(firstRun("x = block.forward(ps, new NDList(x), false);") != null);
        assertTrue(firstRun("NDArray l = trainer.forward(new NDList(xb)).singletonOrThrow();") != null);
        assertTrue(firstRun("out = Conv2d.conv2d(h, w, b, s, p, d, 1);") != null);
        assertFalse(firstRun("protected NDArray forward(NDArray x) {") != null);
        assertFalse(firstRun(" * calls block.forward(...) once") != null);
        assertFalse(firstRun("// block.forward(x)") != null);
    }

    /** The first code line that runs a network, or null. */
    static String firstRun(String text) {
        for (String raw : text.split("\n")) {
            String line = raw.trim();
            if (line.startsWith("*") || line.startsWith("//") || line.startsWith("/*")) {
                continue;
            }
            if (RUNS_A_NETWORK.matcher(line).find() && !DECLARATION.matcher(line).find()) {
                return line;
            }
        }
        return null;
    }
}
