package org.dlsec.core;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The one place dlsec writes an output file. A file is written to a fresh temporary file beside it
 * (created exclusively, so never through someone else's link), forced to disk and moved over the
 * target in one atomic rename, so that a reader sees the old file or the whole new one, never half.
 *
 * <p>Only a regular file, or a path where nothing exists yet, is ever replaced: a device
 * ({@code /dev/null}, {@code /dev/full}, {@code /dev/stdout}), a directory, a pipe or a socket is
 * refused with a {@link DlsecException} (exit 2) before anything is written. A symbolic link to a
 * regular file is followed (the file it names is replaced, the link stays). The temporary file is
 * removed on every failure path.
 */
public final class AtomicFiles {
    /** What writes the content; it may throw, the temporary file is removed then. */
    @FunctionalInterface
    public interface Content {
        /**
         * Writes the whole content to {@code out}. The stream is buffered; closing it only flushes, the
         * caller forces and renames the file afterwards.
         *
         * @param out the stream into the temporary file
         * @throws IOException when writing fails; the temporary file is then removed and nothing is replaced
         */
        void writeTo(OutputStream out) throws IOException;
    }

    private AtomicFiles() {}

    /**
     * Checks that {@code file} may be written as an output: it does not exist yet, or it is a regular
     * file (links followed). Call it before long work, so that a bad {@code --json} fails at once.
     *
     * @param file the output path; must not be null or empty
     * @param what how the file is named in error messages, e.g. {@code "--json"}
     * @return the path to replace: {@code file}, or the regular file a link names
     * @throws DlsecException when {@code file} is empty, a directory, a device, pipe or socket, or a
     *         dangling symbolic link
     */
    public static Path checkTarget(Path file, String what) {
        DlsecException.require(file != null && !file.toString().isEmpty(), what, "an output path must not be empty");
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            return file;
        }
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw new DlsecException("refusing to write " + what + " " + file + ": it is a symbolic link to nothing");
        } catch (IOException e) {
            throw new DlsecException("cannot write " + what + " " + file + ": " + e.getMessage(), e);
        }
        if (a.isDirectory()) {
            throw new DlsecException("refusing to write " + what + " " + file + ": it is a directory; give a file name");
        }
        if (!a.isRegularFile()) {
            throw new DlsecException("refusing to write " + what + " " + file + ": it is not a regular file (a device,"
                    + " pipe or socket); dlsec writes only regular files");
        }
        try {
            return Files.isSymbolicLink(file) ? file.toRealPath() : file;
        } catch (IOException e) {
            throw new DlsecException("cannot write " + what + " " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * {@link #checkTarget(Path, String)} for an output file named by {@code file} alone.
     *
     * @param file the output path; must not be null or empty
     * @return the path to replace: {@code file}, or the regular file a link names
     * @throws DlsecException when {@code file} cannot be written (see {@link #checkTarget(Path, String)})
     */
    public static Path checkTarget(Path file) {
        return checkTarget(file, "output");
    }

    /**
     * Writes {@code content} to {@code file} atomically (see the class comment).
     *
     * @param file the output path; an existing regular file is replaced, missing parent directories are created
     * @param content what writes the bytes; called once
     * @throws DlsecException when {@code file} is not writable as an output or an I/O error occurs; the message
     *         names the file and the cause
     */
    public static void write(Path file, Content content) {
        Path target = checkTarget(file, "output");
        Path parent = target.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            createDirectories(parent);
            tmp = newTemporary(parent, target.getFileName().toString());
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE);
                    OutputStream out = Channels.newOutputStream(ch)) {
                OutputStream buffered = new java.io.BufferedOutputStream(out, 1 << 16);
                // writers that close what they are given (Jackson does) only flush: the channel is forced below
                content.writeTo(new java.io.FilterOutputStream(buffered) {
                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        buffered.write(b, off, len); // through the buffer, as single bytes are: order kept
                    }

                    @Override
                    public void close() throws IOException {
                        flush();
                    }
                });
                buffered.flush();
                ch.force(true);
            }
            // the target may have changed while the content was written
            checkTarget(file, "output");
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            tmp = null;
        } catch (IOException e) {
            throw new DlsecException("cannot write " + file + ": " + describe(e), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // nothing more can be done
                }
            }
        }
    }

    /**
     * Writes {@code bytes} to {@code file} atomically (see the class comment).
     *
     * @param file the output path; an existing regular file is replaced, missing parent directories are created
     * @param bytes the whole content of the file
     * @throws DlsecException when {@code file} is not writable as an output or an I/O error occurs
     */
    public static void write(Path file, byte[] bytes) {
        write(file, out -> out.write(bytes));
    }

    /**
     * Writes {@code text} to {@code file} atomically as UTF-8 (see the class comment).
     *
     * @param file the output path; an existing regular file is replaced, missing parent directories are created
     * @param text the whole content of the file
     * @throws DlsecException when {@code file} is not writable as an output or an I/O error occurs
     */
    public static void writeString(Path file, String text) {
        write(file, text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Creates the output directory {@code dir} and its missing parents; refuses a path that exists
     * and is not a directory (links followed).
     *
     * @param dir the directory to create; must not be null or empty
     * @param what how the directory is named in error messages, e.g. {@code "--out"}
     * @return the directories this call created, outermost first (for {@link #removeEmpty})
     * @throws DlsecException when {@code dir} exists and is not a directory, or cannot be created
     */
    public static List<Path> directory(Path dir, String what) {
        DlsecException.require(dir != null && !dir.toString().isEmpty(), what, "an output directory must not be empty");
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new DlsecException("refusing to use " + what + " " + dir + ": it exists and is not a directory");
        }
        try {
            return createDirectories(dir.toAbsolutePath());
        } catch (IOException e) {
            throw new DlsecException("cannot create " + what + " " + dir + ": " + describe(e), e);
        }
    }

    /**
     * Removes those of {@code dirs} (as {@link #directory} returned them) that are still empty, innermost first.
     *
     * @param dirs directories as {@link #directory} returned them; a directory that is not empty stops the
     *         removal (it and those above it are kept)
     */
    public static void removeEmpty(List<Path> dirs) {
        for (int i = dirs.size() - 1; i >= 0; i--) {
            try {
                Files.deleteIfExists(dirs.get(i));
            } catch (IOException e) {
                // not empty (something was written) or not ours to remove: keep it and the ones above
                return;
            }
        }
    }

    private static List<Path> createDirectories(Path dir) throws IOException {
        List<Path> missing = new ArrayList<>();
        for (Path p = dir; p != null && !Files.exists(p); p = p.getParent()) {
            missing.add(0, p);
        }
        List<Path> made = new ArrayList<>();
        for (Path p : missing) {
            try {
                Files.createDirectory(p);
                made.add(p);
            } catch (FileAlreadyExistsException e) {
                if (!Files.isDirectory(p)) {
                    throw new IOException(p + " exists and is not a directory");
                }
            }
        }
        if (!Files.isDirectory(dir)) {
            throw new IOException(dir + " is not a directory");
        }
        return made;
    }

    private static Path newTemporary(Path dir, String name) throws IOException {
        String base = name.length() > 64 ? name.substring(0, 64) : name;
        for (int attempt = 0; ; attempt++) {
            Path p = dir.resolve(".dlsec-" + base + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
            try {
                // CREATE_NEW: never opens an existing file or follows a planted link
                return Files.createFile(p);
            } catch (FileAlreadyExistsException e) {
                if (attempt > 16) {
                    throw e;
                }
            }
        }
    }

    private static String describe(IOException e) {
        String m = e.getMessage();
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied" + (m == null ? "" : " (" + m + ")");
        }
        if (e instanceof FileAlreadyExistsException) {
            return (m == null ? "a path component" : m) + " exists and is not a directory";
        }
        if (e instanceof java.nio.file.FileSystemException fs && fs.getReason() != null) {
            return fs.getReason() + (fs.getFile() == null ? "" : " (" + fs.getFile() + ")");
        }
        return m == null ? e.getClass().getSimpleName() : m;
    }
}
