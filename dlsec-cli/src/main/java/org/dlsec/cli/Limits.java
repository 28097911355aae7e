package org.dlsec.cli;

import org.dlsec.core.DlsecException;

/** Range checks of the CLI's size options, made before anything is loaded (exit 2, one line). */
final class Limits {
    /** The largest batch any command accepts. */
    static final int MAX_BATCH = 65_536;

    private Limits() {}

    static int batchSize(int value, String option) {
        DlsecException.require(value >= 1 && value <= MAX_BATCH, option, "must be in 1.." + MAX_BATCH + ", got " + value);
        return value;
    }

    static Integer positive(Integer value, String option) {
        DlsecException.require(value == null || value >= 1, option, "must be positive, got " + value);
        return value;
    }
}
