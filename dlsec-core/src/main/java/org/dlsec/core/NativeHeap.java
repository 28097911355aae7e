package org.dlsec.core;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keeps the process's resident memory bounded by one batch during long streamed runs (an image folder
 * decoded batch by batch).
 *
 * <p>What grows otherwise is not held memory: each batch allocates and frees its decoded pixels and the
 * engine's activations with the C library's {@code malloc}, and glibc keeps freed pages mapped (its
 * threshold for returning large blocks rises after the first ones are freed), so over many batches the
 * free-but-resident part of the native heap fragments and the transient peak creeps up (1.31–1.36× over
 * 40,000 PNGs compared with 1,000, {@code bench/image-folder-memory.sh}). Returning every freed page after
 * every batch bounds it but costs 40–85% of the run in page faults. This governor does it only when
 * needed: it records the resident size after the first batch as the baseline and, before a later batch,
 * calls glibc's {@code malloc_trim(0)} only when the resident size has grown more than
 * {@value #SLACK_PERCENT}% over it.
 *
 * <p>It does nothing where {@code /proc/self/statm} or {@code malloc_trim} is missing (not Linux, or not
 * glibc), and nothing when the system property {@code dlsec.mallocTrim} is {@code false}.
 */
public final class NativeHeap {
    /** Growth of the resident size over the baseline that triggers a trim, in percent. */
    public static final int SLACK_PERCENT = 8;

    private static final Path STATM = Path.of("/proc/self/statm");
    private static final Function TRIM = trimFunction();
    private static final long PAGE = TRIM == null ? 4096 : pageSize();
    private static final Object LOCK = new Object();
    private static final AtomicLong TRIMS = new AtomicLong();
    private static long batches;
    private static long baseline;

    private NativeHeap() {}

    /**
     * Called before each streamed batch is decoded; trims the native heap when the resident size grew
     * past the baseline. Cheap otherwise (one read of {@code /proc/self/statm}).
     */
    public static void beforeBatch() {
        if (TRIM == null) {
            return;
        }
        synchronized (LOCK) {
            long rss = residentBytes();
            if (rss <= 0) {
                return;
            }
            batches++;
            if (batches <= 2) {
                // the first call comes before any batch; the second after one, in its steady state
                baseline = rss;
                return;
            }
            if (rss > baseline + baseline * SLACK_PERCENT / 100) {
                trim();
                long after = residentBytes();
                // what a trim cannot return is held: the baseline follows it, so a run whose live memory
                // grew for a reason of its own does not trim before every batch
                if (after > baseline) {
                    baseline = after;
                }
            }
        }
    }

    /**
     * Returns freed native memory now (glibc's {@code malloc_trim(0)}); false where that is not available.
     *
     * @return true when a trim was made, false where {@code malloc_trim} is unavailable or disabled
     */
    public static boolean trim() {
        if (TRIM == null) {
            return false;
        }
        synchronized (LOCK) {
            TRIM.invoke(int.class, new Object[] {0});
            TRIMS.incrementAndGet();
            return true;
        }
    }

    /** Forgets the baseline, as at the start of a run (for tests). */
    static void reset() {
        synchronized (LOCK) {
            batches = 0;
            baseline = 0;
        }
    }

    /**
     * The resident set size of this process in bytes, or -1 where it is not known.
     *
     * @return the resident size in bytes, from {@code /proc/self/statm}
     */
    public static long residentBytes() {
        try {
            String[] f = Files.readString(STATM).trim().split("\\s+");
            return Long.parseLong(f[1]) * PAGE;
        } catch (java.io.IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * How many trims this process has made (for the benchmark's report and tests).
     *
     * @return the number of {@link #trim()} calls that reached {@code malloc_trim} since the JVM started
     */
    public static long trims() {
        return TRIMS.get();
    }

    /**
     * Whether trimming is available and enabled here.
     *
     * @return true on Linux with glibc unless {@code -Ddlsec.mallocTrim=false}
     */
    public static boolean enabled() {
        return TRIM != null;
    }

    private static long pageSize() {
        try {
            return NativeLibrary.getInstance("c").getFunction("getpagesize").invokeInt(new Object[0]);
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            return 4096;
        }
    }

    private static Function trimFunction() {
        if (!"false".equals(System.getProperty("dlsec.mallocTrim")) && Files.isReadable(STATM)) {
            try {
                return NativeLibrary.getInstance("c").getFunction("malloc_trim");
            } catch (UnsatisfiedLinkError | RuntimeException e) {
                return null;
            }
        }
        return null;
    }
}
