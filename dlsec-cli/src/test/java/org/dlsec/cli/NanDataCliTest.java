package org.dlsec.cli;

import static org.dlsec.cli.CliTest.assertUserError;
import static org.dlsec.cli.CliTest.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.dlsec.TestSupport;
import org.dlsec.data.Dataset;
import org.dlsec.data.NumpyDataTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A NaN in the user's data is still the user's error — exit 2, one line naming the file and the value —
 * for the optimisation-based commands that now recover from NaNs of their own making.
 */
class NanDataCliTest {
    static Path npzWithNan(Path dir) throws IOException {
        int n = 20;
        Dataset d = TestSupport.mnistTest(n);
        float[] px = new float[n * 784];
        long[] y = new long[n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(d.image(i), 0, px, i * 784, 784);
            y[i] = d.label(i);
        }
        px[3 * 784 + 200] = Float.NaN;
        Path npz = dir.resolve("nan.npz");
        Files.write(npz, NumpyDataTest.npz(Map.of("images", NumpyDataTest.npy("<f4", "(" + n + ", 28, 28)",
                NumpyDataTest.f32(px)), "labels", NumpyDataTest.npy("<i8", "(" + n + ",)", NumpyDataTest.i64(y)))));
        return npz;
    }

    @Test
    void scanAndCwOnDataWithANanExitWith2NamingTheValue(@TempDir Path dir) throws IOException {
        String model = TestSupport.fixture("lenet-ts.pt").toString();
        Path npz = npzWithNan(dir);
        assertUserError(run("scan", "--model", model, "--dataset", npz.toString(), "--npz-keys", "images,labels", "--steps",
                "2", "--quiet"), "x[3] holds NaN at value 200");
        assertUserError(run("attack", "--model", model, "--dataset", npz.toString(), "--npz-keys", "images,labels",
                "--attack", "cw", "--quiet"), "x[3] holds NaN at value 200");
    }
}
