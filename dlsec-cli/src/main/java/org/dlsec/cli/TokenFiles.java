package org.dlsec.cli;

import java.nio.file.Path;
import java.util.List;
import org.dlsec.core.BoundedReads;
import org.dlsec.core.DlsecException;

/** Bearer-token files of {@code serve --token-file} and {@code extract --token-file}: one token per line, # comments. */
final class TokenFiles {
    /** The largest token file read (64 KiB: a thousand tokens). */
    static final long MAX_BYTES = 64 * 1024;

    private TokenFiles() {}

    /** Every token of {@code file}; at least one. */
    static List<String> read(Path file) {
        // capped: a token file is a few lines, and /dev/zero must not fill the heap
        List<String> t = BoundedReads.lines(file, MAX_BYTES, "token file").stream().map(String::strip)
                .filter(s -> !s.isEmpty() && !s.startsWith("#")).toList();
        if (t.isEmpty()) {
            throw new DlsecException("token file " + file + " holds no token");
        }
        return t;
    }

    /** The first token of {@code file}. */
    static String first(Path file) {
        return read(file).get(0);
    }
}
