package org.dlsec.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.dlsec.core.DlsecException;
import org.junit.jupiter.api.Test;

class IdxReaderTest {
    static byte[] idx(int magic, int[] dims, byte[] payload) {
        return org.dlsec.TestSupport.idx(magic, dims, payload);
    }

    static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(raw);
        }
        return out.toByteArray();
    }

    @Test
    void readsPlainAndGzippedFiles() throws IOException {
        byte[] payload = {1, 2, 3, 4, 5, 6, (byte) 255, 0};
        byte[] raw = idx(0x00000803, new int[] {2, 2, 2}, payload);
        for (byte[] bytes : new byte[][] {raw, gzip(raw)}) {
            IdxReader.IdxFile f = IdxReader.read(new ByteArrayInputStream(bytes), "t");
            assertArrayEquals(new int[] {2, 2, 2}, f.dims());
            assertArrayEquals(payload, f.data());
            assertEquals(64, f.sha256().length());
        }
    }

    @Test
    void rejectsWrongMagic() {
        byte[] raw = idx(0x12345678, new int[] {1}, new byte[1]);
        DlsecException e = assertThrows(DlsecException.class, () -> IdxReader.read(new ByteArrayInputStream(raw), "bad"));
        assertTrue(e.getMessage().contains("not an IDX file"), e.getMessage());
    }

    @Test
    void rejectsNonByteElementType() {
        byte[] raw = idx(0x00000D01, new int[] {1}, new byte[4]);
        DlsecException e = assertThrows(DlsecException.class, () -> IdxReader.read(new ByteArrayInputStream(raw), "f"));
        assertTrue(e.getMessage().contains("element type"), e.getMessage());
    }

    @Test
    void rejectsTruncatedPayloadAndHeader() throws IOException {
        byte[] raw = idx(0x00000801, new int[] {10}, new byte[10]);
        byte[] cut = Arrays.copyOf(raw, raw.length - 3);
        DlsecException e = assertThrows(DlsecException.class, () -> IdxReader.read(new ByteArrayInputStream(cut), "cut"));
        assertTrue(e.getMessage().contains("truncated") && e.getMessage().contains("expected 10"), e.getMessage());
        DlsecException e2 = assertThrows(DlsecException.class,
                () -> IdxReader.read(new ByteArrayInputStream(Arrays.copyOf(raw, 6)), "h"));
        assertTrue(e2.getMessage().contains("truncated"), e2.getMessage());
        byte[] gz = gzip(raw);
        byte[] gzCut = Arrays.copyOf(gz, gz.length / 2);
        assertThrows(DlsecException.class, () -> IdxReader.read(new ByteArrayInputStream(gzCut), "gzcut"));
    }

    @Test
    void rejectsTrailingBytesAndBadDimensions() {
        byte[] raw = idx(0x00000801, new int[] {2}, new byte[5]);
        assertTrue(assertThrows(DlsecException.class, () -> IdxReader.read(new ByteArrayInputStream(raw), "t"))
                .getMessage().contains("trailing"));
        byte[] neg = idx(0x00000801, new int[] {-4}, new byte[0]);
        assertThrows(DlsecException.class, () -> IdxReader.read(new ByteArrayInputStream(neg), "n"));
    }

    @Test
    void refusesAbsurdDeclaredSizesBeforeAllocating() {
        byte[] huge = idx(0x00000804, new int[] {60000, 60000, 60000, 3}, new byte[16]);
        DlsecException e = assertThrows(DlsecException.class, () -> IdxReader.read(new ByteArrayInputStream(huge), "huge"));
        assertTrue(e.getMessage().contains("more than"), e.getMessage());
    }

    @Test
    void corruptGzipIsAClearError() {
        byte[] bogus = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7};
        DlsecException e = assertThrows(DlsecException.class, () -> IdxReader.read(new ByteArrayInputStream(bogus), "z"));
        assertTrue(e.getMessage().contains("z"), e.getMessage());
    }
}
