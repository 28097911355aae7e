package org.dlsec.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.lang.ref.SoftReference;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Memory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the benchmark datasets by name.
 *
 * <p>Where the files are found, in order: the data directory given by the caller (the CLI's
 * {@code --data-dir}), else the {@code DLSEC_DATA} environment variable; MNIST is also bundled in
 * the jar, and Fashion-MNIST is also looked up where Debian's {@code dataset-fashion-mnist} package
 * installs it. The decompressed content of MNIST and GTSRB files is checked against the published
 * SHA-256 checksums; a mismatch is logged and recorded in the dataset's origin.
 */
public final class Datasets {
    private static final Logger LOG = LoggerFactory.getLogger(Datasets.class);
    private static final String BUNDLED = "/org/dlsec/data/";
    private static final Path DEBIAN_FASHION = Path.of("/usr/share/datasets/fashion-mnist");
    private static final Map<String, SoftReference<Dataset>> CACHE = new ConcurrentHashMap<>();

    /** SHA-256 of the decompressed official files, as published (see the data README). */
    private static final Map<String, String> KNOWN_SHA256 = Map.of(
            "train-images-idx3-ubyte", "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
            "train-labels-idx1-ubyte", "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
            "t10k-images-idx3-ubyte", "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
            "t10k-labels-idx1-ubyte", "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
            "gtsrb-train-images-32x32x3-idx4-ubyte", "09f4fa1d844400768aa436aae3bf740c5966a893114aeb6c733f85e8d3d458b1",
            "gtsrb-train-labels-idx1-ubyte", "d9fc5986c5242e972faf8e3c045794d8a267ffc5dcd918227ff0ebd8dc235682",
            "gtsrb-test-images-32x32x3-idx4-ubyte", "c2241184d36bdec17976ee1666e42f25133bace3d58008bc99901ab4cec5599e",
            "gtsrb-test-labels-idx1-ubyte", "96b04479493c0de58cd9493a5b37342097be5bb9a968044f06b14c51214dbb11");

    private Datasets() {}

    /**
     * Loads a split ("train" or "test") of a named dataset; {@code dataDir} may be empty.
     *
     * @param id the dataset
     * @param split {@code train} or {@code test}
     * @param dataDir the folder holding the files, or empty for {@code $DLSEC_DATA}, the bundled copy or the usual places
     * @return the split, cached (softly) per dataset, split and folder; immutable, so shared safely
     * @throws org.dlsec.core.DlsecException when the split is unknown or the files are missing or fail their hash check
     */
    public static Dataset load(DatasetId id, String split, Optional<Path> dataDir) {
        if (!split.equals("train") && !split.equals("test")) {
            throw new DlsecException("unknown split '" + org.dlsec.core.Text.echo(split) + "': expected train or test");
        }
        Optional<Path> dir = dataDir.or(Datasets::envDataDir);
        String key = id + "/" + split + "/" + dir.map(Path::toAbsolutePath).map(Path::toString).orElse("-");
        SoftReference<Dataset> ref = CACHE.get(key);
        Dataset cached = ref == null ? null : ref.get();
        if (cached != null) {
            return cached;
        }
        Dataset loaded = switch (id) {
            case MNIST -> loadGrey(id, split, dir, "mnist");
            case FASHION_MNIST -> loadGrey(id, split, dir, "fashion-mnist");
            case GTSRB -> loadGtsrb(split, dir);
        };
        CACHE.put(key, new SoftReference<>(loaded));
        return loaded;
    }

    /**
     * Loads a split of a built-in dataset by name, or of a dataset at a path in any format
     * {@link DataSource} reads, with the default format options.
     *
     * @param nameOrPath a built-in name or a file or folder
     * @param split {@code train} or {@code test}
     * @param dataDir the folder of the built-in datasets, or empty
     * @return the dataset
     * @throws org.dlsec.core.DlsecException when the data cannot be read
     */
    public static Dataset load(String nameOrPath, String split, Optional<Path> dataDir) {
        return DataSource.open(nameOrPath, SourceOptions.of(split, dataDir));
    }

    /**
     * {@link #load(String, String, Optional)} with the data directory of {@code DLSEC_DATA}, or none (the bundled
     * MNIST needs none).
     *
     * @param nameOrPath a built-in dataset ({@code mnist}, {@code fashion-mnist}, {@code gtsrb}) or a file or directory
     * @param split {@code train} or {@code test}
     * @return the dataset, held in memory or streamed depending on its format
     * @throws org.dlsec.core.DlsecException when the data cannot be found or read (the message names the file and place)
     */
    public static Dataset load(String nameOrPath, String split) {
        return load(nameOrPath, split, Optional.empty());
    }

