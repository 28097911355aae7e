package org.dlsec.model;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;
import org.dlsec.core.DlsecException;

/**
 * Checks a TorchScript archive before libtorch sees it, which does not validate what it reads: a
 * storage offset past the end of a storage makes it read out of bounds (a JVM crash), a short record
 * loads as a garbage model. The zip: entries under one root folder, plain relative names (no
 * {@code ..}, no absolute paths, no backslashes or control characters), no duplicates (compared as
 * libtorch's miniz does, ignoring case), stored or deflated only, no encryption, declared sizes and CRCs
 * that match the data, a compression-ratio cap against zip bombs, bounded counts and sizes. The
 * pickles ({@code data.pkl}, {@code constants.pkl}, {@code code/*.debug_pkl}) go through the
 * restricted {@link TorchPickle}; every storage record must hold exactly {@code numel × element size}
 * bytes; the code files must be UTF-8 and call no operator outside the {@code aten}, {@code prim} and
 * {@code quantized} namespaces, nor {@code from_file}. What this does not check: the TorchScript code
 * is still run by libtorch's interpreter (it can loop forever or allocate from its inputs' shapes).
 */
final class TorchScriptCheck {
    static final int MAX_ENTRIES = 100_000;
    static final int MAX_NAME = 1024;
    static final long MAX_CENTRAL_DIRECTORY = 32L << 20;
    /** Largest pickle or code file read into memory. */
    static final long MAX_TEXT = 64L << 20;
    /** A deflated entry may expand at most this much (past {@link #RATIO_FREE} bytes). */
    static final long MAX_RATIO = 100;
    static final long RATIO_FREE = 1L << 20;
    private static final Pattern OPS = Pattern.compile("\\bops\\s*\\.\\s*([A-Za-z_][A-Za-z0-9_]*)");
    private static final java.util.Set<String> OP_NAMESPACES = java.util.Set.of("aten", "prim", "quantized");

    /** What a checked archive holds. */
    record Summary(int entries, int storages, int tensors, long storageBytes) {}

    private static final String PREFIX = "not a loadable TorchScript model: ";

    private TorchScriptCheck() {}

    /** Checks the archive {@code file}; {@code maxBytes} caps its total uncompressed size. */
    static Summary check(Path file, long maxBytes) {
        try (SeekableByteChannel ch = Files.newByteChannel(file)) {
            return check(ch, file.toString(), maxBytes);
        } catch (IOException e) {
            throw new DlsecException("cannot read " + file + ": " + Models.firstLine(e.getMessage()), e);
        }
    }

    /** Checks an archive held in memory (the fuzz target's entry point). */
    static Summary check(byte[] bytes, String source, long maxBytes) {
        try (SeekableByteChannel ch = new SeekableInMemoryByteChannel(bytes)) {
            return check(ch, source, maxBytes);
        } catch (IOException e) {
            throw new DlsecException("cannot read " + source + ": " + Models.firstLine(e.getMessage()), e);
        }
    }

    private static DlsecException bad(String source, String what) {
        return new DlsecException(PREFIX + source + ": " + what);
    }

    private static Summary check(SeekableByteChannel ch, String source, long maxBytes) throws IOException {
        if (ch.size() < 22) {
            throw bad(source, "too short for a zip archive");
        }
        ByteBuffer head = ByteBuffer.allocate(4);
        ch.position(0);
        readFully(ch, head);
        if (head.getInt(0) != 0x504b0304) { // "PK\3\4": libtorch reads zip archives only
            throw bad(source, "not a zip archive (torch.jit.save writes one)");
        }
        centralDirectory(ch, source);
        ch.position(0);
        ZipFile zip;
        try {
            zip = ZipFile.builder().setSeekableByteChannel(ch).setUseUnicodeExtraFields(false).get();
        } catch (IOException | RuntimeException e) {
            throw bad(source, "unreadable zip (" + Models.firstLine(e.getMessage()) + ")");
        }
        try (zip) {
            return entries(zip, source, maxBytes);
        } catch (IOException e) {
            throw bad(source, "unreadable zip entry (" + Models.firstLine(e.getMessage()) + ")");
        }
    }

