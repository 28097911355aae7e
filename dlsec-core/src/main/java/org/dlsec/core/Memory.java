package org.dlsec.core;

/**
 * Heap checks made before a large allocation, so that a file or a parameter asking for more memory
 * than the JVM has fails with a clear {@link DlsecException} instead of an {@link OutOfMemoryError}
 * trace. The figure compared is what the heap could still grow to: {@code maxMemory} minus what is
 * in use now.
 */
public final class Memory {
    private Memory() {}

    /**
     * Bytes the heap can still hand out (after a full collection, at most).
     *
     * @return {@code maxMemory - (totalMemory - freeMemory)}, in bytes
     */
    public static long available() {
        Runtime rt = Runtime.getRuntime();
        return rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
    }

    /**
     * Fails when {@code bytes} (what {@code what} needs) exceed the heap still available; the
     * message says how much was asked for, how much there is, and how to get more.
     *
     * @param bytes the size of the planned allocation, in bytes; negative means an overflowed size computation
     * @param what how the allocation is named in the message, e.g. {@code "the test split"}
     * @throws DlsecException when {@code bytes} is negative or more than the heap can still provide after a
     *         collection
     */
    public static void require(long bytes, String what) {
        if (bytes < 0) {
            throw new DlsecException(what + " declares a negative or overflowing size");
        }
        if (bytes > available()) {
            // one collection before giving up: the garbage of an earlier step may be what is in the way
            System.gc();
            long free = available();
            if (bytes > free) {
                throw new DlsecException(what + " needs " + mib(bytes) + " MiB of memory but the JVM has only "
                        + mib(free) + " MiB available (maximum heap " + mib(Runtime.getRuntime().maxMemory())
                        + " MiB); use a smaller --limit or raise the heap with JAVA_OPTS=-Xmx...");
            }
        }
    }

    private static long mib(long bytes) {
        return bytes >> 20;
    }

    /**
     * Fails when a native allocation of {@code bytes} (model weights loaded by the engine) exceeds
     * the memory the operating system reports as available ({@code MemAvailable} in
     * {@code /proc/meminfo}); does nothing where that is not known.
     *
     * @param bytes the size of the planned native allocation, in bytes
     * @param what how the allocation is named in the message
     * @throws DlsecException when {@code bytes} exceeds the operating system's available memory
     */
    public static void requireNative(long bytes, String what) {
        long free = nativeAvailable();
        if (free > 0 && bytes > free) {
            throw new DlsecException(what + " needs " + mib(bytes) + " MiB of memory but the machine has only "
                    + mib(free) + " MiB available");
        }
    }

    /**
     * MemAvailable from /proc/meminfo in bytes, or -1 where it is not known.
     *
     * @return the available memory in bytes, or -1 (not Linux, or {@code /proc/meminfo} unreadable)
     */
    public static long nativeAvailable() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemAvailable:")) {
                    return Long.parseLong(line.trim().split("\\s+")[1]) * 1024;
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
