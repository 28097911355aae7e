package org.dlsec.data;

import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.dlsec.core.DlsecException;

/**
 * Unlabelled query sets for model extraction: a folder holding an IDX image file alone (its labels, if any,
 * unused), and colour images turned into greyscale crops of a task's size.
 */
public final class QuerySets {
    private QuerySets() {}

    /**
     * The images of {@code dir}'s {@code train-images-idx3-ubyte[.gz]}, scaled to [0, 1], when {@code dir} is such a
     * folder; they must be greyscale of {@code task}'s (1, H, W) size.
     *
     * @param dir a folder that may hold an IDX image file
     * @param task the target model's sample shape, (1, H, W)
     * @return the images with placeholder labels, or empty when {@code dir} is not such a folder
     * @throws org.dlsec.core.DlsecException when the folder holds images of another shape
     */
    public static Optional<Dataset> idxFolder(Path dir, Shape task) {
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        Path img = null;
        for (String n : new String[] {"train-images-idx3-ubyte.gz", "train-images-idx3-ubyte"}) {
            if (img == null && Files.isRegularFile(dir.resolve(n))) {
                img = dir.resolve(n);
            }
        }
        if (img == null) {
            return Optional.empty();
        }
        IdxReader.IdxFile f = IdxReader.read(img);
        int[] d = f.dims();
        long[] shape = task.getShape();
        if (d.length != 3 || shape.length != 3 || d[1] != shape[1] || d[2] != shape[2] || shape[0] != 1) {
            throw new DlsecException(img + ": expected greyscale " + shape[shape.length - 2] + "x" + shape[shape.length - 1]
                    + " images");
        }
        float[] x = new float[f.data().length];
        for (int i = 0; i < x.length; i++) {
            x[i] = (f.data()[i] & 0xff) / 255f;
        }
        return Optional.of(new Dataset(dir.getFileName().toString(), "train", 1, d[1], d[2], 2, x, new int[d[0]], null, null,
                img + " sha256=" + f.sha256() + " (labels unused)"));
    }

    /**
     * The query set {@code name} for a model of {@code task}'s shape: an IDX folder ({@link #idxFolder}), or a built-in
     * name or a path opened at its train split by {@code openTrain}; GTSRB is turned into greyscale crops for a
     * greyscale task. Refused with one line when the samples do not have the task's shape.
     *
     * @param name an IDX folder, a built-in name or a path
     * @param task the target's task data (its sample shape is required)
     * @param openTrain opens a name or path at its train split
     * @return the query set
     * @throws org.dlsec.core.DlsecException when the data cannot be read or has another shape
     */
    public static Dataset open(String name, Dataset task, java.util.function.Function<String, Dataset> openTrain) {
        String q = name.trim();
        Optional<Dataset> idx = idxFolder(Path.of(q), task.sampleShape());
        if (idx.isPresent()) {
            return idx.get();
        }
        Dataset d = openTrain.apply(q);
        if (q.equalsIgnoreCase(DatasetId.GTSRB.cliName()) && task.sampleShape().get(0) == 1) {
            d = greyscale(d, task.sampleShape());
        }
        return requireShape(d, q, task);
    }

    /**
     * {@code d} if its samples have {@code task}'s shape, else a one-line error naming the query data {@code name}.
     *
     * @param d the query data
     * @param name its name, for the message
     * @param task the task data
     * @return {@code d}
     * @throws org.dlsec.core.DlsecException when the shapes differ
     */
    public static Dataset requireShape(Dataset d, String name, Dataset task) {
        if (!d.sampleShape().equals(task.sampleShape())) {
            throw new DlsecException("--query-data " + name + " has samples of shape (" + shapeText(d.sampleShape())
                    + ") but the target's task " + task.name() + " has (" + shapeText(task.sampleShape())
                    + "); give query data of the task's shape (--resize HxW resizes images)");
        }
        return d;
    }

    private static String shapeText(Shape s) {
        return java.util.Arrays.stream(s.getShape()).mapToObj(Long::toString)
                .collect(java.util.stream.Collectors.joining(", "));
    }

    /**
     * 32x32 RGB images (GTSRB) as greyscale (ITU-R 601 luma), centre-cropped to {@code task}'s (1, H, W).
     *
     * @param g 3×32×32 images
     * @param task the target shape (1, H, W), H and W at most 32
     * @return a new in-memory dataset with the same labels
     * @throws org.dlsec.core.DlsecException when the shapes do not allow it
     */
    public static Dataset greyscale(Dataset g, Shape task) {
        int h = (int) task.get(1);
        int w = (int) task.get(2);
        DlsecException.require(g.sampleShape().equals(new Shape(3, 32, 32)) && h <= 32 && w <= 32, "greyscale query data",
                "needs 3x32x32 images and a task of at most 32x32");
        int off = (32 - h) / 2;
        int n = g.size();
        float[] x = new float[n * h * w];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            float[] img = g.image(i);
            y[i] = g.label(i);
            for (int r = 0; r < h; r++) {
                for (int c = 0; c < w; c++) {
                    int p = (r + off) * 32 + c + off;
                    x[i * h * w + r * w + c] = 0.299f * img[p] + 0.587f * img[1024 + p] + 0.114f * img[2048 + p];
                }
            }
        }
        return new Dataset("gtsrb-grey", g.split(), 1, h, w, g.numClasses(), x, y, null, null,
                g.origin() + " -> greyscale, centre crop " + h + "x" + w);
    }
}