    private static Optional<Path> envDataDir() {
        String env = System.getenv("DLSEC_DATA");
        return env == null || env.isBlank() ? Optional.empty() : Optional.of(Path.of(env));
    }

    private static Dataset loadGrey(DatasetId id, String split, Optional<Path> dir, String folder) {
        String prefix = split.equals("train") ? "train" : "t10k";
        String imgName = prefix + "-images-idx3-ubyte";
        String lblName = prefix + "-labels-idx1-ubyte";
        Source img = open(id, dir, folder, imgName);
        Source lbl = open(id, dir, folder, lblName);
        IdxReader.IdxFile images = img.read();
        IdxReader.IdxFile labels = lbl.read();
        checkDims(images, 3, id, img);
        if (images.dims()[1] != id.height() || images.dims()[2] != id.width()) {
            throw new DlsecException(img.where + ": expected " + id.height() + "x" + id.width()
                    + " images, found " + images.dims()[1] + "x" + images.dims()[2]);
        }
        int[] y = toLabels(labels, images.count(), id, lbl);
        float[] x = toFloats(images.data());
        String origin = describe(id, split, img, images, lbl, labels);
        return new Dataset(id.cliName(), split, 1, id.height(), id.width(), id.numClasses(), x, y, null,
                null, origin);
    }

    private static Dataset loadGtsrb(String split, Optional<Path> dir) {
        if (dir.isEmpty()) {
            throw new DlsecException("GTSRB is not bundled with dlsec: pass --data-dir DIR or set DLSEC_DATA "
                    + "to a folder that holds gtsrb/ (see the README)");
        }
        DatasetId id = DatasetId.GTSRB;
        String imgName = "gtsrb-" + split + "-images-32x32x3-idx4-ubyte";
        String lblName = "gtsrb-" + split + "-labels-idx1-ubyte";
        Source img = open(id, dir, "gtsrb", imgName);
        Source lbl = open(id, dir, "gtsrb", lblName);
        IdxReader.IdxFile images = img.read();
        IdxReader.IdxFile labels = lbl.read();
        checkDims(images, 4, id, img);
        int[] d = images.dims();
        if (d[1] != 32 || d[2] != 32 || d[3] != 3) {
            throw new DlsecException(img.where + ": expected 32x32x3 images, found " + d[1] + "x" + d[2] + "x" + d[3]);
        }
        int[] y = toLabels(labels, images.count(), id, lbl);
        float[] x = nhwcToNchw(images.data(), images.count(), 32, 32, 3);
        Path folder = dir.get().resolve("gtsrb");
        int[] tracks = split.equals("train") ? readTracks(folder.resolve("gtsrb-train-annotations.csv"), y.length) : null;
        List<String> names = readClassNames(folder.resolve("gtsrb-class-names.csv"));
        String origin = describe(id, split, img, images, lbl, labels);
        return new Dataset(id.cliName(), split, 3, 32, 32, 43, x, y, tracks, names, origin);
    }

    private static void checkDims(IdxReader.IdxFile f, int ndims, DatasetId id, Source s) {
        if (f.dims().length != ndims) {
            throw new DlsecException(s.where + ": expected a " + ndims + "-D IDX image file for " + id
                    + ", found " + f.dims().length + "-D");
        }
    }

    private static int[] toLabels(IdxReader.IdxFile labels, int count, DatasetId id, Source s) {
        if (labels.dims().length != 1) {
            throw new DlsecException(s.where + ": expected a 1-D IDX label file, found " + labels.dims().length + "-D");
        }
        if (labels.count() != count) {
            throw new DlsecException(s.where + ": " + labels.count() + " labels for " + count + " images");
        }
        int[] y = new int[count];
        byte[] b = labels.data();
        for (int i = 0; i < count; i++) {
            y[i] = b[i] & 0xff;
            if (y[i] >= id.numClasses()) {
                throw new DlsecException(s.where + ": label " + y[i] + " at index " + i + " is not a " + id + " class");
            }
        }
        return y;
    }

    /** Converts unsigned bytes to floats in [0,1]; done once at load time. */
    static float[] toFloats(byte[] b) {
        Memory.require(4L * b.length, "the dataset's " + b.length + " pixels as floats");
        float[] x = new float[b.length];
        for (int i = 0; i < b.length; i++) {
            x[i] = (b[i] & 0xff) / 255f;
        }
        return x;
    }

    static float[] nhwcToNchw(byte[] b, int n, int h, int w, int c) {
        Memory.require(4L * b.length, "the dataset's " + b.length + " pixels as floats");
        float[] x = new float[b.length];
        int plane = h * w;
        int sample = plane * c;
        for (int s = 0; s < n; s++) {
            int base = s * sample;
            for (int p = 0; p < plane; p++) {
                for (int k = 0; k < c; k++) {
                    x[base + k * plane + p] = (b[base + p * c + k] & 0xff) / 255f;
                }
            }
        }
        return x;
    }

