package org.dlsec.data;

import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Hashing;
import org.dlsec.core.Memory;

/**
 * Opens a dataset given by a built-in name (mnist, gtsrb, fashion-mnist) or by a path, whatever its
 * format; the {@link Dataset} it returns does not say which format it came from, only its shape,
 * classes, bounds and provenance.
 *
 * <p>A path may be
 * <ul>
 *   <li>an image folder (one sub-folder per class, classes in sorted order, PNG/JPEG/BMP files
 *       found recursively in sorted order, as torchvision's ImageFolder): indexed, not loaded;</li>
 *   <li>a CSV file ({@link CsvReader});</li>
 *   <li>a NumPy {@code .npz} file with the arrays x and y ({@code --npz-keys}), or an x {@code .npy}
 *       file with its y beside it ({@code x.npy} → {@code y.npy}), or a folder holding both;</li>
 *   <li>a folder holding one {@code *images*} and one {@code *labels*} IDX file (or one pair per
 *       split, told apart by "train" and "test"/"t10k" in their names);</li>
 *   <li>a folder holding {@code train/} and {@code test/} (any of the above), or {@code train.csv}
 *       and {@code test.csv}, or {@code train.npz} and {@code test.npz}: the split option picks one,
 *       and the training part fixes the class list and the data-derived bounds of both.</li>
 * </ul>
 * Class names come from a {@code classes.txt} beside the data (one per line, in label order), else
 * from the class folders or the CSV's label strings.
 */
public final class DataSource {
    private DataSource() {}

    /** The formats a path can hold. */
    private enum Format { IMAGES, CSV, NPZ, NPY, IDX }

    /** One readable unit: a format and its files (an image folder, a CSV, an npz, an npy or IDX pair). */
    private record Part(Format format, Path main, Path second) {
        String describe() {
            return second == null ? main.toString() : main + " + " + second;
        }
    }

    /**
     * Opens {@code nameOrPath} with the options {@code o}.
     *
     * @param nameOrPath a built-in name ({@code mnist}, {@code fashion-mnist}, {@code gtsrb}) or a file or folder
     * @param o the split and format options
     * @return the dataset, in memory or (image folders) indexed and decoded on demand
     * @throws org.dlsec.core.DlsecException when the name is unknown, a file is missing or malformed, or a value is
     *         outside the bounds; the message names the file
     */
    public static Dataset open(String nameOrPath, SourceOptions o) {
        String n = nameOrPath == null ? "" : nameOrPath.trim();
        if (n.isEmpty()) {
            throw new DlsecException("no dataset given: name a built-in (mnist, gtsrb, fashion-mnist) or a file or folder");
        }
        Path path = Path.of(n);
        DatasetId builtin = builtin(n);
        if (builtin != null && !Files.exists(path)) {
            return adjustBuiltin(Datasets.load(builtin, o.split(), o.dataDir()), o);
        }
        if (!Files.exists(path)) {
            throw new DlsecException("unknown dataset '" + org.dlsec.core.Text.echo(nameOrPath) + "': not a built-in ("
                    + Arrays.stream(DatasetId.values()).map(DatasetId::cliName).collect(Collectors.joining(", "))
                    + ") and no such file or folder");
        }
        String name = baseName(path);
        Part[] split = Files.isDirectory(path) ? splitParts(path, o) : null;
        if (split != null) {
            Part chosen = o.split().equals("train") ? split[0] : split[1];
            return read(chosen, split[0], name, o.split(), o, path);
        }
        return read(detect(path, o), null, name, "all", o, path);
    }

    private static DatasetId builtin(String n) {
        String l = n.toLowerCase(Locale.ROOT);
        for (DatasetId id : DatasetId.values()) {
            if (id.cliName().equals(l)) {
                return id;
            }
        }
        return null;
    }

    private static String baseName(Path p) {
        Path f = p.toAbsolutePath().normalize().getFileName();
        String s = f == null ? "data" : f.toString();
        int dot = s.lastIndexOf('.');
        return Files.isRegularFile(p) && dot > 0 ? s.substring(0, dot) : s;
    }

