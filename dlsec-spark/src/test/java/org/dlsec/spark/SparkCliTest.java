package org.dlsec.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.dlsec.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dlsec audit --spark} with a model that is not there: exit 2 and one line naming it. */
class SparkCliTest {
    @Test
    void missingModelIsOneLine(@TempDir Path dir) {
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        java.io.PrintStream saved = System.err;
        Path missing = dir.resolve("absent-model");
        int code;
        System.setErr(new java.io.PrintStream(err, true));
        try {
            code = Main.run("audit", "--spark", "local[1]", "--model", missing.toString(), "--dataset", "mnist",
                    "--limit", "5", "--out", dir.resolve("out").toString(), "--quiet");
        } finally {
            System.setErr(saved);
        }
        assertEquals(2, code, err.toString());
        String[] lines = err.toString().strip().split("\\R");
        assertEquals(1, lines.length, err.toString());
        assertTrue(lines[0].contains(missing.toString()), err.toString());
    }
}
