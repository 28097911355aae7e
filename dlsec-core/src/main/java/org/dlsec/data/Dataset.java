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
 * An immutable labelled dataset: samples of one shape ((C, H, W) images or (d) feature vectors) as
 * float32 values, integer labels, class names, input bounds and provenance.
 *
 * <p>The values live in a backing store: in memory (the built-ins, CSV, NumPy, IDX) or in image
 * files that are indexed, not loaded, and decoded only when a batch asks for them (image folders):
 * {@link #images(NDManager, int, int)} and {@link #gather(NDManager, int[])} decode the samples
 * they return and nothing else, and subsets, shuffles and {@link #first(int)} narrow the index
 * without decoding. In memory, batches become NDArrays with one bulk copy. Subsets, shuffles and
 * splits are seeded and return new datasets that record where they came from in {@link #origin()}.
 *
 * <p>A dataset holds no native memory and may be shared between threads; the NDArrays its batch methods
 * return belong to the {@code NDManager} passed in, which the caller closes.
 */
public final class Dataset {
    private final String name;
    private final String split;
    private final long[] shape;
    private final int sampleSize;
    private final int numClasses;
    private final SampleStore store;
    private final int[] labels;
    private final int[] groups;
    private final List<String> classNames;
    private final String origin;
    private final DataBounds bounds;
    private List<String> featureNames = List.of();
    private volatile String fullOrigin;

    /**
     * An in-memory image dataset with values in [0, 1].
     *
     * @param name the dataset's name, e.g. {@code mnist}
     * @param split the split's name, e.g. {@code test}
     * @param channels C, at least 1
     * @param height H, at least 1
     * @param width W, at least 1
     * @param numClasses the number of classes, at least 2
     * @param pixels N*C*H*W values in [0,1], NCHW order (not copied: the caller hands it over)
     * @param labels N labels in [0, numClasses)
     * @param groups optional N group ids (e.g. GTSRB tracks) for leak-free splits, or null
     * @param classNames the class names in label order, or null
     * @param origin a human-readable description of where the data came from, for provenance
     * @throws org.dlsec.core.DlsecException when a dimension is not positive, the counts do not match or a label is out
     *         of range
     */
    public Dataset(String name, String split, int channels, int height, int width, int numClasses,
            float[] pixels, int[] labels, int[] groups, List<String> classNames, String origin) {
        this(name, split, imageShape(channels, height, width), numClasses, pixels, labels, groups, classNames, origin,
                DataBounds.UNIT);
    }

    /**
     * An in-memory dataset of any sample shape.
     *
     * @param name the dataset's name
     * @param split the split's name
     * @param sampleShape the shape of one sample: (C, H, W) for images, (d) for feature vectors
     * @param numClasses the number of classes, at least 2
     * @param values N * sampleShape.size() values, sample after sample (not copied)
     * @param labels N labels in [0, numClasses) (not copied)
     * @param groups optional N group ids for leak-free splits, or null
     * @param classNames the class names in label order, or null
     * @param origin a human-readable description of where the data came from, for provenance
     * @param bounds the valid range of the values
     * @throws org.dlsec.core.DlsecException when the shape is invalid, the counts do not match, a label is out of range or
     *         per-feature bounds do not fit the sample size
     */
    public Dataset(String name, String split, Shape sampleShape, int numClasses, float[] values, int[] labels,
            int[] groups, List<String> classNames, String origin, DataBounds bounds) {
        this(name, split, sampleShape, numClasses, new ArrayStore(values, checkedSize(name, sampleShape)), labels,
                groups, classNames, origin, bounds, values.length);
    }

    Dataset(String name, String split, Shape sampleShape, int numClasses, SampleStore store, int[] labels,
            int[] groups, List<String> classNames, String origin, DataBounds bounds, long valueCount) {
        this.name = Objects.requireNonNull(name, "name");
        this.split = Objects.requireNonNull(split, "split");
        this.sampleSize = checkedSize(name, sampleShape);
        DlsecException.require(numClasses >= 2, "numClasses", "must be at least 2, got " + numClasses);
        long d = sampleSize;
        if (valueCount != d * labels.length || store.size() != labels.length) {
            throw new DlsecException("dataset " + name + ": " + labels.length + " labels but "
                    + valueCount + " values (expected " + d * labels.length + ")");
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
        this.bounds = Objects.requireNonNull(bounds, "bounds");
        if (!bounds.isUniform() && bounds.lower().length != sampleSize) {
            throw new DlsecException("dataset " + name + ": " + bounds.lower().length + " per-feature bounds for "
                    + sampleSize + " values per sample");
        }
        this.shape = sampleShape.getShape();
        this.numClasses = numClasses;
        this.store = store;
        this.labels = labels;
        this.groups = groups;
        this.classNames = classNames == null ? List.of() : List.copyOf(classNames);
        this.origin = Objects.requireNonNull(origin, "origin");
    }

    private static Shape imageShape(int channels, int height, int width) {
        DlsecException.require(channels > 0 && height > 0 && width > 0, "image shape",
                channels + "x" + height + "x" + width);
        return new Shape(channels, height, width);
    }

    private static int checkedSize(String name, Shape s) {
        long n = 1;
        for (long v : s.getShape()) {
            if (v <= 0) {
                throw new DlsecException("dataset " + name + ": invalid sample shape " + s);
            }
            n *= v;
            if (n > Integer.MAX_VALUE - 8) {
                throw new DlsecException("dataset " + name + ": sample shape " + s + " is too large");
            }
        }
        if (s.dimension() == 0) {
            throw new DlsecException("dataset " + name + ": empty sample shape");
        }
        return (int) n;
    }

    /**
     * The dataset's name.
     *
     * @return e.g. {@code mnist}
     */
    public String name() {
        return name;
    }

    /**
     * The split the samples come from.
     *
     * @return {@code train}, {@code test} or {@code all}
     */
    public String split() {
        return split;
    }

    /**
     * The number of samples.
     *
     * @return n
     */
    public int size() {
        return labels.length;
    }

    /**
     * The number of classes.
     *
     * @return K, at least 2
     */
    public int numClasses() {
        return numClasses;
    }

    /**
     * The shape of one sample: (C, H, W) for images, (d) for feature vectors.
     *
     * @return a new shape object
     */
    public Shape sampleShape() {
        return new Shape(shape);
    }

    /**
     * True when samples are (C, H, W) images.
     *
     * @return false for feature vectors
     */
    public boolean isImage() {
        return shape.length == 3;
    }

    /**
     * The number of values of one sample.
     *
     * @return C·H·W for images, d for feature vectors
     */
    public int sampleSize() {
        return sampleSize;
    }

    /**
     * The class names in label order.
     *
     * @return an immutable list; empty when the data names none
     */
    public List<String> classNames() {
        return classNames;
    }

    /**
     * The names of the features, one per value of a flat sample (a CSV header's columns), or empty when
     * the data names none.
     *
     * @return an immutable list
     */
    public List<String> featureNames() {
        return featureNames;
    }

    /**
     * This dataset with its features named (one name per value of a sample).
     *
     * @param names one name per value of a sample
     * @return a new dataset sharing this one's samples
     * @throws org.dlsec.core.DlsecException when the count does not match the sample size
     */
    public Dataset withFeatureNames(List<String> names) {
        DlsecException.require(names.size() == sampleSize, "feature names", names.size() + " names for " + sampleSize
                + " values per sample");
        Dataset d = new Dataset(name, split, sampleShape(), numClasses, store, labels, groups, classNames, origin, bounds,
                (long) labels.length * sampleSize);
        d.featureNames = List.copyOf(names);
        return d;
    }

    /**
     * The valid range of the input values ([0,1] for images; per-feature for tabular data).
     *
     * @return the bounds
     */
    public DataBounds bounds() {
        return bounds;
    }

    /**
     * Where the data came from: files and their hashes, then every subset/shuffle applied. For data
     * read from image files on demand, a SHA-256 over the files of exactly these samples (each file's
     * relative path and SHA-256) is appended; it is computed on the first call.
     *
     * @return the description
     */
    public String origin() {
        String o = fullOrigin;
        if (o == null) {
            String digest = store.contentDigest();
            o = digest == null ? origin : origin + " | files of these " + size() + " samples sha256=" + digest;
            fullOrigin = o;
        }
        return o;
    }

    SampleStore store() {
        return store;
    }

    int[] groups() {
        return groups == null ? null : groups.clone();
    }

    /**
     * The label of sample {@code i}.
     *
     * @param i the sample's index, 0 to size−1
     * @return its class, 0 to K−1
     */
    public int label(int i) {
        return labels[i];
    }

    /**
     * The labels of all samples.
     *
     * @return a copy, one per sample
     */
    public int[] labels() {
        return labels.clone();
    }

    /**
     * A copy of sample {@code i}'s values (CHW order for images).
     *
     * @param i the sample's index, 0 to size−1
     * @return a new array of {@link #sampleSize()} values
     * @throws IndexOutOfBoundsException when {@code i} is out of range
     */
    public float[] image(int i) {
        checkIndex(i);
        float[] x = new float[sampleSize];
        store.read(i, x, 0);
        return x;
    }

    /**
     * Samples [from, to) as an (n, sample shape...) float32 array on {@code manager}, in one copy.
     *
     * @param manager the manager that owns the new array; the caller closes it (or its manager)
     * @param from the first sample, inclusive
     * @param to the last sample, exclusive; at most {@link #size()}
     * @return a new array (to − from, sample...)
     * @throws IndexOutOfBoundsException when the range is invalid
     */
    public NDArray images(NDManager manager, int from, int to) {
        checkRange(from, to);
        if (store instanceof ArrayStore a) {
            return Tensors.floats(manager, a.values, from * sampleSize, batchShape(to - from));
        }
        int[] idx = new int[to - from];
        Arrays.setAll(idx, k -> from + k);
        return gather(manager, idx);
    }

    /**
     * Labels [from, to) as an int64 array on {@code manager}.
     *
     * @param manager the manager that owns the new array
     * @param from the first sample, inclusive
     * @param to the last sample, exclusive
     * @return a new array (to − from)
     * @throws IndexOutOfBoundsException when the range is invalid
     */
    public NDArray labels(NDManager manager, int from, int to) {
        checkRange(from, to);
        long[] l = new long[to - from];
        for (int i = from; i < to; i++) {
            l[i - from] = labels[i];
        }
        return Tensors.longs(manager, l);
    }

    /**
     * The samples at {@code indices} as an (n, sample shape...) array; only those samples are read.
     *
     * @param manager the manager that owns the new array
     * @param indices sample indices, in the order wanted; repeats allowed
     * @return a new array (indices.length, sample...)
     * @throws IndexOutOfBoundsException when an index is out of range
     */
    public NDArray gather(NDManager manager, int[] indices) {
        for (int i : indices) {
            checkIndex(i);
        }
        float[] buf = new float[Math.multiplyExact(indices.length, sampleSize)];
        store.read(indices, buf, sampleSize);
        return Tensors.floats(manager, buf, batchShape(indices.length));
    }

    private Shape batchShape(int n) {
        long[] s = new long[shape.length + 1];
        s[0] = n;
        System.arraycopy(shape, 0, s, 1, shape.length);
        return new Shape(s);
    }

    /**
     * The labels at {@code indices} as an int64 array.
     *
     * @param manager the manager that owns the new array
     * @param indices sample indices, in the order wanted
     * @return a new int64 array (indices.length)
     * @throws IndexOutOfBoundsException when an index is out of range
     */
    public NDArray gatherLabels(NDManager manager, int[] indices) {
        long[] l = new long[indices.length];
        for (int k = 0; k < indices.length; k++) {
            l[k] = labels[indices[k]];
        }
        return Tensors.longs(manager, l);
    }

    /**
     * A new dataset of the samples at {@code indices}, in that order. In memory the values are
     * copied; for image files only the index narrows (nothing is decoded).
     *
     * @param indices sample indices, in the order wanted
     * @param description what the subset is, appended to the origin (e.g. {@code "first 1000"})
     * @return the subset
     * @throws IndexOutOfBoundsException when an index is out of range
     */
    public Dataset subset(int[] indices, String description) {
        int[] lb = new int[indices.length];
        int[] gr = groups == null ? null : new int[indices.length];
        for (int k = 0; k < indices.length; k++) {
            int i = indices[k];
            if (i < 0 || i >= size()) {
                throw new DlsecException("subset index " + i + " is outside 0.." + (size() - 1));
            }
            lb[k] = labels[i];
            if (gr != null) {
                gr[k] = groups[i];
            }
        }
        Dataset d = new Dataset(name, split, sampleShape(), numClasses, store.select(indices), lb, gr, classNames,
                origin + " | " + description, bounds, (long) indices.length * sampleSize);
        d.featureNames = featureNames;
        return d;
    }

    /**
     * The first {@code n} samples (all of them when {@code n >= size()}).
     *
     * @param n the number of samples, at least 0
     * @return this dataset when {@code n >= size()}, else a subset
     */
    public Dataset first(int n) {
        DlsecException.require(n > 0, "limit", "must be positive, got " + n);
        if (n >= size()) {
            return this;
        }
        int[] idx = new int[n];
        Arrays.setAll(idx, i -> i);
        return subset(idx, "first " + n);
    }

    /**
     * A seeded random permutation of this dataset's indices (Fisher–Yates with java.util.Random).
     *
     * @param seed the shuffle's seed
     * @return a new array holding each index 0..size−1 once
     */
    public int[] permutation(long seed) {
        return permutation(size(), new Random(seed));
    }

    /**
     * A random permutation of 0..n-1 drawn from {@code rnd} (Fisher–Yates).
     *
     * @param n the number of indices, at least 0
     * @param rnd the generator; advanced
     * @return a new array holding each of 0..n−1 once
     */
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

    /**
     * A random sample of {@code n} items, drawn with {@code seed}.
     *
     * @param n the number of samples, 1 to {@link #size()}
     * @param seed the draw's seed
     * @return the sample, in the drawn order
     * @throws org.dlsec.core.DlsecException when {@code n} is out of range
     */
    public Dataset sample(int n, long seed) {
        DlsecException.require(n > 0 && n <= size(), "sample size", n + " (dataset has " + size() + ")");
        return subset(Arrays.copyOf(permutation(seed), n), "sample " + n + " seed " + seed);
    }

    /**
     * Splits off a validation part. With group ids (GTSRB tracks) whole groups go to one side, so
     * near-duplicate frames never straddle the split; otherwise samples are split at random.
     *
     * @param fraction the validation share, in (0, 1)
     * @param seed the split's seed
     * @return {train, validation}
     * @throws org.dlsec.core.DlsecException when {@code fraction} is out of range
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
     * @param fraction the validation share, in (0, 1)
     * @param seed the split's seed
     * @return {train indices, validation indices}
     * @throws org.dlsec.core.DlsecException when {@code fraction} is out of range
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

    /**
     * A dataset with the same labels and metadata but other pixels (e.g. adversarial or poisoned), in memory.
     *
     * @param newPixels the new values, as many as this dataset has (not copied)
     * @param newLabels the new labels, one per new sample (not copied)
     * @param description what changed, appended to the origin
     * @return a new in-memory dataset
     * @throws org.dlsec.core.DlsecException when the sizes do not match or a label is out of range
     */
    public Dataset withPixels(float[] newPixels, int[] newLabels, String description) {
        Dataset d = new Dataset(name, split, sampleShape(), numClasses, newPixels, newLabels,
                groups == null || newLabels.length != labels.length ? null : groups, classNames,
                origin() + " | " + description, bounds);
        d.featureNames = featureNames;
        return d;
    }

    private void checkIndex(int i) {
        if (i < 0 || i >= size()) {
            throw new IndexOutOfBoundsException("sample " + i + " of " + size());
        }
    }

    private void checkRange(int from, int to) {
        if (from < 0 || to > size() || from > to) {
            throw new IndexOutOfBoundsException("range [" + from + ", " + to + ") of " + size());
        }
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        for (long v : shape) {
            s.append(s.length() == 0 ? "" : "x").append(v);
        }
        return name + "/" + split + " (" + size() + " samples, " + s + ")";
    }
}