    /** {train, test} parts when {@code dir} holds both, else null. */
    private static Part[] splitParts(Path dir, SourceOptions o) {
        Path tr = dir.resolve("train");
        Path te = dir.resolve("test");
        if (Files.isDirectory(tr) && Files.isDirectory(te)) {
            return new Part[] {detect(tr, o), detect(te, o)};
        }
        for (String ext : new String[] {"csv", "npz"}) {
            Path a = dir.resolve("train." + ext);
            Path b = dir.resolve("test." + ext);
            if (Files.isRegularFile(a) && Files.isRegularFile(b)) {
                Format f = ext.equals("csv") ? Format.CSV : Format.NPZ;
                return new Part[] {new Part(f, a, null), new Part(f, b, null)};
            }
        }
        List<Path> images = idxFiles(dir, "images");
        List<Path> labels = idxFiles(dir, "labels");
        if (images.size() == 2 && labels.size() == 2) {
            return new Part[] {
                new Part(Format.IDX, pick(images, "train", dir), pick(labels, "train", dir)),
                new Part(Format.IDX, pick(images, "test", dir), pick(labels, "test", dir))
            };
        }
        return null;
    }

    private static Path pick(List<Path> files, String split, Path dir) {
        List<Path> m = files.stream().filter(p -> {
            String f = p.getFileName().toString().toLowerCase(Locale.ROOT);
            return split.equals("train") ? f.contains("train") : f.contains("test") || f.contains("t10k");
        }).toList();
        if (m.size() != 1) {
            throw new DlsecException("IDX folder " + dir + ": cannot tell which of " + files.stream()
                    .map(p -> p.getFileName().toString()).collect(Collectors.joining(", ")) + " is the " + split
                    + " split (expected 'train' and 'test' or 't10k' in the names)");
        }
        return m.get(0);
    }

    /** The format of a file or a folder without splits. */
    private static Part detect(Path path, SourceOptions o) {
        if (Files.isRegularFile(path)) {
            String f = path.getFileName().toString();
            String ext = f.contains(".") ? f.substring(f.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT) : "";
            return switch (ext) {
                case "csv" -> new Part(Format.CSV, path, null);
                case "npz" -> new Part(Format.NPZ, path, null);
                case "npy" -> {
                    int at = f.lastIndexOf(o.xKey());
                    Path y = at < 0 ? null : path.resolveSibling(f.substring(0, at) + o.yKey()
                            + f.substring(at + o.xKey().length()));
                    if (y == null || !Files.isRegularFile(y)) {
                        throw new DlsecException(".npy file " + path + ": its labels are expected in "
                                + (y == null ? "a file named like it with '" + o.xKey() + "' replaced by '" + o.yKey() + "'" : y)
                                + ", which does not exist (or give a folder holding " + o.xKey() + ".npy and "
                                + o.yKey() + ".npy)");
                    }
                    yield new Part(Format.NPY, path, y);
                }
                default -> throw new DlsecException("unsupported data file " + path
                        + ": expected .csv, .npz or .npy, or a folder (image folder, IDX pair, train/ and test/)");
            };
        }
        Path x = path.resolve(o.xKey() + ".npy");
        Path y = path.resolve(o.yKey() + ".npy");
        if (Files.isRegularFile(x) && Files.isRegularFile(y)) {
            return new Part(Format.NPY, x, y);
        }
        List<Path> images = idxFiles(path, "images");
        List<Path> labels = idxFiles(path, "labels");
        if (images.size() == 1 && labels.size() == 1) {
            return new Part(Format.IDX, images.get(0), labels.get(0));
        }
        if (!images.isEmpty() || !labels.isEmpty()) {
            throw new DlsecException("IDX folder " + path + ": expected one *images* and one *labels* file (or one pair"
                    + " per split), found " + images.size() + " and " + labels.size());
        }
        List<Path> single = list(path, p -> Files.isRegularFile(p) && (p.toString().endsWith(".csv")
                || p.toString().endsWith(".npz")));
        if (subfolders(path).isEmpty() && single.size() == 1) {
            return detect(single.get(0), o);
        }
        return new Part(Format.IMAGES, path, null);
    }

