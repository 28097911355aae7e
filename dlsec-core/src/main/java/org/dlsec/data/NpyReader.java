package org.dlsec.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Hashing;
import org.dlsec.core.Memory;

/**
 * Reads NumPy's {@code .npy} format (versions 1 to 3) and {@code .npz} archives of them (stored or
 * deflated, as {@code np.savez} and {@code np.savez_compressed} write).
 *
 * <p>Element types: float32, float64, unsigned and signed integers of 1 to 8 bytes, little- or
 * big-endian; C order only. The header is checked before anything is allocated: the declared size
 * must fit a Java array and the heap ({@link Memory#require}), and the payload must then be exactly
 * as long as declared. Every failure is a {@link DlsecException} naming the file and the array.
 */
final class NpyReader {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([<>|=])([a-z])(\\d+)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");
    private static final long MAX_BYTES = Integer.MAX_VALUE - 8;

    private NpyReader() {}

    /**
     * One array: its shape, its element kind ('f' float, 'u' unsigned, 'i' signed) and size, and its
     * values (floats for float kinds, longs for integer kinds).
     */
    record NpyArray(long[] shape, char kind, int itemSize, float[] floats, long[] longs, String sha256) {
        long count() {
            long n = 1;
            for (long v : shape) {
                n *= v;
            }
            return n;
        }

        String dtype() {
            return (kind == 'f' ? "float" : kind == 'u' ? "uint" : "int") + itemSize * 8;
        }
    }

