package org.dlsec.data;

/**
 * Where a dataset's sample values live: in memory ({@link ArrayStore}) or in files decoded on demand
 * ({@link ImageFolderStore}). A store knows its samples only by position; labels, shape, class names
 * and bounds stay in {@link Dataset}, so nothing outside this package learns which kind it is.
 */
interface SampleStore {
    int size();

    /** Copies sample {@code i} (sampleSize values) into {@code dst} from {@code offset}. */
    void read(int i, float[] dst, int offset);

    /** Copies the samples at {@code indices} one after another into {@code dst}. */
    default void read(int[] indices, float[] dst, int sampleSize) {
        for (int k = 0; k < indices.length; k++) {
            read(indices[k], dst, k * sampleSize);
        }
    }

    /** The samples at {@code indices} as a new store (a copy in memory, or a narrower index of files). */
    SampleStore select(int[] indices);

    /**
     * A SHA-256 over the files this store's samples come from, for provenance, or null when the
     * dataset's origin already names every file and its hash (in-memory data).
     */
    default String contentDigest() {
        return null;
    }
}