    private static int[] readTracks(Path csv, int n) {
        if (!Files.exists(csv)) {
            LOG.warn("{} not found: GTSRB validation splits fall back to random samples", csv);
            return null;
        }
        int[] tracks = new int[n];
        Map<Integer, Integer> dense = new HashMap<>();
        try (BufferedReader r = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
            String header = r.readLine();
            String[] cols = header == null ? new String[0] : header.split(";");
            int trackCol = List.of(cols).indexOf("Track");
            int classCol = List.of(cols).indexOf("ClassId");
            if (trackCol < 0 || classCol < 0) {
                throw new DlsecException(csv + ": no Track/ClassId column in the header");
            }
            String line;
            int i = 0;
            while ((line = r.readLine()) != null && i < n) {
                String[] f = line.split(";");
                int key = Integer.parseInt(f[classCol]) * 100_000 + Integer.parseInt(f[trackCol]);
                tracks[i++] = dense.computeIfAbsent(key, k -> dense.size());
            }
            if (i != n) {
                throw new DlsecException(csv + ": " + i + " annotation rows for " + n + " images");
            }
        } catch (IOException | NumberFormatException | ArrayIndexOutOfBoundsException e) {
            throw new DlsecException("cannot read GTSRB annotations " + csv + ": " + e.getMessage(), e);
        }
        return tracks;
    }

    private static List<String> readClassNames(Path csv) {
        List<String> names = new ArrayList<>();
        if (!Files.exists(csv)) {
            return names;
        }
        List<String> lines = org.dlsec.core.BoundedReads.lines(csv, org.dlsec.core.BoundedReads.SMALL_TEXT, "GTSRB class names");
        // the first line is the header; an empty file names no class (the report then shows indices)
        for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
            int sep = line.indexOf(';');
            if (sep > 0) {
                names.add(line.substring(sep + 1).trim());
            }
        }
        return names;
    }

    private static String describe(DatasetId id, String split, Source img, IdxReader.IdxFile images, Source lbl,
            IdxReader.IdxFile labels) {
        return id + "/" + split + " images=" + img.where + " sha256=" + images.sha256() + verify(id, img, images)
                + " labels=" + lbl.where + " sha256=" + labels.sha256() + verify(id, lbl, labels);
    }

    private static String verify(DatasetId id, Source s, IdxReader.IdxFile f) {
        // the checksums are MNIST's and GTSRB's; Fashion-MNIST reuses MNIST's file names
        String known = id == DatasetId.FASHION_MNIST ? null : KNOWN_SHA256.get(s.baseName);
        if (known == null) {
            return "";
        }
        if (known.equals(f.sha256())) {
            return " (verified)";
        }
        LOG.warn("{} does not match the published checksum of {}: the file differs from the official data",
                s.where, s.baseName);
        return " (NOT the published checksum)";
    }

    private record Source(String where, String baseName, Opener opener) {
        IdxReader.IdxFile read() {
            try (InputStream in = opener.open()) {
                return IdxReader.read(in, where);
            } catch (IOException e) {
                throw new DlsecException("cannot read " + where + ": " + e.getMessage(), e);
            }
        }
    }

    @FunctionalInterface
    private interface Opener {
        InputStream open() throws IOException;
    }

    private static Source open(DatasetId id, Optional<Path> dir, String folder, String baseName) {
        List<Path> candidates = new ArrayList<>();
        dir.ifPresent(d -> candidates.add(d.resolve(folder)));
        if (id == DatasetId.FASHION_MNIST) {
            candidates.add(DEBIAN_FASHION);
        }
        for (Path c : candidates) {
            for (String suffix : new String[] {".gz", ""}) {
                Path p = c.resolve(baseName + suffix);
                if (Files.isRegularFile(p)) {
                    return new Source(p.toString(), baseName, () -> Files.newInputStream(p));
                }
            }
        }
        if (id == DatasetId.MNIST) {
            String res = BUNDLED + folder + "/" + baseName + ".gz";
            if (Datasets.class.getResource(res) != null) {
                return new Source("bundled:" + res, baseName, () -> Datasets.class.getResourceAsStream(res));
            }
        }
        String hint = id == DatasetId.FASHION_MNIST
                ? " (install Debian's dataset-fashion-mnist, or pass --data-dir)"
                : " (pass --data-dir DIR or set DLSEC_DATA)";
        throw new DlsecException("cannot find " + baseName + "[.gz] for " + id + " in "
                + (candidates.isEmpty() ? "any data directory" : candidates) + hint);
    }
}