    /** Refuses a central directory that declares more entries or bytes than dlsec reads, before parsing it. */
    private static void centralDirectory(SeekableByteChannel ch, String source) throws IOException {
        long size = ch.size();
        int tail = (int) Math.min(size, 22 + 65_535);
        ByteBuffer t = ByteBuffer.allocate(tail).order(ByteOrder.LITTLE_ENDIAN);
        ch.position(size - tail);
        readFully(ch, t);
        int eocd = -1;
        for (int i = tail - 22; i >= 0; i--) {
            if (t.getInt(i) == 0x06054b50) {
                eocd = i;
                break;
            }
        }
        if (eocd < 0) {
            throw bad(source, "no end-of-central-directory record");
        }
        long entries = t.getShort(eocd + 10) & 0xffff;
        long cdSize = t.getInt(eocd + 12) & 0xffffffffL;
        if ((entries == 0xffff || cdSize == 0xffffffffL) && eocd >= 20 && t.getInt(eocd - 20) == 0x07064b50) {
            long z64 = t.getLong(eocd - 12);
            if (z64 < 0 || z64 > size - 56) {
                throw bad(source, "zip64 end record out of the file");
            }
            ByteBuffer z = ByteBuffer.allocate(56).order(ByteOrder.LITTLE_ENDIAN);
            ch.position(z64);
            readFully(ch, z);
            if (z.getInt(0) != 0x06064b50) {
                throw bad(source, "bad zip64 end record");
            }
            entries = z.getLong(32);
            cdSize = z.getLong(40);
        }
        if (entries < 1 || entries > MAX_ENTRIES) {
            throw bad(source, entries + " entries (1 to " + MAX_ENTRIES + " accepted)");
        }
        if (cdSize < 0 || cdSize > MAX_CENTRAL_DIRECTORY || cdSize > size) {
            throw bad(source, "a central directory of " + cdSize + " bytes");
        }
    }

