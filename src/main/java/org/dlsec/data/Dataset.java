package org.dlsec.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Tensors;

/**
 * An immutable labelled image dataset held in memory as float32 NCHW pixels in [0, 1].
 *
 * <p>Batches become NDArrays with one bulk copy ({@link #images(NDManager, int, int)}) or one
 * {@code System.arraycopy} per sample ({@link #gather(NDManager, int[])}); there is no per-pixel
 * Java loop on those paths. Subsets, shuffles and splits are seeded and return new datasets that
 * record where they came from in {@link #origin()}.
 */
public final class Dataset {
    private final String name;
    private final String split;
    private final int channels;
    private final int height;
    private final int width;
    private final int numClasses;
    private final float[] pixels;
    private final int[] labels;
    private final int[] groups;
    private final List<String> classNames;
    private final String origin;

    /**
     * @param pixels N*C*H*W values in [0,1], NCHW order (not copied: the caller hands it over)
     * @param labels N labels in [0, numClasses)
     * @param groups optional N group ids (e.g. GTSRB tracks) for leak-free splits, or null
     * @param origin a human-readable description of where the data came from, for provenance
     */
    public Dataset(String name, String split, int channels, int height, int width, int numClasses,
            float[] pixels, int[] labels, int[] groups, List<String> classNames, String origin) {
        this.name = Objects.requireNonNull(name, "name");
        this.split = Objects.requireNonNull(split, "split");
        DlsecException.require(channels > 0 && height > 0 && width > 0, "image shape",
                channels + "x" + height + "x" + width);
        DlsecException.require(numClasses >= 2, "numClasses", "must be at least 2, got " + numClasses);
        long d = (long) channels * height * width;
        if (pixels.length != d * labels.length) {
            throw new DlsecException("dataset " + name + ": " + labels.length + " labels but "
                    + pixels.length + " pixel values (expected " + d * labels.length + ")");
        }
        if (groups != null && groups.length != labels.length) {
            throw new DlsecException("dataset " + name + ": " + groups.length + " group ids for "
                    + labels.length + " samples");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= numClasses) {
                throw new DlsecException("dataset " + name + ": label " + labels[i] + " at index " + i
                        + " is outside 0.." + (numClasses - 1));
            }
        }
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.numClasses = numClasses;
        this.pixels = pixels;
        this.labels = labels;
        this.groups = groups;
        this.classNames = classNames == null ? List.of() : List.copyOf(classNames);
        this.origin = Objects.requireNonNull(origin, "origin");
    }

    public String name() {
        return name;
    }

    public String split() {
        return split;
    }

    public int size() {
        return labels.length;
    }

    public int numClasses() {
        return numClasses;
    }

    /** The shape of one sample, (C, H, W). */
    public Shape sampleShape() {
        return new Shape(channels, height, width);
    }

    public int sampleSize() {
        return channels * height * width;
    }

    public List<String> classNames() {
        return classNames;
    }

    /** Where the data came from: files and their hashes, then every subset/shuffle applied. */
    public String origin() {
        return origin;
    }

    public int label(int i) {
        return labels[i];
    }

    public int[] labels() {
        return labels.clone();
    }

    /** A copy of sample {@code i}'s pixels, CHW order. */
    public float[] image(int i) {
        int d = sampleSize();
        return Arrays.copyOfRange(pixels, i * d, (i + 1) * d);
    }

    /** Samples [from, to) as an (n, C, H, W) float32 array on {@code manager}, in one copy. */
    public NDArray images(NDManager manager, int from, int to) {
        checkRange(from, to);
        int d = sampleSize();
        return Tensors.floats(manager, pixels, from * d, new Shape(to - from, channels, height, width));
    }

    /** Labels [from, to) as an int64 array on {@code manager}. */
    public NDArray labels(NDManager manager, int from, int to) {
        checkRange(from, to);
        long[] l = new long[to - from];
        for (int i = from; i < to; i++) {
            l[i - from] = labels[i];
        }
        return Tensors.longs(manager, l);
    }

    /** The samples at {@code indices} as an (n, C, H, W) array. */
    public NDArray gather(NDManager manager, int[] indices) {
        int d = sampleSize();
        float[] buf = new float[indices.length * d];
        for (int k = 0; k < indices.length; k++) {
            System.arraycopy(pixels, indices[k] * d, buf, k * d, d);
        }
        return Tensors.floats(manager, buf, new Shape(indices.length, channels, height, width));
    }

    /** The labels at {@code indices} as an int64 array. */
    public NDArray gatherLabels(NDManager manager, int[] indices) {
        long[] l = new long[indices.length];
        for (int k = 0; k < indices.length; k++) {
            l[k] = labels[indices[k]];
        }
        return Tensors.longs(manager, l);
    }

    /** A new dataset of the samples at {@code indices}, in that order. */
    public Dataset subset(int[] indices, String description) {
        int d = sampleSize();
        float[] px = new float[indices.length * d];
        int[] lb = new int[indices.length];
        int[] gr = groups == null ? null : new int[indices.length];
        for (int k = 0; k < indices.length; k++) {
            int i = indices[k];
            if (i < 0 || i >= size()) {
                throw new DlsecException("subset index " + i + " is outside 0.." + (size() - 1));
            }
            System.arraycopy(pixels, i * d, px, k * d, d);
            lb[k] = labels[i];
            if (gr != null) {
                gr[k] = groups[i];
            }
        }
        return new Dataset(name, split, channels, height, width, numClasses, px, lb, gr, classNames,
                origin + " | " + description);
    }

    /** The first {@code n} samples (all of them when {@code n >= size()}). */
    public Dataset first(int n) {
        DlsecException.require(n > 0, "limit", "must be positive, got " + n);
        if (n >= size()) {
            return this;
        }
        int[] idx = new int[n];
        Arrays.setAll(idx, i -> i);
        return subset(idx, "first " + n);
    }

    /** A seeded random permutation of this dataset's indices (Fisher–Yates with java.util.Random). */
    public int[] permutation(long seed) {
        return permutation(size(), new Random(seed));
    }

    /** A random permutation of 0..n-1 drawn from {@code rnd} (Fisher–Yates). */
    public static int[] permutation(int n, Random rnd) {
        int[] idx = new int[n];
        Arrays.setAll(idx, i -> i);
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = idx[i];
            idx[i] = idx[j];
            idx[j] = t;
        }
        return idx;
    }

    /** A random sample of {@code n} items, drawn with {@code seed}. */
    public Dataset sample(int n, long seed) {
        DlsecException.require(n > 0 && n <= size(), "sample size", n + " (dataset has " + size() + ")");
        return subset(Arrays.copyOf(permutation(seed), n), "sample " + n + " seed " + seed);
    }

    /**
     * Splits off a validation part. With group ids (GTSRB tracks) whole groups go to one side, so
     * near-duplicate frames never straddle the split; otherwise samples are split at random.
     *
     * @return {train, validation}
     */
    public Dataset[] splitValidation(double fraction, long seed) {
        int[][] parts = validationIndices(fraction, seed);
        String how = groups != null ? "by group" : "by sample";
        return new Dataset[] {
            subset(parts[0], "train part of validation split " + fraction + " " + how + " seed " + seed),
            subset(parts[1], "validation part of split " + fraction + " " + how + " seed " + seed)
        };
    }

    /**
     * The indices {@link #splitValidation} puts on each side, in increasing order.
     *
     * @return {train indices, validation indices}
     */
    public int[][] validationIndices(double fraction, long seed) {
        DlsecException.require(fraction > 0 && fraction < 1, "validation fraction", "must be in (0,1), got " + fraction);
        boolean[] toVal = new boolean[size()];
        Random rnd = new Random(seed);
        if (groups != null) {
            int maxGroup = Arrays.stream(groups).max().orElse(0);
            boolean[] valGroup = new boolean[maxGroup + 1];
            for (int g = 0; g <= maxGroup; g++) {
                valGroup[g] = rnd.nextDouble() < fraction;
            }
            for (int i = 0; i < size(); i++) {
                toVal[i] = valGroup[groups[i]];
            }
        } else {
            int[] perm = permutation(size(), rnd);
            int nVal = (int) Math.round(size() * fraction);
            for (int k = 0; k < nVal; k++) {
                toVal[perm[k]] = true;
            }
        }
        int nVal = 0;
        for (boolean b : toVal) {
            nVal += b ? 1 : 0;
        }
        int[] tr = new int[size() - nVal];
        int[] va = new int[nVal];
        int a = 0;
        int b = 0;
        for (int i = 0; i < size(); i++) {
            if (toVal[i]) {
                va[b++] = i;
            } else {
                tr[a++] = i;
            }
        }
        return new int[][] {tr, va};
    }

    /** A dataset with the same labels and metadata but other pixels (e.g. adversarial or poisoned). */
    public Dataset withPixels(float[] newPixels, int[] newLabels, String description) {
        return new Dataset(name, split, channels, height, width, numClasses, newPixels, newLabels,
                groups == null || newLabels.length != labels.length ? null : groups, classNames,
                origin + " | " + description);
    }

    private void checkRange(int from, int to) {
        if (from < 0 || to > size() || from > to) {
            throw new IndexOutOfBoundsException("range [" + from + ", " + to + ") of " + size());
        }
    }

    @Override
    public String toString() {
        return name + "/" + split + " (" + size() + " samples, " + channels + "x" + height + "x" + width + ")";
    }
}
