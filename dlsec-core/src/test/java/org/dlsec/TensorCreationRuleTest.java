package org.dlsec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Arrays made from Java data must own their memory (see {@code core.Tensors}): no main source
 * calls an {@code NDManager}'s {@code create} except {@code Tensors} itself. A call of
 * {@code create(...)} on anything but the listed factories fails this test with its file and line.
 * Nor does any main source write Java data into an existing array with DJL's {@code set(Buffer)},
 * {@code set(float[])} or {@code copyTo}, which rebind the array's native storage to a buffer the GC
 * may free while a model still computes with it ({@code Tensors.overwrite} copies instead).
 */
class TensorCreationRuleTest {
    /** Receivers whose {@code create} is not an NDManager's. */
    private static final Pattern ALLOWED = Pattern.compile(
            "\\b(Models|\\w*Attacks|Copycat|stripOptions|defence|Files|HttpServer|URI)\\.create\\(");
    private static final Pattern CREATE = Pattern.compile("\\.create\\(");
    /** Writes that rebind an array's storage to Java memory. */
    private static final Pattern REBIND = Pattern.compile(
            "\\.set\\(\\s*(java\\.nio\\.)?\\w*Buffer\\.wrap\\(|getArray\\(\\)\\.set\\((?!\\s*new NDIndex)|\\.copyTo\\(|"
                    + "getGradient\\(\\)\\.set\\((?!\\s*new NDIndex)");

    @Test
    void onlyTensorsCreatesArraysFromJavaData() throws IOException {
        List<String> offenders = new ArrayList<>();
        for (Path root : PackageRulesTest.ROOTS) {
            assertTrue(Files.isDirectory(root), "run from the repository root: no " + root);
            scan(root, offenders);
        }
        assertEquals(List.of(), offenders, "create arrays through org.dlsec.core.Tensors");
    }

    @Test
    void noArrayIsReboundToJavaMemory() throws IOException {
        List<String> offenders = new ArrayList<>();
        for (Path root : PackageRulesTest.ROOTS) {
            try (Stream<Path> files = Files.walk(root)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    List<String> lines = Files.readAllLines(f);
                    for (int i = 0; i < lines.size(); i++) {
                        String line = lines.get(i).trim();
                        if (REBIND.matcher(line).find() && !line.startsWith("*") && !line.startsWith("//")) {
                            offenders.add(root.relativize(f) + ":" + (i + 1) + ": " + line);
                        }
                    }
                }
            }
        }
        assertEquals(List.of(), offenders, "write into existing arrays with org.dlsec.core.Tensors.overwrite");
    }

    @Test
    void theRebindRuleCatchesTheWaysDjlRebindsStorage() {
        for (String bad : List.of("a.set(FloatBuffer.wrap(data));", "arr.set(java.nio.FloatBuffer.wrap(w));",
                "p.getArray().set(w);", "x.copyTo(y);", "try (NDArray g = q.getGradient().set(z))")) {
            assertTrue(REBIND.matcher(bad).find(), bad);
        }
        for (String ok : List.of("g.set(new NDIndex(\":\"), 0f);", "queries.set(0);", "p.getArray().set(new NDIndex(\"...\"), v);")) {
            assertTrue(!REBIND.matcher(ok).find(), ok);
        }
    }

    private static void scan(Path root, List<String> offenders) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                if (f.endsWith(Path.of("org/dlsec/core/Tensors.java"))) {
                    continue;
                }
                List<String> lines = Files.readAllLines(f);
                for (int i = 0; i < lines.size(); i++) {
                    String line = lines.get(i);
                    Matcher m = CREATE.matcher(line);
                    int allowed = 0;
                    Matcher a = ALLOWED.matcher(line);
                    while (a.find()) {
                        allowed++;
                    }
                    int all = 0;
                    while (m.find()) {
                        all++;
                    }
                    if (all > allowed && !line.trim().startsWith("*") && !line.trim().startsWith("//")) {
                        offenders.add(root.relativize(f) + ":" + (i + 1) + ": " + line.trim());
                    }
                }
            }
        }
    }
}
