package org.dlsec.data;

/**
 * What a file reader hands to {@link DataSource}: the samples as floats, their shape, and the labels
 * either as integers or as class-name strings, before classes, bounds and resizing are settled.
 *
 * @param x n * product(sampleShape) values
 * @param sampleShape the shape of one sample as stored (NHWC image arrays are already NCHW here)
 * @param labels integer labels, or null when {@code names} holds them
 * @param names label strings (CSV class names), or null
 * @param pixels true when the values were unsigned bytes scaled to [0, 1]
 * @param rows the file row of each sample (CSV), or null; for messages
 * @param file the file (or file pair) read, for messages
 * @param provenance format, files and their SHA-256
 * @param featureNames the names of the features (a CSV header's columns other than the label), or null
 */
record RawData(float[] x, long[] sampleShape, int[] labels, String[] names, boolean pixels, int[] rows, String file,
        String provenance, java.util.List<String> featureNames) {

    RawData(float[] x, long[] sampleShape, int[] labels, String[] names, boolean pixels, int[] rows, String file,
            String provenance) {
        this(x, sampleShape, labels, names, pixels, rows, file, provenance, null);
    }

    int size() {
        return labels != null ? labels.length : names.length;
    }

    int sampleSize() {
        long n = 1;
        for (long v : sampleShape) {
            n *= v;
        }
        return (int) n;
    }

    /** "row 7" for CSV, "entry 7" for arrays. */
    String place(int i) {
        return rows != null ? "row " + rows[i] : "entry " + i;
    }
}
