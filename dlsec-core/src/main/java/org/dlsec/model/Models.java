package org.dlsec.model;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.XavierInitializer;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Hashing;
import org.dlsec.core.Json;

/**
 * Creating, saving and loading models. {@link #load} is the front door for model files: a dlsec
 * model directory, a TorchScript {@code .pt} file, or an {@code .onnx} file.
 */
public final class Models {
    /**
     * The weights file's name inside a dlsec model directory.
     */
    public static final String WEIGHTS = "weights.params";

    private Models() {}

    /**
     * A freshly initialised, trainable network. Weights are drawn from the engine's generator after
     * seeding it with {@code seed}, uniformly in ±sqrt(6/fan_in) (He et al. 2015, the standard for ReLU networks).
     *
     * @param arch the architecture
     * @param inputShape one sample's shape, e.g. (1, 28, 28)
     * @param numClasses the number of outputs, at least 2
     * @param seed the initialisation seed; it reseeds the engine's JVM-wide generator
     * @return a new classifier with frozen parameters (call {@code setTrainable(true)} to train) and bounds
     *         [0, 1]; the caller closes it
     * @throws DlsecException when the architecture cannot take the shape or class count
     */
    public static DjlClassifier create(Architecture arch, Shape inputShape, int numClasses, long seed) {
        Block block = arch.build(inputShape, numClasses);
        block.setInitializer(new XavierInitializer(XavierInitializer.RandomType.UNIFORM,
                XavierInitializer.FactorType.IN, 6f), Parameter.Type.WEIGHT);
        Engines.engine();
        Model model = Model.newInstance(arch.cliName(), Engines.ENGINE);
        model.setBlock(block);
        Engines.seed(seed);
        block.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1).addAll(inputShape));
        ModelInfo info = new ModelInfo("dlsec", "new " + arch.cliName() + " seed " + seed, "untrained", arch.cliName());
        DjlClassifier classifier = new DjlClassifier(model, inputShape, numClasses, Bounds.UNIT, info, false);
        classifier.setTrainable(false);
        return classifier;
    }

    /**
     * Writes the weights and the model card (whose hash field is filled in here) to {@code dir}.
     *
     * @param classifier the network to save; not closed
     * @param card the card to write; its format, weights file and hash are set here
     * @param dir the model directory; created if missing, existing files replaced
     * @return the card as written
     * @throws DlsecException when the directory or files cannot be written
     */
    public static ModelCard save(DjlClassifier classifier, ModelCard card, Path dir) {
        org.dlsec.core.AtomicFiles.directory(dir, "model directory");
        Path weights = dir.resolve(WEIGHTS);
        org.dlsec.core.AtomicFiles.write(weights, o -> classifier.model().getBlock().saveParameters(new DataOutputStream(o)));
        ModelCard full = new ModelCard(ModelCard.FORMAT, card.architecture(), card.dataset(), card.inputShape(),
                card.numClasses(), WEIGHTS, Hashing.sha256(weights), card.training(), card.testAccuracy(),
                card.versions(), card.created());
        Json.write(dir.resolve(ModelCard.FILE), full);
        return full;
    }

    /** The kinds of model file {@link #load} accepts. */
    public enum Kind {
        /** A directory written by {@link #save}: a model card and the weights of a dlsec architecture. */
        DLSEC_DIRECTORY,
        /** A TorchScript module ({@code torch.jit.save}): white-box, loaded by DJL's PyTorch engine. */
        TORCHSCRIPT,
        /** An ONNX model: black-box, run by ONNX Runtime (an optional dependency). */
        ONNX
    }

    /** Largest number of classes and of input values per sample a model card may declare. */
    static final int MAX_CLASSES = 100_000;
    static final long MAX_INPUT_VALUES = 1L << 24;

    /**
     * What kind of model {@code path} is, from the file system and the first bytes only (nothing is
     * loaded): a directory is a dlsec model directory, {@code .onnx} an ONNX file, {@code .pt},
     * {@code .pth}, {@code .torchscript} or a zip archive a TorchScript file.
     *
     * @param path the model's path
     * @return the model's kind
     * @throws DlsecException when {@code path} does not exist or is neither a directory nor a recognised model file
     */
    public static Kind detect(Path path) {
        if (!Files.exists(path)) {
            throw new DlsecException("model not found: " + path);
        }
        if (Files.isDirectory(path)) {
            return Kind.DLSEC_DIRECTORY;
        }
        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".onnx")) {
            return Kind.ONNX;
        }
        if (name.endsWith(".pt") || name.endsWith(".pth") || name.endsWith(".torchscript") || isZip(path)) {
            return Kind.TORCHSCRIPT;
        }
        throw new DlsecException("not a model file: " + path
                + " (expected a dlsec model directory, a TorchScript .pt file or an .onnx file)");
    }

    /**
     * Reads a dlsec model directory's card.
     *
     * @param dir a dlsec model directory
     * @return the validated card
     * @throws DlsecException when the card is missing, too large or invalid
     */
    public static ModelCard card(Path dir) {
        Path file = dir.resolve(ModelCard.FILE);
        if (!Files.isRegularFile(file)) {
            throw new DlsecException(dir + " is not a dlsec model directory (no " + ModelCard.FILE + ")");
        }
        try {
            if (Files.size(file) > (16 << 20)) {
                throw new DlsecException(file + ": a model card of " + Files.size(file) + " bytes is not plausible");
            }
            return parseCard(Files.readAllBytes(file), file.toString());
        } catch (IOException e) {
            throw new DlsecException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Parses and validates a model card ({@code source} names it in messages): the format, an
     * architecture dlsec knows, an input shape of rank 1 to 4 ((d) features, (C, H, W) images) of positive, bounded dimensions, 2 to
     * {@value #MAX_CLASSES} classes, a weights file name inside the directory and a SHA-256 hash.
     *
     * @param json the card's bytes
     * @param source how the card is named in messages, e.g. its path
     * @return the validated card
     * @throws DlsecException when the JSON is malformed or a field is invalid; the message names the field
     */
    public static ModelCard parseCard(byte[] json, String source) {
        ModelCard card;
        try {
            card = Json.MAPPER.readValue(json, ModelCard.class);
        } catch (IOException e) {
            throw new DlsecException("cannot read " + source + " as a model card: " + firstLine(e.getMessage()), e);
        }
        if (card == null) {
            throw new DlsecException(source + ": empty model card");
        }
        if (!ModelCard.FORMAT.equals(card.format())) {
            throw new DlsecException(source + ": unknown model format '" + shorten(card.format()) + "', expected "
                    + ModelCard.FORMAT);
        }
        if (card.architecture() == null || card.inputShape() == null || card.inputShape().length < 1
                || card.inputShape().length > 4
                || card.weightsFile() == null) {
            throw new DlsecException(source + ": incomplete model card (architecture, inputShape, weightsFile needed)");
        }
        long values = 1;
        for (long d : card.inputShape()) {
            if (d < 1 || d > 65_536) {
                throw new DlsecException(source + ": bad inputShape dimension " + d);
            }
            values *= d;
        }
        if (values > MAX_INPUT_VALUES) {
            throw new DlsecException(source + ": inputShape of " + values + " values per sample is more than dlsec"
                    + " handles (" + MAX_INPUT_VALUES + ")");
        }
        if (card.numClasses() < 2 || card.numClasses() > MAX_CLASSES) {
            throw new DlsecException(source + ": numClasses must be in 2.." + MAX_CLASSES + ", got " + card.numClasses());
        }
        // the limit the architecture implies: its weights for this shape must fit in a model file dlsec loads
        Architecture arch = Architecture.parse(card.architecture());
        long params = arch.parameterCount(new Shape(card.inputShape()), card.numClasses());
        long maxParams = ModelFiles.maxBytes() / Float.BYTES;
        if (params > maxParams) {
            throw new DlsecException(source + ": a " + arch.cliName() + " for inputShape ("
                    + AbstractClassifier.shapeText(new Shape(card.inputShape())) + ") and " + card.numClasses()
                    + " classes has " + params + " parameters, more than the " + maxParams + " of the largest model file"
                    + " dlsec loads (-D" + ModelFiles.PROPERTY + ")");
        }
        if (card.weightsFile().isBlank() || card.weightsFile().length() > 255) {
            throw new DlsecException(source + ": bad weightsFile name");
        }
        if (card.weightsSha256() == null || !card.weightsSha256().matches("[0-9a-f]{64}")) {
            throw new DlsecException(source + ": weightsSha256 must be 64 lower-case hex digits");
        }
        return card;
    }

    private static String shorten(String s) {
        return s == null ? "null" : s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }

    /**
     * Loads a model file. {@code inputShape} is the shape of one sample of the data it will see —
     * (C, H, W) for images, (d) for feature vectors, any rank ≥ 1: it is checked against what the
     * model takes, and is needed for TorchScript and ONNX files, which do not always declare it.
     * The model's input bounds are [0, 1] (pixels).
     *
     * @param path a dlsec model directory, a TorchScript {@code .pt} file or an {@code .onnx} file
     * @param inputShape one sample's shape; may be null for a dlsec directory (its card declares it)
     * @return a classifier the caller owns and closes (it frees the model's native memory); white-box for
     *         dlsec and TorchScript models, black-box for ONNX
     * @throws DlsecException when the file is missing, too large, not a model, or does not take
     *         {@code inputShape}; for an ONNX file also when ONNX Runtime is not on the classpath
     */
    public static Classifier load(Path path, Shape inputShape) {
        return load(path, inputShape, Bounds.UNIT);
    }

    /**
     * As {@link #load(Path, Shape)}, with the input bounds of the data (for tabular data, typically
     * the per-feature minimum and maximum of the training split): attacks clip to them.
     *
     * @param path a dlsec model directory, a TorchScript {@code .pt} file or an {@code .onnx} file
     * @param inputShape one sample's shape; may be null for a dlsec directory
     * @param bounds the inputs' valid range, in the data's units
     * @return a classifier the caller owns and closes
     * @throws DlsecException when the file cannot be loaded, or the bounds do not fit {@code inputShape}
     */
    public static Classifier load(Path path, Shape inputShape, Bounds bounds) {
        if (inputShape != null) {
            bounds.requireFits(inputShape.size());
        }
        Kind kind = detect(path);
        if (kind != Kind.DLSEC_DIRECTORY) {
            // the size limit before anything reads the whole file (hashing a 20 GB sparse file took 53 s)
            ModelFiles.requireSize(path, "the model");
        }
        return switch (kind) {
            case DLSEC_DIRECTORY -> loadDlsec(path, inputShape, bounds);
            case ONNX -> loadOnnx(path, inputShape, bounds);
            case TORCHSCRIPT -> loadTorchScript(path, inputShape, bounds);
        };
    }

    /**
     * Loads a model file as {@code options} say: its input shape and bounds and, given a normalisation, behind it
     * ({@link NormalizedClassifier}: attacks, budgets and bounds stay in the data's units while the network sees
     * (x − mean) / std). Closing the result closes the model.
     *
     * @param path a dlsec model directory, a TorchScript {@code .pt} file or an {@code .onnx} file
     * @param options the sample shape, bounds and normalisation
     * @return a classifier the caller owns and closes; closing it also closes the wrapped model
     * @throws DlsecException when the file cannot be loaded or the options do not fit the model
     */
    public static Classifier load(Path path, LoadOptions options) {
        Classifier c = load(path, options.inputShape(), options.bounds());
        return options.normalization() == null ? c : NormalizedClassifier.owning(c, options.normalization(), c.bounds());
    }

    /** The size of {@code block}'s saved parameters, counted without keeping them. */
    private static long parameterBytes(Block block) throws IOException {
        long[] n = new long[1];
        java.io.OutputStream counter = new java.io.OutputStream() {
            @Override
            public void write(int b) {
                n[0]++;
            }

            @Override
            public void write(byte[] b, int off, int len) {
                n[0] += len;
            }
        };
        try (DataOutputStream out = new DataOutputStream(counter)) {
            block.saveParameters(out);
        }
        return n[0];
    }

    private static boolean isZip(Path path) {
        try (InputStream in = Files.newInputStream(path)) {
            return in.read() == 'P' && in.read() == 'K';
        } catch (IOException e) {
            return false;
        }
    }

    private static DjlClassifier loadDlsec(Path dir, Shape inputShape, Bounds bounds) {
        ModelCard card = card(dir);
        Architecture arch = Architecture.parse(card.architecture());
        Shape shape = new Shape(card.inputShape());
        if (inputShape != null && !shape.equals(inputShape)) {
            throw new DlsecException("input shape mismatch: the model " + dir + " takes (" + AbstractClassifier.shapeText(shape)
                    + ") but the data is (" + AbstractClassifier.shapeText(inputShape) + ")");
        }
        Path weights = dir.resolve(card.weightsFile()).normalize();
        if (!weights.startsWith(dir.normalize()) || !Files.isRegularFile(weights)) {
            throw new DlsecException("weights file " + card.weightsFile() + " missing from " + dir);
        }
        long weightBytes = ModelFiles.requireSize(weights, "the weights of");
        // the architecture says how many float32 parameters it has for this input shape and class count:
        // weights shorter than those are refused before the network is built (which allocates them)
        long params = arch.parameterCount(shape, card.numClasses());
        if (params > weightBytes / Float.BYTES) {
            throw new DlsecException("weights of " + dir + " do not fit a " + arch.cliName() + " for inputs ("
                    + AbstractClassifier.shapeText(shape) + ") and " + card.numClasses() + " classes: " + weightBytes
                    + " bytes, but its " + params + " parameters need at least " + params * Float.BYTES);
        }
        String sha = Hashing.sha256(weights);
        if (!sha.equals(card.weightsSha256())) {
            throw new DlsecException("weights of " + dir + " do not match the hash in its model card: "
                    + "the file is corrupt or was changed");
        }
        Block block = arch.build(shape, card.numClasses());
        Engines.engine();
        Model model = Model.newInstance(arch.cliName(), Engines.ENGINE);
        model.setBlock(block);
        try {
            // the weights of this architecture take a known number of bytes: a file that declares other
            // shapes (and so could make the engine allocate anything) is refused before it is parsed
            // zeros, not the random initialiser: loading a model must not draw from the engine's generator
            block.setInitializer(ai.djl.training.initializer.Initializer.ZEROS, Parameter.Type.WEIGHT);
            block.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1).addAll(shape));
            long expected = parameterBytes(block);
            long actual = Files.size(weights);
            if (actual != expected) {
                throw new DlsecException("weights of " + dir + " do not fit a " + arch.cliName() + " for inputs ("
                        + AbstractClassifier.shapeText(shape) + ") and " + card.numClasses() + " classes: " + actual
                        + " bytes, expected " + expected);
            }
        } catch (IOException | RuntimeException e) {
            model.close();
            throw e instanceof DlsecException d ? d
                    : new DlsecException("cannot load the weights of " + dir + ": " + firstLine(e.getMessage()), e);
        }
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(weights)))) {
            block.loadParameters(model.getNDManager(), in);
        } catch (IOException | MalformedModelException | RuntimeException e) {
            model.close();
            throw new DlsecException("cannot load the weights of " + dir + ": " + e.getMessage(), e);
        }
        ModelInfo info = new ModelInfo("dlsec", dir.toString(), sha, arch.cliName());
        DjlClassifier classifier = new DjlClassifier(model, shape, card.numClasses(), bounds, info, false);
        classifier.setTrainable(false);
        return classifier;
    }

    private static DjlClassifier loadTorchScript(Path file, Shape inputShape, Bounds bounds) {
        requireShape(inputShape, file);
        // libtorch trusts the archive's tensor records (a bad storage offset reads out of bounds): check them first
        TorchScriptCheck.check(file, ModelFiles.maxBytes());
        String sha = Hashing.sha256(file);
        Engines.engine();
        Model model = Model.newInstance(file.getFileName().toString(), Engines.ENGINE);
        try {
            model.load(file.toAbsolutePath(), null, Map.of("trainParam", "true"));
        } catch (IOException | MalformedModelException | EngineException e) {
            model.close();
            throw new DlsecException("not a loadable TorchScript model: " + file + " (" + firstLine(e.getMessage())
                    + "); save one with torch.jit.save(torch.jit.trace(model, example))", e);
        }
        model.getBlock().freezeParameters(true);
        int numClasses = probeClasses(model, inputShape, file);
        ModelInfo info = new ModelInfo("torchscript", file.toString(), sha, null);
        DjlClassifier classifier = new DjlClassifier(model, inputShape, numClasses, bounds, info, true);
        // its kernels are chosen (and checked) now, before any other thread can hold it
        classifier.kernelMode();
        return classifier;
    }

    private static int probeClasses(Model model, Shape inputShape, Path file) {
        try (Kernels.Section kernels = Kernels.reference(); NDManager m = model.getNDManager().newSubManager()) {
            NDArray x = m.zeros(new Shape(1).addAll(inputShape));
            NDArray y = model.getBlock().forward(new ai.djl.training.ParameterStore(m, false),
                    new ai.djl.ndarray.NDList(x), true).singletonOrThrow();
            if (y.getShape().dimension() != 2 || y.getShape().get(0) != 1 || y.getShape().get(1) < 2) {
                throw new DlsecException("the TorchScript model " + file + " returned shape " + y.getShape()
                        + " for one input; a classifier must return (n, K) logits");
            }
            return (int) y.getShape().get(1);
        } catch (EngineException e) {
            String takes = expectedInput(model);
            model.close();
            throw new DlsecException("input shape mismatch: the TorchScript model " + file + " cannot take the data's (n, "
                    + AbstractClassifier.shapeText(inputShape) + ") inputs" + (takes == null ? "" : "; its first layer takes "
                    + takes) + " (" + firstLine(e.getMessage()) + ")", e);
        } catch (DlsecException e) {
            model.close();
            throw e;
        }
    }

    /**
     * What a TorchScript model's first weight says about its input, for messages: a convolution
     * kernel (out, C, k, k) takes (n, C, H, W), a linear matrix (out, d) takes (n, d); null if unknown.
     */
    static String expectedInput(Model model) {
        try {
            for (var p : model.getBlock().getParameters()) {
                Shape s = p.getValue().getArray().getShape();
                if (s.dimension() == 4) {
                    return "(n, " + s.get(1) + ", H, W) (a convolution over " + s.get(1) + " channels)";
                }
                if (s.dimension() == 2) {
                    return "(n, " + s.get(1) + ") (a linear layer over " + s.get(1) + " features)";
                }
                if (s.dimension() >= 2) {
                    return null;
                }
            }
        } catch (RuntimeException e) {
            // only a hint for a message
        }
        return null;
    }

    /**
     * Whether ONNX Runtime (optional in dlsec-core) is on the classpath.
     *
     * @return true when {@code com.microsoft.onnxruntime:onnxruntime} can be loaded
     */
    public static boolean onnxRuntimeAvailable() {
        try {
            Class.forName("ai.onnxruntime.OrtEnvironment", false, Models.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    private static BlackBoxClassifier loadOnnx(Path file, Shape inputShape, Bounds bounds) {
        if (!onnxRuntimeAvailable()) {
            throw new DlsecException(file + " is an ONNX model, and ONNX Runtime is not on the classpath: add"
                    + " com.microsoft.onnxruntime:onnxruntime:" + org.dlsec.core.Versions.onnxRuntime()
                    + " to the project (dlsec-core declares it optional; the dlsec command line has it)");
        }
        requireShape(inputShape, file);
        String sha = Hashing.sha256(file);
        OnnxPredictor predictor = OnnxPredictor.open(file, inputShape.getShape());
        float[][] probe;
        try {
            probe = predictor.predict(new float[(int) inputShape.size()], 1);
        } catch (DlsecException e) {
            predictor.close();
            throw new DlsecException("input shape mismatch: the ONNX model " + file + " cannot take (1, "
                    + AbstractClassifier.shapeText(inputShape) + ") inputs (" + e.getMessage() + ")", e);
        }
        if (probe.length != 1 || probe[0].length < 2) {
            predictor.close();
            throw new DlsecException("the ONNX model " + file + " does not return (n, K) scores");
        }
        ModelInfo info = new ModelInfo("onnx", file.toString(), sha, null);
        return new BlackBoxClassifier(predictor, ScoreKind.detect(probe), inputShape, probe[0].length, bounds, info);
    }

    private static void requireShape(Shape inputShape, Path file) {
        if (inputShape == null) {
            throw new DlsecException(file + ": the input shape must be given for TorchScript and ONNX models");
        }
    }

    static String firstLine(String s) {
        if (s == null) {
            return "unknown error";
        }
        String t = s.strip();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl);
    }

}
