package org.dlsec.data;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import org.dlsec.core.DlsecException;

/**
 * How to read a dataset given by name or path: which split, where the built-ins live, and the
 * format options (CSV label column, NumPy array names, image resizing, input bounds). Immutable;
 * every value is checked here, so a bad option fails before any file is opened.
 *
 * @param split "train" or "test" (a single file or folder without splits ignores it and reports "all")
 * @param dataDir folder of the built-in datasets, if any
 * @param labelColumn the CSV label column's name (or 0-based number when there is no header), or null
 *        for "label" if present, else the last column
 * @param xKey the NumPy array of the samples
 * @param yKey the NumPy array of the labels
 * @param resizeHeight the height images are resized to, or 0 for no resizing
 * @param resizeWidth the width images are resized to, or 0 for no resizing
 * @param bounds null for the default (images [0,1], feature vectors the training split's per-feature
 *        min/max), "data" for the training split's per-feature min/max, or "lo,hi"
 */
public record SourceOptions(String split, Optional<Path> dataDir, String labelColumn, String xKey, String yKey,
        int resizeHeight, int resizeWidth, String bounds) {

    /**
     * Normalises and checks every option, so that a bad one fails before a file is opened.
     *
     * @param split "train" or "test" (a single file or folder without splits ignores it and reports "all")
     * @param dataDir folder of the built-in datasets, if any
     * @param labelColumn the CSV label column's name (or 0-based number when there is no header), or null
     *        for "label" if present, else the last column
     * @param xKey the NumPy array of the samples
     * @param yKey the NumPy array of the labels
     * @param resizeHeight the height images are resized to, or 0 for no resizing
     * @param resizeWidth the width images are resized to, or 0 for no resizing
     * @param bounds null for the default (images [0,1], feature vectors the training split's per-feature
     *        min/max), "data" for the training split's per-feature min/max, or "lo,hi"
     * @throws org.dlsec.core.DlsecException when the split is unknown, the NumPy keys are missing or equal, the resize
     *         is invalid or the bounds cannot be parsed
     */
    public SourceOptions {
        if (!"train".equals(split) && !"test".equals(split)) {
            throw new DlsecException("unknown split '" + org.dlsec.core.Text.echo(split) + "': expected train or test");
        }
        dataDir = dataDir == null ? Optional.empty() : dataDir;
        DlsecException.require(xKey != null && !xKey.isBlank() && yKey != null && !yKey.isBlank()
                && !xKey.equals(yKey), "--npz-keys", "need two different array names, got " + xKey + "," + yKey);
        DlsecException.require(resizeHeight >= 0 && resizeWidth >= 0 && (resizeHeight == 0) == (resizeWidth == 0)
                && resizeHeight <= 8192 && resizeWidth <= 8192, "--resize",
                resizeHeight + "x" + resizeWidth + " (need HxW, each 1..8192)");
        if (bounds != null) {
            bounds = bounds.trim().toLowerCase(Locale.ROOT);
            if (!bounds.equals("data")) {
                parseBounds(bounds);
            }
        }
    }

    /**
     * The defaults: labels in column "label" or the last, arrays x and y, no resizing, default bounds.
     *
     * @param split {@code train} or {@code test}
     * @param dataDir the folder of the built-in datasets, or empty
     * @return the options
     * @throws org.dlsec.core.DlsecException when the split is unknown
     */
    public static SourceOptions of(String split, Optional<Path> dataDir) {
        return new SourceOptions(split, dataDir, null, "x", "y", 0, 0, null);
    }

    /**
     * These options for another split.
     *
     * @param s {@code train} or {@code test}
     * @return a new options object
     * @throws org.dlsec.core.DlsecException when the split is unknown
     */
    public SourceOptions withSplit(String s) {
        return new SourceOptions(s, dataDir, labelColumn, xKey, yKey, resizeHeight, resizeWidth, bounds);
    }

    /**
     * Parses "x,y" into the two NumPy array names.
     *
     * @param keys two comma-separated names, e.g. {@code x,y}
     * @return the two names, trimmed
     * @throws org.dlsec.core.DlsecException when there are not exactly two
     */
    public static String[] parseKeys(String keys) {
        String[] k = keys == null ? new String[0] : keys.split(",", -1);
        if (k.length != 2) {
            throw new DlsecException("invalid --npz-keys '" + org.dlsec.core.Text.echo(keys) + "': expected two array names, e.g. x,y");
        }
        return new String[] {k[0].trim(), k[1].trim()};
    }

    /**
     * Parses "HxW" (e.g. 32x32) into {height, width}.
     *
     * @param hw e.g. {@code 32x32}
     * @return {height, width}, each 1 to 8192
     * @throws org.dlsec.core.DlsecException when the text is not of that form
     */
    public static int[] parseResize(String hw) {
        String[] p = hw == null ? new String[0] : hw.trim().toLowerCase(Locale.ROOT).split("x", -1);
        try {
            if (p.length == 2) {
                int h = Integer.parseInt(p[0].trim());
                int w = Integer.parseInt(p[1].trim());
                if (h > 0 && w > 0 && h <= 8192 && w <= 8192) {
                    return new int[] {h, w};
                }
            }
        } catch (NumberFormatException e) {
            // falls through to the message below
        }
        throw new DlsecException("invalid --resize '" + org.dlsec.core.Text.echo(hw) + "': expected HxW with positive sizes up to 8192, e.g. 32x32");
    }

    /** "lo,hi" as two floats with lo < hi. */
    static float[] parseBounds(String s) {
        String[] p = s.split(",", -1);
        try {
            if (p.length == 2) {
                float lo = Float.parseFloat(p[0].trim());
                float hi = Float.parseFloat(p[1].trim());
                if (Float.isFinite(lo) && Float.isFinite(hi) && lo < hi) {
                    return new float[] {lo, hi};
                }
            }
        } catch (NumberFormatException e) {
            // falls through
        }
        throw new DlsecException("invalid --bounds '" + org.dlsec.core.Text.echo(s) + "': expected data or lo,hi with finite lo < hi, e.g. 0,1");
    }

    boolean resize() {
        return resizeHeight > 0;
    }
}