    private static List<Path> idxFiles(Path dir, String kind) {
        return list(dir, p -> {
            String f = p.getFileName().toString().toLowerCase(Locale.ROOT);
            return Files.isRegularFile(p) && f.contains(kind) && f.contains("idx");
        });
    }

    private static List<Path> list(Path dir, java.util.function.Predicate<Path> keep) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(keep).sorted().toList();
        } catch (IOException e) {
            throw new DlsecException("cannot list folder " + dir + ": " + e.getMessage(), e);
        }
    }

    private static List<Path> subfolders(Path dir) {
        return list(dir, p -> Files.isDirectory(p) && !p.getFileName().toString().startsWith("."));
    }

    private static Dataset read(Part part, Part reference, String name, String split, SourceOptions o, Path root) {
        List<String> classesTxt = classesTxt(part.main(), root);
        if (part.format() == Format.IMAGES) {
            List<String> classes = reference == null ? null : classFolders(reference.main());
            return imageFolder(part.main(), classes, classesTxt, name, split, o);
        }
        RawData raw = raw(part, o);
        RawData ref = reference == null || reference.equals(part) ? raw : raw(reference, o);
        return fromRaw(raw, ref, name, split, o, classesTxt);
    }

    private static RawData raw(Part p, SourceOptions o) {
        return switch (p.format()) {
            case CSV -> CsvReader.read(p.main(), o.labelColumn());
            case NPZ -> npz(p.main(), o);
            case NPY -> arrays(NpyReader.readNpy(p.main()), NpyReader.readNpy(p.second()), p.describe(),
                    "npy x=" + p.main() + " sha256=" + Hashing.sha256(p.main()) + " y=" + p.second() + " sha256="
                            + Hashing.sha256(p.second()));
            case IDX -> idx(p);
            case IMAGES -> throw new IllegalStateException("image folders are not read into memory");
        };
    }

    private static RawData npz(Path file, SourceOptions o) {
        Map<String, NpyReader.NpyArray> a;
        try (InputStream in = Files.newInputStream(file)) {
            a = NpyReader.readNpz(in, file.toString(), List.of(o.xKey(), o.yKey()));
        } catch (java.nio.file.NoSuchFileException e) {
            throw new DlsecException("data file not found: " + file);
        } catch (IOException e) {
            throw new DlsecException("cannot read .npz file " + file + ": " + e.getMessage(), e);
        }
        return arrays(a.get(o.xKey()), a.get(o.yKey()), file + " (arrays " + o.xKey() + ", " + o.yKey() + ")",
                "npz " + file + " sha256=" + Hashing.sha256(file) + " arrays " + o.xKey() + "," + o.yKey());
    }

    /** Samples and labels from two NumPy arrays; uint8 samples are scaled to [0, 1]. */
    static RawData arrays(NpyReader.NpyArray x, NpyReader.NpyArray y, String where, String provenance) {
        if (x.shape().length < 2 || x.shape().length > 4) {
            throw new DlsecException(where + ": x has shape " + Arrays.toString(x.shape())
                    + "; expected (N, d), (N, H, W), (N, C, H, W) or (N, H, W, C)");
        }
        if (y.shape().length != 1) {
            throw new DlsecException(where + ": y has shape " + Arrays.toString(y.shape()) + "; expected (N,) labels");
        }
        if (y.kind() == 'f') {
            throw new DlsecException(where + ": y is " + y.dtype() + "; expected integer labels");
        }
        if (x.shape()[0] != y.shape()[0]) {
            throw new DlsecException(where + ": x has " + x.shape()[0] + " samples but y has " + y.shape()[0]
                    + " labels");
        }
        int n = (int) x.shape()[0];
        if (n == 0) {
            throw new DlsecException(where + ": no samples (x has shape " + Arrays.toString(x.shape()) + ")");
        }
        boolean pixels = x.kind() == 'u' && x.itemSize() == 1;
        if (x.kind() != 'f' && !pixels) {
            throw new DlsecException(where + ": x is " + x.dtype() + "; expected float32, float64 or uint8");
        }
        float[] v;
        if (pixels) {
            Memory.require(4L * x.longs().length, where + " as floats");
            v = new float[x.longs().length];
            for (int i = 0; i < v.length; i++) {
                v[i] = x.longs()[i] / 255f;
            }
        } else {
            v = x.floats();
            for (int i = 0; i < v.length; i++) {
                if (!Float.isFinite(v[i])) {
                    int d = v.length / n;
                    throw new DlsecException(where + ": x[" + i / d + "] holds " + v[i] + " at value " + i % d
                            + " (NaN and infinity are not allowed in features)");
                }
            }
        }
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            long l = y.longs()[i];
            if (l < 0 || l > Integer.MAX_VALUE - 1) {
                throw new DlsecException(where + ": y[" + i + "] is " + l + "; labels must be 0, 1, 2, ...");
            }
            labels[i] = (int) l;
        }
        long[] s = Arrays.copyOfRange(x.shape(), 1, x.shape().length);
        return new RawData(toChw(v, n, s), chwShape(s), labels, null, pixels, null, where, provenance);
    }

    /**
     * (H, W) → (1, H, W); (H, W, C) with C in {1, 3, 4} and H not in {1, 3, 4} → (C, H, W) (channels
     * last, as NumPy image arrays usually are); others are taken as (C, H, W) or feature vectors.
     */
    private static long[] chwShape(long[] s) {
        if (s.length == 2) {
            return new long[] {1, s[0], s[1]};
        }
        if (isHwc(s)) {
            return new long[] {s[2], s[0], s[1]};
        }
        return s;
    }

    private static boolean isHwc(long[] s) {
        return s.length == 3 && isChannelCount(s[2]) && !isChannelCount(s[0]);
    }

    private static boolean isChannelCount(long c) {
        return c == 1 || c == 3 || c == 4;
    }

    private static float[] toChw(float[] v, int n, long[] s) {
        if (!isHwc(s)) {
            return v;
        }
        int h = (int) s[0];
        int w = (int) s[1];
        int c = (int) s[2];
        Memory.require(4L * v.length, "the samples in CHW order");
        float[] out = new float[v.length];
        int plane = h * w;
        int sample = plane * c;
        for (int k = 0; k < n; k++) {
            int base = k * sample;
            for (int p = 0; p < plane; p++) {
                for (int ch = 0; ch < c; ch++) {
                    out[base + ch * plane + p] = v[base + p * c + ch];
                }
            }
        }
        return out;
    }

    private static RawData idx(Part p) {
        IdxReader.IdxFile img = IdxReader.read(p.main());
        IdxReader.IdxFile lbl = IdxReader.read(p.second());
        String where = p.describe();
        if (lbl.dims().length != 1) {
            throw new DlsecException(p.second() + ": expected a 1-D IDX label file, found " + lbl.dims().length + "-D");
        }
        if (img.dims().length < 2) {
            throw new DlsecException(p.main() + ": expected an IDX file of samples (2-D or more), found 1-D");
        }
        if (img.count() != lbl.count()) {
            throw new DlsecException(where + ": " + img.count() + " samples but " + lbl.count() + " labels");
        }
        long[] s = new long[img.dims().length - 1];
        for (int i = 0; i < s.length; i++) {
            s[i] = img.dims()[i + 1];
        }
        int[] y = new int[lbl.count()];
        for (int i = 0; i < y.length; i++) {
            y[i] = lbl.data()[i] & 0xff;
        }
        float[] v = Datasets.toFloats(img.data());
        String prov = "idx images=" + p.main() + " sha256=" + img.sha256() + " labels=" + p.second() + " sha256="
                + lbl.sha256();
        return new RawData(toChw(v, y.length, s), chwShape(s), y, null, true, null, where, prov);
    }

    /** Classes, resizing and bounds settled; {@code ref} is the training split (or {@code raw} itself). */
    private static Dataset fromRaw(RawData raw, RawData ref, String name, String split, SourceOptions o,
            List<String> classesTxt) {
        if (!Arrays.equals(raw.sampleShape(), ref.sampleShape())) {
            throw new DlsecException(raw.file() + " has samples of shape " + Arrays.toString(raw.sampleShape())
                    + " but " + ref.file() + " has " + Arrays.toString(ref.sampleShape()));
        }
        List<String> classes;
        int[] y;
        int k;
        if (raw.names() != null || ref.names() != null) {
            if (raw.names() == null || ref.names() == null) {
                throw new DlsecException((raw.names() == null ? raw.file() : ref.file()) + " has integer labels but "
                        + (raw.names() == null ? ref.file() : raw.file()) + " has class names");
            }
            classes = classesTxt != null ? classesTxt : List.copyOf(new TreeSet<>(Arrays.asList(ref.names())));
            String from = classesTxt != null ? "classes.txt" : ref.file();
            Map<String, Integer> index = new java.util.HashMap<>();
            for (int i = 0; i < classes.size(); i++) {
                index.putIfAbsent(classes.get(i), i);
            }
            y = new int[raw.size()];
            for (int i = 0; i < y.length; i++) {
                Integer at = index.get(raw.names()[i]);
                if (at == null) {
                    throw new DlsecException(raw.file() + ": " + raw.place(i) + " has the label '" + raw.names()[i]
                            + "', which is not one of the classes of " + from + " (" + abbreviate(classes) + ")");
                }
                y[i] = at;
            }
            k = classes.size();
        } else {
            String from;
            if (classesTxt != null) {
                k = classesTxt.size();
                from = "classes.txt";
                classes = classesTxt;
            } else {
                k = Arrays.stream(ref.labels()).max().orElse(0) + 1;
                from = ref == raw ? "the labels" : ref.file();
                classes = List.of();
            }
            y = raw.labels();
            for (int i = 0; i < y.length; i++) {
                if (y[i] >= k) {
                    throw new DlsecException(raw.file() + ": " + raw.place(i) + " has the label " + y[i]
                            + ", outside the " + k + " classes 0.." + (k - 1) + " of " + from);
                }
            }
        }
        if (k < 2) {
            throw new DlsecException(raw.file() + " has a single class; a classifier needs two or more"
                    + " (list them all in a classes.txt beside the data)");
        }
        long[] shape = raw.sampleShape();
        float[] x = raw.x();
        float[] refX = ref.x();
        String resized = "";
        if (o.resize()) {
            if (shape.length != 3) {
                throw new DlsecException("--resize applies to images, but " + raw.file() + " has samples of shape "
                        + Arrays.toString(shape));
            }
            x = resize(x, raw.size(), shape, o, raw.file());
            refX = ref == raw ? x : resize(refX, ref.size(), shape, o, ref.file());
            resized = " | resized bilinearly from " + shape[1] + "x" + shape[2] + " to " + o.resizeHeight() + "x"
                    + o.resizeWidth();
            shape = new long[] {shape[0], o.resizeHeight(), o.resizeWidth()};
        }
        int d = (int) new Shape(shape).size();
        DataBounds bounds;
        String refName = ref == raw ? raw.file() : ref.file();
        if ("data".equals(o.bounds())) {
            bounds = DataBounds.ofData(refX, d, "per-feature min/max of " + refName);
        } else if (o.bounds() != null) {
            float[] lh = SourceOptions.parseBounds(o.bounds());
            bounds = DataBounds.uniform(lh[0], lh[1], "--bounds");
            bounds.check(x, d, raw.file());
        } else if (raw.pixels() || shape.length == 3) {
            bounds = DataBounds.UNIT;
            bounds.check(x, d, raw.file());
        } else {
            bounds = DataBounds.ofData(refX, d, "per-feature min/max of " + refName);
        }
        String origin = raw.provenance() + " | split " + split + (ref == raw ? "" : " (classes and bounds from "
                + ref.file() + ")") + resized + " | bounds " + bounds.describe();
        Dataset data = new Dataset(name, split, new Shape(shape), k, x, y, null, classes, origin, bounds);
        return raw.featureNames() == null ? data : data.withFeatureNames(raw.featureNames());
    }

    private static float[] resize(float[] x, int n, long[] s, SourceOptions o, String where) {
        int c = (int) s[0];
        int h = (int) s[1];
        int w = (int) s[2];
        int oh = o.resizeHeight();
        int ow = o.resizeWidth();
        long total = (long) n * c * oh * ow;
        if (total > Integer.MAX_VALUE - 8) {
            throw new DlsecException(where + ": resized to " + oh + "x" + ow + " the samples would not fit one array");
        }
        Memory.require(4 * total, where + " resized to " + oh + "x" + ow);
        float[] out = new float[(int) total];
        int in = c * h * w;
        int sz = c * oh * ow;
        float[] one = new float[in];
        for (int i = 0; i < n; i++) {
            System.arraycopy(x, i * in, one, 0, in);
            ImageDecoder.resizeBilinear(one, c, h, w, out, i * sz, oh, ow);
        }
        return out;
    }

    private static String abbreviate(List<String> names) {
        String s = String.join(", ", names);
        return s.length() <= 200 ? s : s.substring(0, 197) + "...";
    }

    /** The lines of a classes.txt beside {@code data} (or in {@code root}), or null when there is none. */
    private static List<String> classesTxt(Path data, Path root) {
        List<Path> where = new ArrayList<>();
        Path dir = Files.isDirectory(data) ? data : data.toAbsolutePath().getParent();
        where.add(dir.resolve("classes.txt"));
        Path r = Files.isDirectory(root) ? root : root.toAbsolutePath().getParent();
        where.add(r.resolve("classes.txt"));
        for (Path p : where) {
            if (Files.isRegularFile(p)) {
                List<String> names = org.dlsec.core.BoundedReads.lines(p, org.dlsec.core.BoundedReads.SMALL_TEXT,
                        "class-name list").stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
                if (names.size() < 2) {
                    throw new DlsecException(p + " names " + names.size() + " class(es); a classifier needs two or more");
                }
                if (new TreeSet<>(names).size() != names.size()) {
                    throw new DlsecException(p + " names a class twice");
                }
                return names;
            }
        }
        return null;
    }

    private static List<String> classFolders(Path dir) {
        return subfolders(dir).stream().map(p -> p.getFileName().toString()).toList();
    }

    /** Indexes an image folder: class folders, their image files, and the image shape from the headers. */
    private static Dataset imageFolder(Path dir, List<String> trainClasses, List<String> classesTxt, String name,
            String split, SourceOptions o) {
        List<Path> classDirs = subfolders(dir);
        if (classDirs.isEmpty()) {
            throw new DlsecException("no dataset in " + dir + ": no class sub-folders (an image folder holds one"
                    + " folder of images per class), no CSV, .npz, .npy pair or IDX pair");
        }
        List<String> classes = trainClasses != null ? trainClasses : classFolders(dir);
        if (classesTxt != null && classesTxt.size() != classes.size()) {
            throw new DlsecException("classes.txt beside " + dir + " names " + classesTxt.size() + " classes but there are "
                    + classes.size() + " class folders");
        }
        if (classes.size() < 2) {
            throw new DlsecException("image folder " + dir + " has a single class folder; a classifier needs two or more");
        }
        List<Path> files = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (Path cd : classDirs) {
            String cls = cd.getFileName().toString();
            int k = classes.indexOf(cls);
            if (k < 0) {
                throw new DlsecException("class folder " + cd + " is not a class of the training split (its classes: "
                        + abbreviate(classes) + ")");
            }
            List<Path> images = images(cd);
            if (images.isEmpty()) {
                throw new DlsecException("class folder " + cd + " holds no PNG, JPEG or BMP images");
            }
            for (Path p : images) {
                files.add(p);
                labels.add(k);
            }
        }
        if (o.bounds() != null) {
            if (o.bounds().equals("data")) {
                throw new DlsecException("--bounds data would decode the whole image folder " + dir
                        + "; images are in [0,1], give --bounds lo,hi to widen that");
            }
            float[] lh = SourceOptions.parseBounds(o.bounds());
            if (lh[0] > 0 || lh[1] < 1) {
                throw new DlsecException("invalid --bounds " + o.bounds() + " for image folder " + dir
                        + ": its pixels are scaled to [0,1], so the bounds must contain [0,1]");
            }
        }
        ImageDecoder.Header first = ImageDecoder.header(files.get(0));
        boolean colour = !first.grey();
        for (int i = 1; i < files.size(); i++) {
            ImageDecoder.Header h = ImageDecoder.header(files.get(i));
            colour |= !h.grey();
            if (!o.resize() && (h.width() != first.width() || h.height() != first.height())) {
                throw new DlsecException("images of different sizes: " + files.get(0) + " is " + first.height() + "x"
                        + first.width() + " but " + files.get(i) + " is " + h.height() + "x" + h.width()
                        + "; give --resize HxW to resize them all");
            }
        }
        int c = colour ? 3 : 1;
        int h = o.resize() ? o.resizeHeight() : first.height();
        int w = o.resize() ? o.resizeWidth() : first.width();
        int[] y = labels.stream().mapToInt(Integer::intValue).toArray();
        SampleStore store = new ImageFolderStore(dir.toAbsolutePath(), files.toArray(new Path[0]), c, h, w, o.resize(),
                new AtomicLong());
        DataBounds bounds = o.bounds() == null ? DataBounds.UNIT
                : DataBounds.uniform(SourceOptions.parseBounds(o.bounds())[0], SourceOptions.parseBounds(o.bounds())[1],
                        "--bounds");
        String origin = "image folder " + dir + " (" + files.size() + " images in " + classDirs.size() + " class folders, "
                + c + "x" + h + "x" + w + (o.resize() ? ", resized bilinearly" : "") + ") | split " + split
                + (trainClasses != null ? " (classes from the train folder)" : "") + " | bounds " + bounds.describe();
        return new Dataset(name, split, new Shape(c, h, w), classes.size(), store, y, null,
                classesTxt != null ? classesTxt : classes, origin, bounds, (long) y.length * c * h * w);
    }

    /** The image files under {@code dir}, recursively, sorted as torchvision's ImageFolder sorts them. */
    private static List<Path> images(Path dir) {
        try (Stream<Path> s = Files.walk(dir, FileVisitOption.FOLLOW_LINKS)) {
            return s.filter(p -> Files.isRegularFile(p) && ImageDecoder.isImageFile(p))
                    .sorted(Comparator.comparing((Path p) -> p.getParent().toString()).thenComparing(
                            p -> p.getFileName().toString()))
                    .toList();
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new DlsecException("cannot list image folder " + dir + ": " + e.getMessage(), e);
        }
    }

    /** A built-in dataset, resized or given other bounds when the options ask for it. */
    private static Dataset adjustBuiltin(Dataset d, SourceOptions o) {
        if (!o.resize() && o.bounds() == null) {
            return d;
        }
        if ("data".equals(o.bounds())) {
            throw new DlsecException("--bounds data is for tabular data; " + d.name() + " is an image dataset in [0,1]");
        }
        float[] x = ((ArrayStore) d.store()).values;
        long[] shape = d.sampleShape().getShape();
        String what = "";
        if (o.resize()) {
            x = resize(x, d.size(), shape, o, d.name());
            what += " | resized bilinearly to " + o.resizeHeight() + "x" + o.resizeWidth();
            shape = new long[] {shape[0], o.resizeHeight(), o.resizeWidth()};
        }
        DataBounds b = d.bounds();
        if (o.bounds() != null) {
            float[] lh = SourceOptions.parseBounds(o.bounds());
            b = DataBounds.uniform(lh[0], lh[1], "--bounds");
            b.check(x, (int) new Shape(shape).size(), d.name());
            what += " | bounds " + b.describe();
        }
        return new Dataset(d.name(), d.split(), new Shape(shape), d.numClasses(), x, d.labels(), d.groups(), d.classNames(),
                d.origin() + what, b);
    }
}
