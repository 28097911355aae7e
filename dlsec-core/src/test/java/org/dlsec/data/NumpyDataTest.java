package org.dlsec.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.dlsec.TestSupport;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Hashing;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The .npz/.npy reader against files numpy wrote (bench/fixtures/make_npz_fixtures.py), and the IDX pair folder. */
public class NumpyDataTest {
    @TempDir
    Path dir;

    private static JsonNode expected() throws IOException {
        return new ObjectMapper().readTree(TestSupport.fixture("npz/expected.json").toFile());
    }

    private static float[] floats(JsonNode a) {
        float[] f = new float[a.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) a.get(i).asDouble();
        }
        return f;
    }

    private static int[] ints(JsonNode a) {
        int[] v = new int[a.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = a.get(i).asInt();
        }
        return v;
    }

    private static float[] all(Dataset d) {
        float[] x = new float[d.size() * d.sampleSize()];
        for (int i = 0; i < d.size(); i++) {
            System.arraycopy(d.image(i), 0, x, i * d.sampleSize(), d.sampleSize());
        }
        return x;
    }

    private static SourceOptions keys(String x, String y) {
        return new SourceOptions("test", Optional.empty(), null, x, y, 0, 0, null);
    }

    @Test
    void readsWhatNumpyWrote() throws IOException {
        JsonNode e = expected();
        Path plain = TestSupport.fixture("npz/plain-f32.npz");
        Dataset a = DataSource.open(plain.toString(), keys("x", "y"));
        assertEquals(new Shape(1, 4, 5), a.sampleShape());
        assertArrayEquals(floats(e.get("plain-f32").get("x")), all(a));
        assertArrayEquals(ints(e.get("plain-f32").get("y")), a.labels());
        assertEquals(3, a.numClasses());
        assertEquals(DataBounds.UNIT, a.bounds());
        assertTrue(a.origin().contains("sha256=" + Hashing.sha256(plain)), a.origin());

        Dataset b = DataSource.open(TestSupport.fixture("npz/compressed-f64.npz").toString(), keys("x", "y"));
        assertEquals(new Shape(7), b.sampleShape());
        assertArrayEquals(floats(e.get("compressed-f64").get("x")), all(b));
        assertArrayEquals(ints(e.get("compressed-f64").get("y")), b.labels());
        assertArrayEquals(floats(e.get("compressed-f64").get("min")), b.bounds().lower());
        assertArrayEquals(floats(e.get("compressed-f64").get("max")), b.bounds().upper());

        Dataset c = DataSource.open(TestSupport.fixture("npz/nhwc-u8.npz").toString(), keys("images", "targets"));
        assertEquals(new Shape(3, 5, 4), c.sampleShape(), "NHWC uint8 images become CHW");
        float[] want = floats(e.get("nhwc-u8").get("x_chw"));
        float[] got = all(c);
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], 1e-7f, "value " + i);
        }
        assertEquals(4, c.numClasses());

        Dataset p = DataSource.open(TestSupport.fixture("npz/pair").toString(), keys("x", "y"));
        assertArrayEquals(floats(e.get("pair").get("x")), all(p));
        assertArrayEquals(ints(e.get("pair").get("y")), p.labels());
        Dataset viaFile = DataSource.open(TestSupport.fixture("npz/pair/x.npy").toString(), keys("x", "y"));
        assertArrayEquals(all(p), all(viaFile));

        NpyReader.NpyArray big = NpyReader.readNpy(TestSupport.fixture("npz/big-endian.npy"));
        assertArrayEquals(floats(e.get("pair").get("x")), big.floats());
    }

    @Test
    void resizingMatchesPyTorchsBilinearInterpolation() throws IOException {
        Map<String, NpyReader.NpyArray> r;
        try (var in = Files.newInputStream(TestSupport.fixture("npz/resize.npz"))) {
            r = NpyReader.readNpz(in, "resize.npz", List.of("x", "down", "up"));
        }
        float[] x = r.get("x").floats();
        float[] down = new float[2 * 4 * 3];
        ImageDecoder.resizeBilinear(x, 2, 3, 5, down, 0, 4, 3);
        float[] up = new float[2 * 2 * 7];
        ImageDecoder.resizeBilinear(x, 2, 3, 5, up, 0, 2, 7);
        float[] wantDown = r.get("down").floats();
        float[] wantUp = r.get("up").floats();
        for (int i = 0; i < down.length; i++) {
            assertEquals(wantDown[i], down[i], 1e-6, "down " + i);
        }
        for (int i = 0; i < up.length; i++) {
            assertEquals(wantUp[i], up[i], 1e-6, "up " + i);
        }
    }

    public static byte[] npy(String descr, String shape, byte[] payload) {
        String header = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
        int pad = 64 - (10 + header.length() + 1) % 64;
        header = header + " ".repeat(pad) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + header.length() + payload.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        b.putShort((short) header.length());
        b.put(header.getBytes(StandardCharsets.ISO_8859_1));
        b.put(payload);
        return b.array();
    }

    public static byte[] f32(float... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            b.putFloat(f);
        }
        return b.array();
    }

    public static byte[] i64(long... v) {
        ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long f : v) {
            b.putLong(f);
        }
        return b.array();
    }

    public static byte[] npz(Map<String, byte[]> arrays) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(bos)) {
            for (Map.Entry<String, byte[]> a : arrays.entrySet()) {
                z.putNextEntry(new ZipEntry(a.getKey() + ".npy"));
                z.write(a.getValue());
                z.closeEntry();
            }
        }
        return bos.toByteArray();
    }

    private String error(Map<String, byte[]> arrays) throws IOException {
        Path f = dir.resolve("bad.npz");
        Files.write(f, npz(arrays));
        return assertThrows(DlsecException.class, () -> DataSource.open(f.toString(), keys("x", "y"))).getMessage();
    }

    @Test
    void badArraysAreRefusedNamingTheFileAndTheKey() throws IOException {
        byte[] x = npy("<f4", "(2, 2)", f32(1, 2, 3, 4));
        byte[] y = npy("<i8", "(2,)", i64(0, 1));
        String m = error(Map.of("features", x, "y", y));
        assertTrue(m.contains("bad.npz has no array 'x' (its arrays: ") && m.contains("features"), m);
        m = error(Map.of("x", x, "y", npy("<i8", "(3,)", i64(0, 1, 1))));
        assertTrue(m.contains("x has 2 samples but y has 3 labels"), m);
        m = error(Map.of("x", npy("<f4", "(2, 2)", f32(1, Float.NaN, 3, 4)), "y", y));
        assertTrue(m.contains("x[0] holds NaN at value 1"), m);
        m = error(Map.of("x", npy("<f4", "(2, 2)", f32(1, 2, 3, Float.POSITIVE_INFINITY)), "y", y));
        assertTrue(m.contains("x[1] holds Infinity"), m);
        m = error(Map.of("x", x, "y", npy("<f4", "(2,)", f32(0, 1))));
        assertTrue(m.contains("y is float32; expected integer labels"), m);
        m = error(Map.of("x", x, "y", npy("<i8", "(2,)", i64(0, -4))));
        assertTrue(m.contains("y[1] is -4"), m);
        m = error(Map.of("x", npy("<f4", "(2, 2)", f32(1, 2, 3)), "y", y));
        assertTrue(m.contains("truncated .npy array") && m.contains("bad.npz:x.npy"), m);
        m = error(Map.of("x", npy("<f4", "(200000, 100000)", f32(1, 2, 3)), "y", y));
        assertTrue(m.contains("needs") && m.contains("MiB") || m.contains("more than"), m);
        m = error(Map.of("x", npy("<c8", "(2, 2)", f32(1, 2, 3, 4)), "y", y));
        assertTrue(m.contains("unsupported .npy element type '<c8'"), m);
        Files.write(dir.resolve("junk.npz"), "not a zip".getBytes(StandardCharsets.UTF_8));
        m = assertThrows(DlsecException.class, () -> DataSource.open(dir.resolve("junk.npz").toString(), keys("x", "y")))
                .getMessage();
        assertTrue(m.contains("junk.npz"), m);
        // image-shaped floats outside [0,1] need bounds of their own
        m = error(Map.of("x", npy("<f4", "(2, 1, 1, 2)", f32(0, 2, 0, 1)), "y", y));
        assertTrue(m.contains("outside the input bounds [0.0, 1.0]") && m.contains("--bounds"), m);
    }

    @Test
    void aFolderWithAnIdxPairOfAnyShape() throws IOException {
        byte[] px = new byte[3 * 2 * 5];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) (i * 8);
        }
        Files.write(dir.resolve("my-images-idx3-ubyte"), TestSupport.idx(0x0803, new int[] {3, 2, 5}, px));
        Files.write(dir.resolve("my-labels-idx1-ubyte"), TestSupport.idx(0x0801, new int[] {3}, new byte[] {1, 0, 1}));
        Files.writeString(dir.resolve("classes.txt"), "no\nyes\n");
        Dataset d = DataSource.open(dir.toString(), keys("x", "y"));
        assertEquals(new Shape(1, 2, 5), d.sampleShape());
        assertArrayEquals(new int[] {1, 0, 1}, d.labels());
        assertEquals(List.of("no", "yes"), d.classNames());
        assertEquals(80 / 255f, d.image(1)[0], 1e-7);
        assertTrue(d.origin().contains("sha256="), d.origin());
        Files.write(dir.resolve("my-labels-idx1-ubyte"), TestSupport.idx(0x0801, new int[] {2}, new byte[] {1, 0}));
        String m = assertThrows(DlsecException.class, () -> DataSource.open(dir.toString(), keys("x", "y"))).getMessage();
        assertTrue(m.contains("3 samples but 2 labels"), m);
        Files.write(dir.resolve("my-labels-idx1-ubyte"), TestSupport.idx(0x0801, new int[] {3}, new byte[] {1, 0, 2}));
        m = assertThrows(DlsecException.class, () -> DataSource.open(dir.toString(), keys("x", "y"))).getMessage();
        assertTrue(m.contains("entry 2 has the label 2, outside the 2 classes 0..1 of classes.txt"), m);
    }

    @Test
    void unknownNamesAndUnsupportedFilesAreClearErrors() throws IOException {
        String m = assertThrows(DlsecException.class, () -> DataSource.open("cifar", keys("x", "y"))).getMessage();
        assertTrue(m.contains("unknown dataset 'cifar'") && m.contains("mnist"), m);
        Files.writeString(dir.resolve("data.json"), "{}");
        m = assertThrows(DlsecException.class, () -> DataSource.open(dir.resolve("data.json").toString(), keys("x", "y")))
                .getMessage();
        assertTrue(m.contains("unsupported data file"), m);
        assertThrows(DlsecException.class, () -> new SourceOptions("dev", Optional.empty(), null, "x", "y", 0, 0, null));
        assertThrows(DlsecException.class, () -> SourceOptions.parseResize("32"));
        assertThrows(DlsecException.class, () -> SourceOptions.parseKeys("x"));
        assertThrows(DlsecException.class, () -> new SourceOptions("test", Optional.empty(), null, "x", "y", 0, 0, "1,0"));
        assertArrayEquals(new int[] {24, 32}, SourceOptions.parseResize("24x32"));
    }

    @Test
    void builtInsCanBeResized() {
        Dataset d = DataSource.open("mnist", new SourceOptions("test", Optional.empty(), null, "x", "y", 14, 14, null))
                .first(3);
        assertEquals(new Shape(1, 14, 14), d.sampleShape());
        assertEquals(DataBounds.UNIT, d.bounds());
        assertTrue(d.origin().contains("resized bilinearly to 14x14"), d.origin());
    }

    @Test
    void byteArrayReaderAgreesWithTheFileReader() throws IOException {
        byte[] bytes = Files.readAllBytes(TestSupport.fixture("npz/pair/x.npy"));
        assertArrayEquals(NpyReader.readNpy(TestSupport.fixture("npz/pair/x.npy")).floats(),
                NpyReader.readNpy(new ByteArrayInputStream(bytes), "x.npy").floats());
    }
}
