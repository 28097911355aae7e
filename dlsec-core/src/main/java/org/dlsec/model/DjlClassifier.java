package org.dlsec.model;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import org.dlsec.core.DlsecException;

/**
 * A white-box classifier over a DJL {@link Model}: either a network built in Java (trainable) or a
 * TorchScript module loaded through DJL's PyTorch engine.
 *
 * <p>Input gradients come from PyTorch's autograd through DJL. For TorchScript modules the forward
 * pass runs in DJL's "training" call path, which is the only one with autograd enabled; the module
 * itself stays in {@code eval()} mode (DJL puts it there at load time and never switches, because
 * the symbol block starts in its training state) and its parameters are frozen, so BatchNorm and
 * Dropout keep their inference behaviour and no parameter gradients are computed.
 */
public final class DjlClassifier extends AbstractClassifier {
    /** Batches shorter than this run padded, so that a sample's bits do not depend on its batch. */
    static final int MIN_ROWS = 8;
    /**
     * Predictions of more rows run in slices of this many. libtorch allocates every intermediate of a
     * forward pass afresh, and those of a long batch exceed the allocator's reuse thresholds, so each
     * one comes from the kernel as new zeroed pages: a TorchScript LeNet-5 forward over 1000 rows in one
     * call took 3.3 million page faults and 220-310 ms per 1000 rows, in slices of 250 0.1-0.3 million
     * and 95-137 ms (BENCHMARKS.md, issue #22). A sample's bits do not depend on its batch (see
     * {@link #MIN_ROWS}), so slicing changes no number.
     */
    static final int FORWARD_ROWS = 256;
    /** oneDNN's channel block on AVX-512 machines: convolutions with whole blocks only. */
    static final int BLOCK = 16;
    /** Largest relative error of oneDNN's logits against the reference kernels' (float32 sums in another order). */
    static final double ONEDNN_LOGIT_TOLERANCE = 1e-4;
    /**
     * Largest relative error of oneDNN's input gradients against the reference kernels'. Looser than the
     * logits': where two inputs of a max-pool window or a ReLU's input differ by less than the float32
     * rounding of the two kernels, the gradient goes another way (measured on a VGG-style GTSRB net:
     * 1.1e-3), while the broken kernels this guards against are off by 0.15 to NaN.
     */
    static final double ONEDNN_GRADIENT_TOLERANCE = 1e-2;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DjlClassifier.class);
    /** Null until the first call (or the loader) decides it; then never changed. */
    private final java.util.concurrent.atomic.AtomicReference<KernelChoice> kernelChoice =
            new java.util.concurrent.atomic.AtomicReference<>();
    private final Model model;
    private final Block block;
    private final boolean symbolic;
    private final ParameterStore parameters;

    /**
     * @param model the DJL model with its block and initialised parameters
     * @param inputShape one sample's shape
     * @param numClasses the number of outputs, at least 2
     * @param bounds the inputs' valid range
     * @param info provenance of the model
     * @param symbolic true for TorchScript modules (forward through the autograd-enabled path)
     * Wraps {@code model}; the classifier owns it and closes it with {@link #close()}.
     *
     * @throws DlsecException when the shape, class count or bounds are invalid
     */
    public DjlClassifier(Model model, Shape inputShape, int numClasses, Bounds bounds, ModelInfo info,
            boolean symbolic) {
        super(inputShape, numClasses, bounds, info);
        this.model = model;
        this.block = model.getBlock();
        this.symbolic = symbolic;
        this.parameters = new ParameterStore(model.getNDManager(), false);
    }

    /**
     * True for a TorchScript module: its forward pass with autograd runs in DJL's "training" call
     * path (see the class comment), which code taking gradients of its parameters must use too.
     *
     * @return true when built from a TorchScript file, false for a network built in Java
     */
    public boolean isTorchScript() {
        return symbolic;
    }

    /**
     * The underlying DJL model (for training and saving); owned by this classifier.
     *
     * @return the model; do not close it separately
     */
    public Model model() {
        return model;
    }

    /**
     * Makes the learnable parameters trainable (for a training step) or frozen (for attacks, which
     * need input gradients only). BatchNorm running statistics are never made trainable: DJL's
     * {@code freezeParameters(false)} would mark them as requiring gradients, which PyTorch rejects.
     *
     * @param trainable true before a training step, false for attacks and evaluation; not thread-safe with
     *        respect to concurrent forward passes
     */
    public void setTrainable(boolean trainable) {
        for (var entry : block.getParameters()) {
            Parameter p = entry.getValue();
            boolean stat = p.getType() == Parameter.Type.RUNNING_MEAN || p.getType() == Parameter.Type.RUNNING_VAR;
            p.freeze(!trainable || stat);
        }
    }

    @Override
    public boolean hasGradients() {
        return true;
    }

    /**
     * The convolution kernels of this model's forward passes (predictions, and the forward half of a
     * gradient), decided on the first call (see {@link Kernels}): oneDNN for a TorchScript model
     * whose oneDNN logits on a fixed probe batch match the reference kernels' to 1e-4, are the same
     * bits when computed twice, with or without a gradient, and do not depend on the batch, and whose input gradients (with the
     * backward of {@link #backwardKernelMode()}) match the reference kernels' to 1e-2; the reference
     * kernels otherwise, for dlsec's own models, and with {@code -Ddlsec.onednn=false}.
     *
     * @return the kernels of every forward pass of this model
     */
    public Kernels.Mode kernelMode() {
        return choice().forward();
    }

    /**
     * The convolution kernels of this model's backward passes: oneDNN only when its forward passes
     * are on oneDNN and every convolution fills oneDNN's 16-wide channel blocks (libtorch 2.7.1's
     * oneDNN input gradient is wrong on some CPUs otherwise, see {@link LibTorchNumerics}); the
     * reference kernels otherwise. The backward of a convolution reads libtorch's switch when it runs,
     * so a oneDNN forward may be followed by a reference backward: the gradient of the same function.
     *
     * @return the kernels of every backward pass of this model
     */
    public Kernels.Mode backwardKernelMode() {
        return choice().backward();
    }

    /**
     * The kernels this model runs on and why, for provenance and logs.
     *
     * @return for example "oneDNN (verified against the reference kernels)"
     */
    @Override
    public String kernels() {
        KernelChoice c = choice();
        String what = c.forward() == Kernels.Mode.REFERENCE ? "reference"
                : c.backward() == Kernels.Mode.ONEDNN ? "oneDNN" : "oneDNN forward, reference backward";
        return what + " (" + c.why() + ")";
    }

    /** What {@link #kernelMode()} and {@link #backwardKernelMode()} return, and why. */
    private record KernelChoice(Kernels.Mode forward, Kernels.Mode backward, String why) {}

    /**
     * The choice, made once. No lock is held while it is made: a thread inside a kernel section
     * cannot switch kernels (and must not wait for another thread's check, which may be waiting for
     * that very section to end), so it settles on the reference at once; two checks at the same time
     * give the same answer, and the first one stored wins.
     */
    private KernelChoice choice() {
        KernelChoice c = kernelChoice.get();
        if (c != null) {
            return c;
        }
        KernelChoice made = Kernels.currentSection() != null
                ? new KernelChoice(Kernels.Mode.REFERENCE, Kernels.Mode.REFERENCE,
                        "first used inside a kernel section, where nothing can be checked")
                : decideKernels();
        if (kernelChoice.compareAndSet(null, made)) {
            LOG.debug("{}: forward {}, backward {} ({})", info().source(), made.forward(), made.backward(), made.why());
        }
        return kernelChoice.get();
    }

    private KernelChoice decideKernels() {
        if (!symbolic) {
            return new KernelChoice(Kernels.Mode.REFERENCE, Kernels.Mode.REFERENCE, "a dlsec model");
        }
        if (!Kernels.oneDnnAllowed()) {
            return new KernelChoice(Kernels.Mode.REFERENCE, Kernels.Mode.REFERENCE, "oneDNN not allowed here");
        }
        String blocks = partialBlocks();
        String why = oneDnnRefusal(blocks == null);
        if (why != null) {
            return new KernelChoice(Kernels.Mode.REFERENCE, Kernels.Mode.REFERENCE, why);
        }
        return new KernelChoice(Kernels.Mode.ONEDNN, blocks == null ? Kernels.Mode.ONEDNN : Kernels.Mode.REFERENCE,
                "verified against the reference kernels" + (blocks == null ? "" : "; backward: " + blocks));
    }

    /** Null when every convolution weight fills oneDNN's channel blocks, else the first that does not. */
    private String partialBlocks() {
        for (var entry : block.getParameters()) {
            Shape s = entry.getValue().getArray().getShape();
            if (s.dimension() > 4) {
                return "parameter " + entry.getKey() + " of shape " + s + " (a 3-D convolution) is not verified";
            }
            if (s.dimension() == 4 && (s.get(0) % BLOCK != 0 || (s.get(1) % BLOCK != 0 && s.get(1) > 4))) {
                return "convolution " + entry.getKey() + " of shape " + s + " does not fill oneDNN's " + BLOCK
                        + "-wide channel blocks";
            }
        }
        return null;
    }

    /** Null when oneDNN may run this model's forward passes (and backward ones too if asked), else why not. */
    private String oneDnnRefusal(boolean oneDnnBackward) {
        Kernels.Mode bwd = oneDnnBackward ? Kernels.Mode.ONEDNN : Kernels.Mode.REFERENCE;
        try (NDManager m = model.getNDManager().newSubManager()) {
            int d = (int) inputShape().size();
            int rows = 2 * MIN_ROWS;
            java.util.SplittableRandom r = new java.util.SplittableRandom(0x0DD11EL);
            float[] x = new float[rows * d];
            Bounds b = bounds();
            for (int i = 0; i < x.length; i++) {
                int j = i % d;
                x[i] = b.clamp(j, b.lo(j) + r.nextDouble() * b.range(j));
            }
            NDArray probe = org.dlsec.core.Tensors.floats(m, x, new Shape(rows).addAll(inputShape()));
            float[][] ref = probe(probe, Kernels.Mode.REFERENCE, Kernels.Mode.REFERENCE);
            float[][] one = probe(probe, Kernels.Mode.ONEDNN, bwd);
            float[][] again = probe(probe, Kernels.Mode.ONEDNN, bwd);
            NDArray half = probe.get("0:" + MIN_ROWS);
            float[][] halfOne = probe(half, Kernels.Mode.ONEDNN, bwd);
            float[] predicted;
            // choice() checks only outside any section, so these sections get the modes they ask for
            try (Kernels.Section ignored = Kernels.enter(Kernels.Mode.ONEDNN)) {
                predicted = forwardIn(probe, oneDnnBackward).toFloatArray();
            }
            if (!java.util.Arrays.equals(predicted, one[0])) {
                // a prediction (grad mode off) and a gradient's logits must be one function, or an attack's own
                // success test and the final prediction could disagree at the boundary
                return "oneDNN's predictions differ from the logits of its gradient path";
            }
            for (int t = 0; t < 2; t++) {
                String what = t == 0 ? "logits" : "input gradients";
                double err = relativeError(one[t], ref[t]);
                if (!(err < (t == 0 ? ONEDNN_LOGIT_TOLERANCE : ONEDNN_GRADIENT_TOLERANCE))) {
                    return "oneDNN's " + what + " differ from the reference kernels' (relative error " + err + ")";
                }
                if (!java.util.Arrays.equals(one[t], again[t])) {
                    return "oneDNN's " + what + " differ between two identical calls";
                }
                if (!java.util.Arrays.equals(java.util.Arrays.copyOf(one[t], halfOne[t].length), halfOne[t])) {
                    return "oneDNN's " + what + " of a sample depend on its batch";
                }
            }
            return null;
        } catch (RuntimeException e) {
            return "the oneDNN check failed: " + e;
        }
    }

    /**
     * Logits and the input gradient of a fixed objective (the logits times a fixed pattern), in the given
     * modes, through the very path {@link #backward} takes.
     */
    private float[][] probe(NDArray x, Kernels.Mode fwd, Kernels.Mode bwd) {
        LogitObjective pattern = logits -> {
            int k = (int) logits.getShape().get(1);
            float[] w = new float[k];
            for (int j = 0; j < k; j++) {
                w[j] = (float) Math.sin(1.7 * j + 0.3);
            }
            return logits.mul(org.dlsec.core.Tensors.floats(logits.getManager(), w, new Shape(1, k))).sum(new int[] {1});
        };
        Gradient g = gradientIn(x, pattern, fwd, bwd);
        return new float[][] {g.logits().toFloatArray(), g.grad().toFloatArray()};
    }

    private static double relativeError(float[] a, float[] ref) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < a.length; i++) {
            double e = (double) a[i] - ref[i];
            num += e * e;
            den += (double) ref[i] * ref[i];
        }
        return den == 0 ? (num == 0 ? 0 : Double.POSITIVE_INFINITY) : Math.sqrt(num / den);
    }

    @Override
    protected NDArray forward(NDArray x) {
        try (Kernels.Section ignored = Kernels.enter(kernelMode())) {
            return forwardIn(x, channelsLast());
        }
    }

    private NDArray forwardIn(NDArray x, boolean channelsLast) {
        LibTorchNumerics.configureThread();
        int n = (int) x.getShape().get(0);
        if (n > FORWARD_ROWS) {
            NDList parts = new NDList();
            try {
                for (int from = 0; from < n; from += FORWARD_ROWS) {
                    int to = Math.min(n, from + FORWARD_ROWS);
                    try (NDArray slice = x.get(from + ":" + to)) {
                        parts.add(forwardIn(slice, channelsLast));
                    }
                }
                return NDArrays.concat(parts, 0);
            } finally {
                parts.close();
            }
        }
        // a prediction never needs autograd: with grad mode off (thread-local, as torch.no_grad()) libtorch records no
        // graph and keeps no activations for a backward pass that never comes; the kernels and their bits are the same
        try (NoGrad ignored = new NoGrad(); NDManager scope = x.getManager().newSubManager()) {
            NDArray input = x;
            if (n < MIN_ROWS) {
                input = padRows(x);
                input.attach(scope);
            }
            NDArray out = block.forward(parameters, new NDList(oneDnnLayout(input, scope, channelsLast)), symbolic)
                    .singletonOrThrow();
            NDArray rows = n >= MIN_ROWS ? out : out.get("0:" + n);
            rows.attach(x.getManager());
            return rows;
        }
    }

    /** Whether this model's batches go channels-last in its oneDNN sections (see {@link #oneDnnLayout}). */
    private boolean channelsLast() {
        return choice().backward() == Kernels.Mode.ONEDNN;
    }

    /**
     * In a oneDNN section, an image batch as a channels-last view: the same shape and values, laid out
     * NHWC in memory. oneDNN then convolves it without reordering it to and from its blocked layout,
     * and libtorch's max-pooling takes its vectorised channels-last kernel instead of the scalar NCHW
     * one (measured, 2 cores: the GTSRB VGG's forward and backward 1.3× faster). Only for a model
     * whose backward is on oneDNN too: libtorch's reference backward is slower on channels-last
     * tensors (LeNet-5's PGD-40 took 1.7× as long), and a prediction must run the very function a
     * gradient's forward runs. The model's checks ({@link #kernelMode()}) run through the same layout.
     * Elsewhere {@code x} itself.
     */
    private static NDArray oneDnnLayout(NDArray x, NDManager scope, boolean wanted) {
        Shape s = x.getShape();
        if (!wanted || Kernels.currentSection() != Kernels.Mode.ONEDNN || s.dimension() != 4) {
            return x;
        }
        NDArray nhwc = x.transpose(0, 2, 3, 1);
        nhwc.attach(scope);
        // a flat copy of the permuted view is the NHWC buffer; viewed back as (N, C, H, W) it is channels-last
        NDArray flat = nhwc.reshape(-1);
        flat.attach(scope);
        NDArray shaped = flat.reshape(s.get(0), s.get(2), s.get(3), s.get(1));
        shaped.attach(scope);
        NDArray view = shaped.transpose(0, 3, 1, 2);
        view.attach(scope);
        return view;
    }

    /** Grad mode off on this thread until closed, then back to what it was. */
    private static final class NoGrad implements AutoCloseable {
        private final boolean previous = ai.djl.pytorch.jni.JniUtils.isGradMode();

        NoGrad() {
            ai.djl.pytorch.jni.JniUtils.setGradMode(false);
        }

        @Override
        public void close() {
            ai.djl.pytorch.jni.JniUtils.setGradMode(previous);
        }
    }

    /**
     * {@code x} followed by copies of its last row up to {@link #MIN_ROWS} rows. libtorch's matrix
     * products take other kernels for one to three rows, whose sums round differently, so a sample
     * evaluated in a short batch (the last batch of a run) would not get the bits it gets in a full
     * one; from four rows on every batch size gives the same bits (measured on LeNet-5, 1 to 256 rows).
     */
    private static NDArray padRows(NDArray x) {
        int n = (int) x.getShape().get(0);
        NDList parts = new NDList(x);
        try (NDArray last = x.get((n - 1) + ":" + n)) {
            for (int i = n; i < MIN_ROWS; i++) {
                parts.add(last);
            }
            return NDArrays.concat(parts, 0);
        }
    }

    @Override
    protected Gradient backward(NDArray x, LogitObjective objective) {
        LibTorchNumerics.check();
        return gradientIn(x, objective, kernelMode(), backwardKernelMode());
    }

    private Gradient gradientIn(NDArray x, LogitObjective objective, Kernels.Mode fwd, Kernels.Mode bwd) {
        NDManager owner = x.getManager();
        try (NDManager scope = owner.newSubManager()) {
            NDArray xi = x.duplicate();
            xi.attach(scope);
            xi.setRequiresGradient(true);
            NDArray logits;
            NDArray values;
            try (InputGradients gc = InputGradients.open()) {
                // the forward and the backward each in a section of their kernels (Kernels): another thread may
                // run between them, and a convolution's backward reads libtorch's switch when it runs
                try (Kernels.Section ignored = Kernels.enter(fwd)) {
                    LibTorchNumerics.configureThread();
                    int n = (int) x.getShape().get(0);
                    // short batches run padded (see padRows); the padding rows get no gradient
                    NDArray input = n >= MIN_ROWS ? xi : padRows(xi);
                    NDArray in = oneDnnLayout(input, scope, bwd == Kernels.Mode.ONEDNN);
                    NDArray out = block.forward(parameters, new NDList(in), symbolic).singletonOrThrow();
                    logits = n >= MIN_ROWS ? out : out.get("0:" + n);
                    values = objective.apply(logits);
                }
                if (values.getShape().dimension() != 1 || values.getShape().get(0) != x.getShape().get(0)) {
                    throw new DlsecException("a logit objective must return one value per sample, got shape "
                            + values.getShape());
                }
                try (Kernels.Section ignored = Kernels.enter(bwd)) {
                    LibTorchNumerics.configureThread();
                    gc.backward(values.sum());
                }
            }
            NDArray grad = xi.getGradient();
            NDArray outLogits = logits.stopGradient();
            NDArray outValues = values.stopGradient();
            grad.attach(owner);
            outLogits.attach(owner);
            outValues.attach(owner);
            return new Gradient(outLogits, outValues, grad);
        }
    }

    @Override
    public void close() {
        model.close();
    }
}
