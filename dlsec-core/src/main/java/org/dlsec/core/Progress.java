package org.dlsec.core;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress bars on stderr (me.tongfei:progressbar), or nothing. Nothing is shown when disabled with the
 * system property {@code dlsec.progress=false} (tests) or {@link #setEnabled(boolean)} (the CLI's
 * --quiet), and nothing when progressbar is not on the classpath: it is an optional dependency of the
 * library (the command line brings it), so a library user gets no bars and no jline unless they add it.
 * Thread-safe to create; one instance belongs to the one task that started it.
 */
public final class Progress implements AutoCloseable {
    private static volatile boolean enabled = !"false".equals(System.getProperty("dlsec.progress"));
    private static final boolean AVAILABLE = available();
    private final ProgressBar bar;

    private Progress(ProgressBar bar) {
        this.bar = bar;
    }

    private static boolean available() {
        try {
            Class.forName("me.tongfei.progressbar.ProgressBar", false, Progress.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /**
     * Turns progress bars on or off for the whole JVM (every later {@link #start}); bars already shown
     * are not affected. Thread-safe.
     *
     * @param on false to show no progress bars (the CLI's {@code --quiet}); the initial value is true unless
     *           the system property {@code dlsec.progress} is {@code false}
     */
    public static void setEnabled(boolean on) {
        enabled = on;
    }

    /**
     * A progress object that shows nothing.
     *
     * @return a progress object whose methods do nothing; closing it is optional
     */
    public static Progress none() {
        return new Progress(null);
    }

    /**
     * Shows a progress bar on stderr, or nothing when progress is disabled or
     * progressbar is not on the classpath. Close it (try-with-resources)
     * when the task is done.
     *
     * @param task the name shown before the bar
     * @param total the number of steps the task has, at least 0
     * @return a progress object for this task; use it from one thread
     */
    public static Progress start(String task, long total) {
        if (!enabled || !AVAILABLE) {
            return new Progress(null);
        }
        ProgressBar bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(total)
                .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250).continuousUpdate().build();
        return new Progress(bar);
    }

    /**
     * Advances the bar.
     *
     * @param n steps done since the last call
     */
    public void step(long n) {
        if (bar != null) {
            bar.stepBy(n);
        }
    }

    /**
     * Shows {@code text} after the bar, e.g. the current accuracy.
     *
     * @param text a short message, replacing the previous one
     */
    public void message(String text) {
        if (bar != null) {
            bar.setExtraMessage(text);
        }
    }

    /** Finishes the bar (prints its last state). */
    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