    static NpyArray readNpy(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return readNpy(in, file.toString());
        } catch (NoSuchFileException e) {
            throw new DlsecException("data file not found: " + file);
        } catch (IOException e) {
            throw new DlsecException("cannot read .npy file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads one .npy stream to its end; {@code name} is used in messages only. */
    static NpyArray readNpy(InputStream raw, String name) {
        try {
            MessageDigest md = Hashing.sha256();
            DataInputStream in = new DataInputStream(new BufferedInputStream(new DigestInputStream(raw, md), 1 << 16));
            NpyArray a = parse(in, name);
            if (in.read() != -1) {
                throw new DlsecException(".npy array " + name + " has trailing bytes after its declared data");
            }
            return new NpyArray(a.shape, a.kind, a.itemSize, a.floats, a.longs, Hashing.hex(md));
        } catch (EOFException e) {
            throw new DlsecException("truncated .npy array " + name + ": the header is incomplete", e);
        } catch (IOException e) {
            throw new DlsecException("cannot read .npy array " + name + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads the arrays named in {@code keys} from a .npz archive; the others are skipped. Fails when
     * one of them is missing, naming the ones present.
     *
     * @return key → array, in the order of {@code keys}
     */
    static Map<String, NpyArray> readNpz(InputStream raw, String name, List<String> keys) {
        Map<String, NpyArray> found = new LinkedHashMap<>();
        List<String> present = new ArrayList<>();
        try (ZipInputStream zip = new ZipInputStream(new BufferedInputStream(raw, 1 << 16))) {
            ZipEntry e;
            while ((e = zip.getNextEntry()) != null) {
                String entry = e.getName();
                String key = entry.endsWith(".npy") ? entry.substring(0, entry.length() - 4) : entry;
                present.add(key);
                if (keys.contains(key)) {
                    if (found.containsKey(key)) {
                        throw new DlsecException(".npz file " + name + " holds the array '" + org.dlsec.core.Text.echo(key) + "' twice");
                    }
                    found.put(key, readNpy(new NonClosing(zip), name + ":" + entry));
                }
            }
        } catch (ZipException e) {
            throw new DlsecException("corrupt .npz (zip) file " + name + ": " + e.getMessage(), e);
        } catch (EOFException e) {
            throw new DlsecException("truncated .npz (zip) file " + name, e);
        } catch (IOException e) {
            throw new DlsecException("cannot read .npz file " + name + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            // ZipInputStream's answer to some malformed entry names and headers
            throw new DlsecException("corrupt .npz (zip) file " + name + ": " + e.getMessage(), e);
        }
        if (present.isEmpty()) {
            throw new DlsecException("not a .npz file (no zip entries): " + name);
        }
        for (String k : keys) {
            if (!found.containsKey(k)) {
                throw new DlsecException(".npz file " + name + " has no array '" + org.dlsec.core.Text.echo(k) + "' (its arrays: "
                        + String.join(", ", present) + "); name them with --npz-keys X,Y");
            }
        }
        Map<String, NpyArray> out = new LinkedHashMap<>();
        for (String k : keys) {
            out.put(k, found.get(k));
        }
        return out;
    }

    private static NpyArray parse(DataInputStream in, String name) throws IOException {
        byte[] magic = new byte[6];
        in.readFully(magic);
        if (!java.util.Arrays.equals(magic, MAGIC)) {
            throw new DlsecException("not a .npy array: " + name + " (no \\x93NUMPY magic)");
        }
        int major = in.readUnsignedByte();
        in.readUnsignedByte();
        long headerLen;
        if (major == 1) {
            headerLen = Short.toUnsignedInt(Short.reverseBytes(in.readShort()));
        } else if (major == 2 || major == 3) {
            headerLen = Integer.toUnsignedLong(Integer.reverseBytes(in.readInt()));
        } else {
            throw new DlsecException("unsupported .npy format version " + major + " in " + name);
        }
        if (headerLen > 1 << 20) {
            throw new DlsecException(".npy array " + name + " declares a " + headerLen + "-byte header");
        }
        byte[] hb = new byte[(int) headerLen];
        in.readFully(hb);
        String header = new String(hb, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Matcher d = DESCR.matcher(header);
        Matcher f = FORTRAN.matcher(header);
        Matcher s = SHAPE.matcher(header);
        if (!d.find() || !f.find() || !s.find()) {
            throw new DlsecException("bad .npy header in " + name + ": expected descr, fortran_order and shape, found "
                    + abbreviate(header.trim()));
        }
        if (f.group(1).equals("True")) {
            throw new DlsecException(".npy array " + name + " is in Fortran order: save it in C order"
                    + " (np.ascontiguousarray)");
        }
        char order = d.group(1).charAt(0);
        char kind = d.group(2).charAt(0);
        int itemSize = Integer.parseInt(d.group(3).length() > 2 ? "99" : d.group(3));
        boolean ok = switch (kind) {
            case 'f' -> itemSize == 4 || itemSize == 8;
            case 'u', 'i' -> itemSize == 1 || itemSize == 2 || itemSize == 4 || itemSize == 8;
            default -> false;
        };
        if (!ok) {
            throw new DlsecException("unsupported .npy element type '" + d.group(1) + kind + d.group(3) + "' in " + name
                    + ": dlsec reads float32/64 and (unsigned) integers");
        }
        long[] shape = shape(s.group(1), name);
        long count = 1;
        for (long v : shape) {
            count *= v;
            if (count * itemSize > MAX_BYTES) {
                throw new DlsecException(".npy array " + name + " declares more than " + MAX_BYTES
                        + " bytes of data, more than dlsec can hold in memory");
            }
        }
        long bytes = count * itemSize;
        Memory.require(bytes + count * (kind == 'f' ? 4 : 8), ".npy array " + name);
        // read in growing chunks, not into an array of the declared size: a short file costs what it holds
        byte[] payload = in.readNBytes((int) bytes);
        if (payload.length < bytes) {
            throw new DlsecException("truncated .npy array " + name + ": expected " + bytes + " bytes of data, found "
                    + payload.length);
        }
        ByteBuffer b = ByteBuffer.wrap(payload).order(order == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        int n = (int) count;
        if (kind == 'f') {
            float[] v = new float[n];
            if (itemSize == 4) {
                b.asFloatBuffer().get(v);
            } else {
                for (int i = 0; i < n; i++) {
                    v[i] = (float) b.getDouble(i * 8);
                }
            }
            return new NpyArray(shape, kind, itemSize, v, null, null);
        }
        long[] v = new long[n];
        for (int i = 0; i < n; i++) {
            v[i] = switch (itemSize) {
                case 1 -> kind == 'u' ? payload[i] & 0xffL : payload[i];
                case 2 -> kind == 'u' ? b.getShort(i * 2) & 0xffffL : b.getShort(i * 2);
                case 4 -> kind == 'u' ? b.getInt(i * 4) & 0xffffffffL : b.getInt(i * 4);
                default -> b.getLong(i * 8);
            };
        }
        return new NpyArray(shape, kind, itemSize, null, v, null);
    }

    private static long[] shape(String text, String name) {
        String t = text.trim();
        if (t.isEmpty()) {
            return new long[0];
        }
        String[] parts = t.split(",", -1);
        int k = parts.length;
        if (parts[k - 1].trim().isEmpty()) {
            k--;
        }
        if (k > 8) {
            throw new DlsecException("bad .npy shape (" + abbreviate(t) + ") in " + name + ": more than 8 dimensions");
        }
        long[] shape = new long[k];
        for (int i = 0; i < k; i++) {
            String p = parts[i].trim().replaceAll("L$", "");
            if (!p.matches("\\d{1,12}")) {
                throw new DlsecException("bad .npy shape (" + abbreviate(t) + ") in " + name);
            }
            shape[i] = Long.parseLong(p);
        }
        return shape;
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }

    /** Lets one entry be read to its end without closing the archive. */
    private static final class NonClosing extends java.io.FilterInputStream {
        NonClosing(InputStream in) {
            super(in);
        }

        @Override
        public void close() {
            // the archive stays open for its next entry
        }
    }
}
