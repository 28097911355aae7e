package org.dlsec.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import org.dlsec.core.AtomicFiles;
import org.dlsec.core.DlsecException;

/**
 * Checks a command's output paths before it starts its work, so that an unusable {@code --json}
 * (a device, a directory) fails at once with exit 2 rather than after an hour of attacks. The writes
 * themselves go through {@link AtomicFiles}, which checks again.
 */
final class Outputs {
    private Outputs() {}

    /** {@code file} (may be null: not asked for) must be a regular file or not exist yet. */
    static void file(Path file, String flag) {
        if (file != null) {
            AtomicFiles.checkTarget(file, flag);
        }
    }

    /** {@code dir} (may be null) must be a directory or not exist yet. */
    static void dir(Path dir, String flag) {
        if (dir != null && Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new DlsecException("refusing to use " + flag + " " + dir + ": it exists and is not a directory");
        }
    }
}
