package org.dlsec.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 of files and bytes, as lowercase hex. */
public final class Hashing {
    private Hashing() {}

    /**
     * A new SHA-256 digest, to hash content that arrives in pieces.
     *
     * @return a fresh digest; not thread-safe, use one per thread
     * @throws IllegalStateException when the JVM provides no SHA-256 (never on a standard JVM)
     */
    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }

    /**
     * Completes {@code digest} and formats it.
     *
     * @param digest the digest to complete; it is reset by this call
     * @return the digest as lowercase hex (64 characters for SHA-256)
     */
    public static String hex(MessageDigest digest) {
        return HexFormat.of().formatHex(digest.digest());
    }

    /**
     * The SHA-256 of {@code bytes}.
     *
     * @param bytes the content to hash
     * @return 64 lowercase hex characters
     */
    public static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(sha256().digest(bytes));
    }

    /**
     * The SHA-256 of the content of {@code file}, read in 64 KiB blocks (no size limit).
     *
     * @param file the file to hash
     * @return 64 lowercase hex characters
     * @throws java.io.UncheckedIOException when the file cannot be read
     */
    public static String sha256(Path file) {
        MessageDigest md = sha256();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return hex(md);
    }
}
