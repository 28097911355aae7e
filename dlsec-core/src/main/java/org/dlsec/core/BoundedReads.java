package org.dlsec.core;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads small input files (tokens, configurations, class-name lists) with a size cap: at most
 * {@code max} + 1 bytes are ever read, so a huge file or an endless device ({@code /dev/zero}) is
 * refused with a {@link DlsecException} naming the file and the limit, instead of filling the heap.
 */
public final class BoundedReads {
    /** The cap for small text files such as token files and class-name lists. */
    public static final long SMALL_TEXT = 1L << 20;

    private BoundedReads() {}

    /**
     * The bytes of {@code file}; refused beyond {@code max} bytes. {@code what} names the file in messages.
     *
     * @param file the file to read
     * @param max the largest accepted size in bytes, 0 to {@code Integer.MAX_VALUE - 17}
     * @param what how the file is named in error messages, e.g. {@code "token file"}
     * @return the file's bytes, at most {@code max} of them
     * @throws DlsecException when {@code file} is missing, a directory, unreadable or larger than {@code max}
     *         bytes, or {@code max} is out of range
     */
    public static byte[] bytes(Path file, long max, String what) {
        DlsecException.require(max >= 0 && max < Integer.MAX_VALUE - 16, "read limit", "out of range: " + max);
        if (Files.isDirectory(file)) {
            throw new DlsecException(what + " " + file + " is a directory, not a file");
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] b = in.readNBytes((int) max + 1);
            if (b.length > max) {
                throw new DlsecException(what + " " + file + " is larger than the limit of " + max + " bytes");
            }
            return b;
        } catch (NoSuchFileException e) {
            throw new DlsecException(what + " not found: " + file);
        } catch (IOException e) {
            throw new DlsecException("cannot read " + what + " " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The UTF-8 text of {@code file}; refused beyond {@code max} bytes or when it is not UTF-8.
     *
     * @param file the file to read
     * @param max the largest accepted size in bytes
     * @param what how the file is named in error messages
     * @return the file's text
     * @throws DlsecException when {@code file} is missing, unreadable, larger than {@code max} bytes or not
     *         valid UTF-8
     */
    public static String string(Path file, long max, String what) {
        byte[] b = bytes(file, max, what);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            throw new DlsecException(what + " " + file + " is not UTF-8 text");
        }
    }

    /**
     * The lines of the UTF-8 text {@code file}; refused beyond {@code max} bytes.
     *
     * @param file the file to read
     * @param max the largest accepted size in bytes
     * @param what how the file is named in error messages
     * @return the file's lines without their terminators, in order
     * @throws DlsecException when {@code file} is missing, unreadable, larger than {@code max} bytes or not
     *         valid UTF-8
     */
    public static List<String> lines(Path file, long max, String what) {
        return string(file, max, what).lines().toList();
    }
}
