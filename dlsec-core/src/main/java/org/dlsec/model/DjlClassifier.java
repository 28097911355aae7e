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

    @Override
    protected NDArray forward(NDArray x) {
        LibTorchNumerics.configureThread();
        int n = (int) x.getShape().get(0);
        if (n > FORWARD_ROWS) {
            NDList parts = new NDList();
            try {
                for (int from = 0; from < n; from += FORWARD_ROWS) {
                    int to = Math.min(n, from + FORWARD_ROWS);
                    try (NDArray slice = x.get(from + ":" + to)) {
                        parts.add(forward(slice));
                    }
                }
                return NDArrays.concat(parts, 0);
            } finally {
                parts.close();
            }
        }
        // a prediction never needs autograd: with grad mode off (thread-local, as torch.no_grad()) libtorch records no
        // graph and keeps no activations for a backward pass that never comes; the kernels and their bits are the same
        try (NoGrad ignored = new NoGrad()) {
            if (n >= MIN_ROWS) {
                return block.forward(parameters, new NDList(x), symbolic).singletonOrThrow();
            }
            try (NDManager scope = x.getManager().newSubManager()) {
                NDArray padded = padRows(x);
                padded.attach(scope);
                NDArray out = block.forward(parameters, new NDList(padded), symbolic).singletonOrThrow();
                NDArray rows = out.get("0:" + n);
                rows.attach(x.getManager());
                return rows;
            }
        }
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
        LibTorchNumerics.configureThread();
        NDManager owner = x.getManager();
        try (NDManager scope = owner.newSubManager()) {
            NDArray xi = x.duplicate();
            xi.attach(scope);
            xi.setRequiresGradient(true);
            NDArray logits;
            NDArray values;
            try (InputGradients gc = InputGradients.open()) {
                int n = (int) x.getShape().get(0);
                // short batches run padded (see padRows); the padding rows get no gradient
                NDArray input = n >= MIN_ROWS ? xi : padRows(xi);
                NDArray out = block.forward(parameters, new NDList(input), symbolic).singletonOrThrow();
                logits = n >= MIN_ROWS ? out : out.get("0:" + n);
                values = objective.apply(logits);
                if (values.getShape().dimension() != 1 || values.getShape().get(0) != x.getShape().get(0)) {
                    throw new DlsecException("a logit objective must return one value per sample, got shape "
                            + values.getShape());
                }
                gc.backward(values.sum());
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
