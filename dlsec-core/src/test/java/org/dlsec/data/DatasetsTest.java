package org.dlsec.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.dlsec.TestSupport;
import org.dlsec.core.DlsecException;
import org.dlsec.model.Engines;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetsTest {
    @Test
    void bundledMnistMatchesThePublishedFacts() {
        Dataset test = Datasets.load(DatasetId.MNIST, "test", Optional.empty());
        Dataset train = Datasets.load(DatasetId.MNIST, "train", Optional.empty());
        assertEquals(10_000, test.size());
        assertEquals(60_000, train.size());
        assertArrayEquals(new int[] {7, 2, 1, 0, 4, 1, 4, 9, 5, 9}, java.util.Arrays.copyOf(test.labels(), 10));
        assertArrayEquals(new int[] {5, 0, 4, 1, 9, 2, 1, 3, 1, 4}, java.util.Arrays.copyOf(train.labels(), 10));
        int[] counts = new int[10];
        for (int y : test.labels()) {
            counts[y]++;
        }
        assertArrayEquals(new int[] {980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009}, counts);
        assertTrue(test.origin().contains("(verified)"), test.origin());
        double mean = 0;
        for (int i = 0; i < test.size(); i++) {
            for (float v : test.image(i)) {
                mean += v;
            }
        }
        mean /= (double) test.size() * 784;
        assertEquals(0.1325, mean, 5e-4);
    }

    @Test
    void batchesBecomeNdArraysWithTheRightShapeAndValues() {
        Dataset d = TestSupport.mnistTest(10);
        try (NDManager m = Engines.newManager()) {
            NDArray x = d.images(m, 2, 5);
            assertEquals(new ai.djl.ndarray.types.Shape(3, 1, 28, 28), x.getShape());
            assertArrayEquals(d.image(3), x.get(1).toFloatArray());
            NDArray g = d.gather(m, new int[] {9, 0});
            assertArrayEquals(d.image(9), g.get(0).toFloatArray());
            assertArrayEquals(new long[] {d.label(9), d.label(0)}, d.gatherLabels(m, new int[] {9, 0}).toLongArray());
        }
    }

    @Test
    void subsetsAndSplitsAreSeededAndDisjoint() {
        Dataset d = TestSupport.mnistTrain(1000);
        assertArrayEquals(d.permutation(7), d.permutation(7));
        assertNotEquals(java.util.Arrays.toString(d.permutation(7)), java.util.Arrays.toString(d.permutation(8)));
        Dataset[] parts = d.splitValidation(0.2, 1);
        assertEquals(1000, parts[0].size() + parts[1].size());
        assertEquals(200, parts[1].size());
        assertTrue(parts[1].origin().contains("validation"));
        assertThrows(DlsecException.class, () -> d.first(0));
        assertThrows(DlsecException.class, () -> d.splitValidation(1.5, 1));
    }

    @Test
    void gtsrbLayoutIsConvertedToNchwAndSplitByTrack(@TempDir Path dir) throws IOException {
        Path g = Files.createDirectories(dir.resolve("gtsrb"));
        int n = 4;
        byte[] px = new byte[n * 32 * 32 * 3];
        for (int s = 0; s < n; s++) {
            for (int p = 0; p < 32 * 32; p++) {
                px[(s * 1024 + p) * 3] = (byte) 10;      // R
                px[(s * 1024 + p) * 3 + 1] = (byte) 20;  // G
                px[(s * 1024 + p) * 3 + 2] = (byte) s;   // B
            }
        }
        Files.write(g.resolve("gtsrb-train-images-32x32x3-idx4-ubyte"), IdxReaderTest.idx(0x804, new int[] {n, 32, 32, 3}, px));
        Files.write(g.resolve("gtsrb-train-labels-idx1-ubyte"), IdxReaderTest.idx(0x801, new int[] {n}, new byte[] {0, 0, 42, 42}));
        Files.writeString(g.resolve("gtsrb-train-annotations.csv"),
                "Index;Filename;Width;Height;Roi.X1;Roi.Y1;Roi.X2;Roi.Y2;ClassId;Track\n"
                        + "0;a;32;32;0;0;1;1;0;0\n1;b;32;32;0;0;1;1;0;0\n2;c;32;32;0;0;1;1;42;5\n3;d;32;32;0;0;1;1;42;5\n");
        Dataset d = Datasets.load(DatasetId.GTSRB, "train", Optional.of(dir));
        assertEquals(new ai.djl.ndarray.types.Shape(3, 32, 32), d.sampleShape());
        float[] img = d.image(3);
        assertEquals(10 / 255f, img[0], 1e-7);
        assertEquals(20 / 255f, img[1024], 1e-7);
        assertEquals(3 / 255f, img[2048 + 500], 1e-7);
        assertTrue(d.origin().contains("NOT the published checksum"));
        for (long seed = 0; seed < 10; seed++) {
            Dataset[] parts = d.splitValidation(0.5, seed);
            Set<Integer> trainLabels = new HashSet<>();
            for (int y : parts[0].labels()) {
                trainLabels.add(y);
            }
            for (int y : parts[1].labels()) {
                assertTrue(!trainLabels.contains(y), "a track straddles the split");
            }
        }
    }

    @Test
    void missingDataIsAClearError(@TempDir Path dir) {
        DlsecException e = assertThrows(DlsecException.class, () -> Datasets.load(DatasetId.GTSRB, "test", Optional.of(dir)));
        assertTrue(e.getMessage().contains("gtsrb-test-images"), e.getMessage());
        assertThrows(DlsecException.class, () -> Datasets.load("cifar", "test", Optional.empty()));
        assertThrows(DlsecException.class, () -> Datasets.load(DatasetId.MNIST, "val", Optional.empty()));
    }
}
