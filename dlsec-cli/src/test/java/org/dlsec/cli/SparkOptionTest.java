package org.dlsec.cli;

import java.nio.file.Path;
import org.dlsec.TestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --spark} without the dlsec-spark module on the classpath (the core's own tests): one clear line, exit 2. */
class SparkOptionTest {
    @Test
    void auditWithSparkNeedsTheModule(@TempDir Path dir) {
        CliTest.Run r = CliTest.run("audit", "--model", TestSupport.fixture("lenet-ts.pt").toString(), "--dataset", "mnist",
                "--limit", "5", "--out", dir.resolve("out").toString(), "--spark", "local[1]", "--quiet");
        CliTest.assertUserError(r, "--spark needs the dlsec-spark module on the classpath");
    }
}
