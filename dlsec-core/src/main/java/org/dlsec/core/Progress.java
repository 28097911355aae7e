package org.dlsec.core;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress bars on stderr (me.tongfei:progressbar), or nothing when disabled with the system
 * property {@code dlsec.progress=false} (tests) or {@link #setEnabled(boolean)} (the CLI's --quiet).
 */
public final class Progress implements AutoCloseable {
    private static volatile boolean enabled = !"false".equals(System.getProperty("dlsec.progress"));
    private final ProgressBar bar;

    private Progress(ProgressBar bar) {
        this.bar = bar;
    }

    public static void setEnabled(boolean on) {
        enabled = on;
    }

    /** A progress object that shows nothing. */
    public static Progress none() {
        return new Progress(null);
    }

    public static Progress start(String task, long total) {
        if (!enabled) {
            return new Progress(null);
        }
        ProgressBar bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(total)
                .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250).continuousUpdate().build();
        return new Progress(bar);
    }

    public void step(long n) {
        if (bar != null) {
            bar.stepBy(n);
        }
    }

    public void message(String text) {
        if (bar != null) {
            bar.setExtraMessage(text);
        }
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
