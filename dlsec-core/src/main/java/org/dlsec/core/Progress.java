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
     * Switches progress bars on or off for the whole JVM.
     *
     * @param on whether later {@link #start(String, long)} calls show a bar
     */
    public static void setEnabled(boolean on) {
        enabled = on;
    }

    /**
     * A progress object that shows nothing.
     *
     * @return a silent progress object
     */
    public static Progress none() {
        return new Progress(null);
    }

    /**
     * Starts a bar on stderr, or a silent progress object when bars are disabled or progressbar is absent.
     *
     * @param task the name shown before the bar
     * @param total the number of steps that completes it
     * @return the progress object; close it when the task ends
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
     * @param n the number of steps done since the last call
     */
    public void step(long n) {
        if (bar != null) {
            bar.stepBy(n);
        }
    }

    /**
     * Shows a short message after the bar.
     *
     * @param text the message
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
