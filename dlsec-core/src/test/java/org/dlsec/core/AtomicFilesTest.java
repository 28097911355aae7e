package org.dlsec.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Output files (issue #25, finding 2): written atomically to regular files or new paths only;
 * devices, pipes and directories refused; no temporary file left behind on any failure path.
 */
class AtomicFilesTest {
    static List<String> leftovers(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".dlsec-")).toList();
        }
    }

    /** Single bytes and arrays arrive in the order written (DataOutputStream mixes both: model weights). */
    @Test
    void singleBytesAndArraysKeepTheirOrder(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("mixed.bin");
        AtomicFiles.write(f, o -> {
            java.io.DataOutputStream d = new java.io.DataOutputStream(o);
            d.writeInt(0x01020304);
            d.write(new byte[] {5, 6, 7});
            d.write(8);
            d.writeUTF("9");
            d.flush();
        });
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 0, 1, '9'}, Files.readAllBytes(f));
    }

    @Test
    void writesNewFilesAndReplacesRegularOnes(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("sub/out.json");
        Json.write(f, Map.of("a", 1));
        assertTrue(Files.readString(f).contains("\"a\" : 1"));
        AtomicFiles.writeString(f, "second");
        assertEquals("second", Files.readString(f));
        assertEquals(List.of(), leftovers(f.getParent()));
    }

    @Test
    void aLinkToARegularFileIsFollowedAndKept(@TempDir Path dir) throws IOException {
        Path real = dir.resolve("real.txt");
        Files.writeString(real, "old");
        Path link = Files.createSymbolicLink(dir.resolve("link.txt"), real);
        AtomicFiles.writeString(link, "new");
        assertTrue(Files.isSymbolicLink(link), "the link itself is not replaced");
        assertEquals("new", Files.readString(real));
    }

    @Test
    void aDirectoryIsRefusedAndNoTemporaryFileIsLeft(@TempDir Path dir) throws IOException {
        Path target = Files.createDirectory(dir.resolve("report.json"));
        DlsecException e = assertThrows(DlsecException.class, () -> Json.write(target, Map.of("a", 1)));
        assertTrue(e.getMessage().contains("is a directory"), e.getMessage());
        assertTrue(Files.isDirectory(target));
        assertEquals(List.of(), leftovers(dir));
    }

    @Test
    void aPipeIsRefusedAndStaysAPipe(@TempDir Path dir) throws Exception {
        Path fifo = dir.resolve("fifo");
        Process p = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertEquals(0, p.waitFor());
        DlsecException e = assertThrows(DlsecException.class, () -> AtomicFiles.writeString(fifo, "x"));
        assertTrue(e.getMessage().contains("not a regular file"), e.getMessage());
        assertTrue(Files.exists(fifo, LinkOption.NOFOLLOW_LINKS));
        assertFalse(Files.isRegularFile(fifo), "the pipe was replaced by a regular file");
        assertEquals(List.of(), leftovers(dir));
        // a link to a pipe is refused as well
        Path link = Files.createSymbolicLink(dir.resolve("to-fifo"), fifo);
        assertThrows(DlsecException.class, () -> AtomicFiles.writeString(link, "x"));
        assertTrue(Files.isSymbolicLink(link));
    }

    @Test
    void devicesAreRefusedBeforeAnythingIsWritten() {
        for (String dev : new String[] {"/dev/null", "/dev/full", "/dev/stdout", "/dev/zero"}) {
            Path p = Path.of(dev);
            if (!Files.exists(p)) {
                continue;
            }
            DlsecException e = assertThrows(DlsecException.class, () -> AtomicFiles.checkTarget(p, "--json"), dev);
            assertTrue(e.getMessage().contains(dev) && e.getMessage().contains("--json"), e.getMessage());
        }
    }

    @Test
    void aFailingWriterLeavesTheOldFileAndNoTemporary(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("keep.txt");
        Files.writeString(f, "old");
        assertThrows(IllegalStateException.class, () -> AtomicFiles.write(f, out -> {
            out.write("partial".getBytes(StandardCharsets.UTF_8));
            throw new IllegalStateException("boom");
        }));
        assertThrows(DlsecException.class, () -> AtomicFiles.write(f, out -> {
            out.write(1);
            throw new IOException("disk full");
        }));
        assertEquals("old", Files.readString(f));
        assertEquals(List.of(), leftovers(dir));
    }

    @Test
    void outputDirectoriesAreCheckedAndEmptyOnesRemoved(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("plain"), "x");
        assertThrows(DlsecException.class, () -> AtomicFiles.directory(file, "--out"));
        Path deep = dir.resolve("a/b/c");
        List<Path> made = AtomicFiles.directory(deep, "--out");
        assertEquals(3, made.size());
        AtomicFiles.removeEmpty(made);
        assertFalse(Files.exists(dir.resolve("a")), "empty directories made for a failed run are removed");
        made = AtomicFiles.directory(deep, "--out");
        Files.writeString(deep.resolve("result.json"), "{}");
        AtomicFiles.removeEmpty(made);
        assertTrue(Files.exists(deep.resolve("result.json")), "a directory with results is kept");
    }

    @Test
    void boundedReadsRefuseHugeFilesAndEndlessDevices(@TempDir Path dir) throws IOException {
        Path f = Files.write(dir.resolve("big"), new byte[4097]);
        DlsecException e = assertThrows(DlsecException.class, () -> BoundedReads.bytes(f, 4096, "token file"));
        assertTrue(e.getMessage().contains("token file") && e.getMessage().contains("4096"), e.getMessage());
        assertArrayEquals(new byte[4097], BoundedReads.bytes(f, 4097, "x"));
        assertThrows(DlsecException.class, () -> BoundedReads.bytes(Path.of("/dev/zero"), 1 << 20, "token file"));
        Files.write(dir.resolve("latin1"), new byte[] {(byte) 0xff, 'a'});
        assertThrows(DlsecException.class, () -> BoundedReads.string(dir.resolve("latin1"), 100, "x"));
    }
}
