package org.dlsec.spark;

import java.io.Serializable;
import java.util.List;
import org.dlsec.data.Dataset;

/**
 * Samples shipped to a task: a contiguous run of a dataset with the index of its first sample in
 * the whole set (per-sample randomness is drawn from that index), and, for targeted attacks, their
 * targets. {@link Dataset} itself is not serialisable; this carries its arrays.
 */
record Shard(long firstId, String name, String split, long[] sampleShape, int numClasses, float[] pixels, int[] labels,
        List<String> classNames, String origin, float[] lower, float[] upper, String boundsHow, int[] targets)
        implements Serializable {

    /** Samples {@code [from, to)} of {@code data}. */
    static Shard of(Dataset data, int from, int to, int[] targets) {
        int[] idx = new int[to - from];
        java.util.Arrays.setAll(idx, i -> from + i);
        Dataset part = data.subset(idx, "samples " + from + ".." + (to - 1));
        int[] t = targets == null ? null : java.util.Arrays.copyOfRange(targets, from, to);
        float[] px = new float[part.size() * part.sampleSize()];
        for (int i = 0; i < part.size(); i++) {
            System.arraycopy(part.image(i), 0, px, i * part.sampleSize(), part.sampleSize());
        }
        return new Shard(from, data.name(), data.split(), data.sampleShape().getShape(), data.numClasses(), px,
                part.labels(), List.copyOf(data.classNames()), part.origin(), data.bounds().lower(), data.bounds().upper(),
                data.bounds().how(), t);
    }

    /** A whole dataset (a shadow model's training or probe set). */
    static Shard of(Dataset data) {
        return of(data, 0, data.size(), null);
    }

    Dataset dataset() {
        return new Dataset(name, split, new ai.djl.ndarray.types.Shape(sampleShape), numClasses, pixels.clone(),
                labels.clone(), null, classNames, origin, new org.dlsec.data.DataBounds(lower, upper, boundsHow));
    }
}