    private static void readFully(SeekableByteChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            if (ch.read(b) < 0) {
                throw new IOException("unexpected end of file");
            }
        }
    }

    private static Summary entries(ZipFile zip, String source, long maxBytes) throws IOException {
        List<ZipArchiveEntry> all = Collections.list(zip.getEntriesInPhysicalOrder());
        if (all.isEmpty() || all.size() > MAX_ENTRIES) {
            throw bad(source, all.size() + " entries");
        }
        String root = null;
        Map<String, ZipArchiveEntry> byName = new HashMap<>();
        Map<String, String> folded = new HashMap<>();
        long total = 0;
        for (ZipArchiveEntry e : all) {
            String name = e.getName();
            checkName(name, source);
            int slash = name.indexOf('/');
            String r = slash < 0 ? name : name.substring(0, slash);
            if (slash < 1 || (root != null && !root.equals(r))) {
                throw bad(source, "entry '" + TorchPickle.printable(name) + "' is outside the archive's folder '"
                        + TorchPickle.printable(root == null ? r : root) + "/'");
            }
            root = r;
            String prev = folded.put(name.toLowerCase(Locale.ROOT), name);
            if (prev != null) {
                throw bad(source, "duplicate entry '" + TorchPickle.printable(name) + "'");
            }
            if (e.getGeneralPurposeBit().usesEncryption()) {
                throw bad(source, "encrypted entry '" + TorchPickle.printable(name) + "'");
            }
            int method = e.getMethod();
            if (method != ZipArchiveEntry.STORED && method != ZipArchiveEntry.DEFLATED) {
                throw bad(source, "entry '" + TorchPickle.printable(name) + "' uses compression method " + method
                        + " (stored or deflated only)");
            }
            long size = e.getSize();
            long csize = e.getCompressedSize();
            if (size < 0 || csize < 0) {
                throw bad(source, "entry '" + TorchPickle.printable(name) + "' has no size");
            }
            if (method == ZipArchiveEntry.STORED && size != csize) {
                throw bad(source, "stored entry '" + TorchPickle.printable(name) + "' declares " + size + " bytes but holds "
                        + csize);
            }
            if (method == ZipArchiveEntry.DEFLATED && size > RATIO_FREE && size / Math.max(1, csize) > MAX_RATIO) {
                throw bad(source, "entry '" + TorchPickle.printable(name) + "' expands " + csize + " bytes to " + size
                        + " (a zip bomb?)");
            }
            total += size;
            if (total > maxBytes) {
                throw bad(source, "more than " + maxBytes + " bytes uncompressed (dlsec.maxModelBytes)");
            }
            if (!name.endsWith("/")) {
                byName.put(name.substring(root.length() + 1), e);
            }
        }
        if (byName.containsKey("model.json")) {
            throw bad(source, "a legacy (PyTorch < 1.3) archive with model.json; re-save it with torch.jit.save");
        }
        for (String n : byName.keySet()) {
            if (!known(n)) {
                throw bad(source, "unexpected entry '" + TorchPickle.printable(root + "/" + n)
                        + "' (not something torch.jit.save writes)");
            }
        }
        // every entry's bytes against its declared size and CRC; pickles and code kept for the checks below
        Map<String, byte[]> text = new HashMap<>();
        byte[] buf = new byte[1 << 14];
        for (ZipArchiveEntry e : all) {
            String n = e.getName().endsWith("/") ? null : e.getName().substring(root.length() + 1);
            boolean keep = n != null && (n.endsWith(".pkl") || n.endsWith(".debug_pkl") || n.endsWith(".py")
                    || n.equals("version") || n.equals(".data/version") || n.equals("byteorder"));
            if (keep && e.getSize() > MAX_TEXT) {
                throw bad(source, "entry '" + TorchPickle.printable(e.getName()) + "' of " + e.getSize() + " bytes");
            }
            byte[] kept = readEntry(zip, e, source, keep, buf);
            if (keep) {
                text.put(n, kept);
            }
        }
        String version = text.containsKey("version") ? "version" : ".data/version";
        if (!text.containsKey(version)) {
            throw bad(source, "no version record");
        }
        String v = new String(text.get(version), StandardCharsets.US_ASCII).strip();
        if (!v.matches("[0-9]{1,4}")) {
            throw bad(source, "version record '" + TorchPickle.printable(v) + "' is not a number");
        }
        if (text.containsKey("byteorder")) {
            String bo = new String(text.get("byteorder"), StandardCharsets.US_ASCII).strip();
            if (!bo.equals("little") && !bo.equals("big")) {
                throw bad(source, "byteorder '" + TorchPickle.printable(bo) + "'");
            }
        }
        if (!text.containsKey("data.pkl")) {
            throw bad(source, "no data.pkl");
        }
        int storages = 0;
        int tensors = 0;
        long storageBytes = 0;
        for (String archive : new String[] {"data", "constants"}) {
            byte[] pkl = text.get(archive + ".pkl");
            if (pkl == null) {
                continue;
            }
            String where = PREFIX + source + ": " + root + "/" + archive + ".pkl";
            TorchPickle p = TorchPickle.read(pkl, where, true);
            Object top = p.root();
            if (archive.equals("data") ? !(top instanceof TorchPickle.Obj) : !(top instanceof TorchPickle.Tup)) {
                throw new DlsecException(where + ": the root object is not a "
                        + (archive.equals("data") ? "scripted module" : "tuple of constants"));
            }
            for (TorchPickle.Storage s : p.storages().values()) {
                ZipArchiveEntry e = byName.get(archive + "/" + s.key());
                if (e == null) {
                    e = byName.get(".data/" + s.key());
                }
                if (e == null) {
                    throw bad(source, archive + ".pkl names storage " + s.key() + " but there is no record "
                            + archive + "/" + s.key());
                }
                long want = s.numel() * s.elementSize();
                if (e.getSize() != want) {
                    throw bad(source, "record " + TorchPickle.printable(e.getName()) + " holds " + e.getSize()
                            + " bytes but " + archive + ".pkl declares " + s.numel() + " " + s.type() + " elements ("
                            + want + " bytes)");
                }
                storageBytes += want;
            }
            storages += p.storages().size();
            tensors += p.tensors().size();
        }
        for (Map.Entry<String, byte[]> t : text.entrySet()) {
            String n = t.getKey();
            if (n.startsWith("code/") && n.endsWith(".debug_pkl")) {
                TorchPickle.read(t.getValue(), PREFIX + source + ": " + root + "/" + n, false);
            } else if (n.startsWith("code/") && n.endsWith(".py")) {
                code(t.getValue(), PREFIX + source + ": " + root + "/" + n);
            }
        }
        return new Summary(all.size(), storages, tensors, storageBytes);
    }

    private static boolean known(String n) {
        return switch (n) {
            case "data.pkl", "constants.pkl", "version", "byteorder", "bytecode.pkl", "mobile_info.json",
                    "producer_info.json" -> true;
            default -> n.startsWith("data/") || n.startsWith("constants/") || n.startsWith(".data/")
                    || n.startsWith("extra/") || (n.startsWith("code/")
                            && (n.endsWith("/") || n.endsWith(".py") || n.endsWith(".debug_pkl")));
        };
    }

    private static void checkName(String name, String source) {
        String shown = TorchPickle.printable(name);
        if (name.isEmpty() || name.length() > MAX_NAME) {
            throw bad(source, "an entry name of " + name.length() + " characters");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '\\' || c == ':') {
                throw bad(source, "entry name '" + shown + "' contains a control character, '\\' or ':'");
            }
        }
        if (name.startsWith("/")) {
            throw bad(source, "absolute entry name '" + shown + "'");
        }
        String[] parts = name.split("/", -1);
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i];
            if (p.equals("..") || p.equals(".") || (p.isEmpty() && i < parts.length - 1)) {
                throw bad(source, "entry name '" + shown + "' is not a plain relative path (path traversal?)");
            }
        }
    }

    /** Reads an entry through, checking its size and CRC; returns the bytes if {@code keep}. */
    private static byte[] readEntry(ZipFile zip, ZipArchiveEntry e, String source, boolean keep, byte[] buf)
            throws IOException {
        String shown = TorchPickle.printable(e.getName());
        long declared = e.getSize();
        CRC32 crc = new CRC32();
        ByteArrayOutputStream out = keep ? new ByteArrayOutputStream((int) Math.min(declared, 1 << 13)) : null;
        long n = 0;
        if (!zip.canReadEntryData(e)) {
            throw bad(source, "entry '" + shown + "' cannot be read");
        }
        try (InputStream in = zip.getInputStream(e)) {
            int r;
            while ((r = in.read(buf, 0, (int) Math.min(buf.length, declared - n + 1))) > 0) {
                n += r;
                if (n > declared) {
                    throw bad(source, "entry '" + shown + "' holds more than the " + declared + " bytes it declares");
                }
                crc.update(buf, 0, r);
                if (out != null) {
                    out.write(buf, 0, r);
                }
            }
        } catch (IOException | RuntimeException x) {
            if (x instanceof DlsecException d) {
                throw d;
            }
            throw bad(source, "entry '" + shown + "' is corrupt (" + Models.firstLine(x.getMessage()) + ")");
        }
        if (n != declared) {
            throw bad(source, "entry '" + shown + "' holds " + n + " bytes but declares " + declared);
        }
        if (crc.getValue() != e.getCrc()) {
            throw bad(source, "entry '" + shown + "' fails its CRC check");
        }
        return out == null ? null : out.toByteArray();
    }

    /** TorchScript source: UTF-8 text calling operators of the core namespaces only. */
    private static void code(byte[] bytes, String where) {
        String s;
        try {
            s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new DlsecException(where + ": TorchScript code that is not UTF-8 text");
        }
        if (s.indexOf('\0') >= 0) {
            throw new DlsecException(where + ": TorchScript code with a NUL character");
        }
        if (s.contains("from_file")) {
            throw new DlsecException(where + ": TorchScript code calls from_file (reads or maps files); dlsec refuses it");
        }
        Matcher m = OPS.matcher(s);
        List<String> bad = new ArrayList<>();
        while (m.find()) {
            if (!OP_NAMESPACES.contains(m.group(1))) {
                bad.add(m.group(1));
            }
        }
        if (!bad.isEmpty()) {
            throw new DlsecException(where + ": TorchScript code calls operators of the '" + TorchPickle.printable(bad.get(0))
                    + "' namespace (custom operators); dlsec accepts aten, prim and quantized only");
        }
    }
}
