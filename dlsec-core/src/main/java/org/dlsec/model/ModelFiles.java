package org.dlsec.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Memory;

/**
 * The size limit on model files, applied before a file is hashed, read or handed to a native
 * loader: {@value #DEFAULT_MAX_BYTES} bytes (2 GiB) unless the system property
 * {@value #PROPERTY} says otherwise (e.g. {@code JAVA_OPTS=-Ddlsec.maxModelBytes=8g}; suffixes k, m, g).
 */
public final class ModelFiles {
    /**
     * The system property that sets the limit, in bytes with an optional suffix k, m or g.
     */
    public static final String PROPERTY = "dlsec.maxModelBytes";
    /**
     * The default limit: 2 GiB.
     */
    public static final long DEFAULT_MAX_BYTES = 2L << 30;

    private ModelFiles() {}

    /**
     * The limit in force.
     *
     * @return the limit in bytes: {@value #PROPERTY} if set, else {@value #DEFAULT_MAX_BYTES}
     * @throws DlsecException when the property is set but not a positive size
     */
    public static long maxBytes() {
        String v = System.getProperty(PROPERTY);
        if (v == null || v.isBlank()) {
            return DEFAULT_MAX_BYTES;
        }
        String t = v.strip().toLowerCase(java.util.Locale.ROOT);
        long unit = 1;
        char last = t.charAt(t.length() - 1);
        if (last == 'k' || last == 'm' || last == 'g') {
            unit = last == 'k' ? 1L << 10 : last == 'm' ? 1L << 20 : 1L << 30;
            t = t.substring(0, t.length() - 1);
        }
        try {
            long n = Math.multiplyExact(Long.parseLong(t), unit);
            if (n < 1) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException | ArithmeticException e) {
            throw new DlsecException("invalid -D" + PROPERTY + "=" + TorchPickle.printable(v)
                    + ": expected a positive number of bytes (suffix k, m or g allowed)");
        }
    }

    /**
     * The size of {@code file} ({@code what} names it in messages), refused when it is not a regular
     * file, is over {@link #maxBytes()} or is more than the machine has memory for.
     *
     * @param file the model or weights file
     * @param what how the file is named in messages, e.g. {@code "the model"}
     * @return the file's size in bytes
     * @throws DlsecException when the file is missing, not a regular file, over the limit or larger than the
     *         available memory
     */
    public static long requireSize(Path file, String what) {
        try {
            if (!Files.isRegularFile(file)) {
                throw new DlsecException(what + " " + file + " is not a regular file");
            }
            long size = Files.size(file);
            long max = maxBytes();
            if (size > max) {
                throw new DlsecException(what + " " + file + " is " + size + " bytes, more than the " + max
                        + " dlsec loads (raise it with JAVA_OPTS=-D" + PROPERTY + "=...)");
            }
            Memory.requireNative(size, what + " " + file);
            return size;
        } catch (IOException e) {
            throw new DlsecException("cannot read " + file + ": " + Models.firstLine(e.getMessage()), e);
        }
    }

    /** The bytes of {@code file}, after {@link #requireSize} and a heap check. */
    static byte[] read(Path file) {
        long size = requireSize(file, "the model");
        if (size > Integer.MAX_VALUE - 16) {
            throw new DlsecException("the model " + file + " is " + size + " bytes, more than one array holds");
        }
        Memory.require(size, "the model " + file);
        try {
            byte[] b = Files.readAllBytes(file);
            if (b.length != size) {
                throw new DlsecException("the model " + file + " changed while it was read");
            }
            return b;
        } catch (IOException e) {
            throw new DlsecException("cannot read " + file + ": " + Models.firstLine(e.getMessage()), e);
        }
    }
}
