package org.dlsec.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Hashing;
import org.dlsec.core.Memory;

/**
 * Reads LeCun's IDX format (unsigned-byte payloads only), plain or gzipped.
 *
 * <p>The header is validated before anything is allocated: the magic must be {@code 0x0000 08 n}
 * with 1 ≤ n ≤ 4, every dimension positive, and the declared payload no larger than
 * {@link #MAX_PAYLOAD} and than the heap still available ({@link Memory#require}). The payload must then be exactly as long as declared: a truncated file or
 * one with trailing bytes is rejected. Every failure is a {@link DlsecException} naming the file.
 */
public final class IdxReader {
    /** The largest payload dlsec will allocate for one file (the JVM's array limit). */
    public static final long MAX_PAYLOAD = Integer.MAX_VALUE - 8;

    private IdxReader() {}

    /** A decoded IDX file: its dimensions, its bytes, and the SHA-256 of the decompressed stream. */
    public record IdxFile(int[] dims, byte[] data, String sha256) {
        /**
         * The number of items: the first dimension.
         *
         * @return dims[0]
         */
        public int count() {
            return dims[0];
        }
    }

    /**
     * Reads an IDX file, gzip-compressed or not.
     *
     * @param file the file
     * @return the decoded file
     * @throws org.dlsec.core.DlsecException when the file is missing, unreadable or malformed
     */
    public static IdxFile read(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString());
        } catch (NoSuchFileException e) {
            throw new DlsecException("data file not found: " + file);
        } catch (IOException e) {
            throw new DlsecException("cannot read IDX file " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads an IDX stream; {@code name} is used in error messages only. Gzip is detected from the
     * first two bytes.
     *
     * @param raw the stream; read to its end, not closed
     * @param name how the stream is named in messages
     * @return the decoded file
     * @throws org.dlsec.core.DlsecException when the stream is malformed, truncated or too large
     */
    public static IdxFile read(InputStream raw, String name) {
        try {
            BufferedInputStream buffered = new BufferedInputStream(raw, 1 << 16);
            buffered.mark(2);
            int b0 = buffered.read();
            int b1 = buffered.read();
            buffered.reset();
            InputStream in = (b0 == 0x1f && b1 == 0x8b) ? new GZIPInputStream(buffered, 1 << 16) : buffered;
            MessageDigest md = Hashing.sha256();
            DataInputStream data = new DataInputStream(new DigestInputStream(in, md));
            return parse(data, name, md);
        } catch (ZipException e) {
            throw new DlsecException("corrupt gzip data in " + name + ": " + e.getMessage(), e);
        } catch (EOFException e) {
            throw new DlsecException("truncated IDX file " + name + ": the header is incomplete", e);
        } catch (IOException e) {
            throw new DlsecException("cannot read IDX file " + name + ": " + e.getMessage(), e);
        }
    }

    private static IdxFile parse(DataInputStream in, String name, MessageDigest md) throws IOException {
        int magic = in.readInt();
        int type = (magic >>> 8) & 0xff;
        int ndims = magic & 0xff;
        if ((magic >>> 16) != 0 || ndims < 1 || ndims > 4) {
            throw new DlsecException(String.format(
                    "not an IDX file: %s (magic 0x%08x; expected 0x000008NN with 1 <= NN <= 4)", name, magic));
        }
        if (type != 0x08) {
            throw new DlsecException(String.format(
                    "unsupported IDX element type 0x%02x in %s: dlsec reads unsigned bytes (0x08) only", type, name));
        }
        int[] dims = new int[ndims];
        long size = 1;
        for (int i = 0; i < ndims; i++) {
            dims[i] = in.readInt();
            if (dims[i] <= 0) {
                throw new DlsecException("bad IDX header in " + name + ": dimension " + i + " is " + dims[i]);
            }
            size *= dims[i];
            if (size > MAX_PAYLOAD) {
                throw new DlsecException("IDX file " + name + " declares more than " + MAX_PAYLOAD
                        + " bytes of data, more than dlsec can hold in memory");
            }
        }
        Memory.require(size, "IDX file " + name);
        // read in growing chunks, not into an array of the declared size: a short file that declares
        // a large payload costs only what it holds
        byte[] payload = in.readNBytes((int) size);
        if (payload.length < size) {
            throw new DlsecException("truncated IDX file " + name + ": expected " + size
                    + " bytes of data, found " + payload.length);
        }
        if (in.read() != -1) {
            throw new DlsecException("IDX file " + name + " has trailing bytes after the declared "
                    + payload.length + " bytes of data");
        }
        return new IdxFile(dims, payload, Hashing.hex(md));
    }
}
