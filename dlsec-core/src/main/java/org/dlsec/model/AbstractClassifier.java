package org.dlsec.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.concurrent.atomic.AtomicLong;
import org.dlsec.core.DlsecException;

/**
 * Shape and value validation, query counting and chunking of large prediction batches, shared by
 * every classifier. Subclasses implement {@link #forward} and, if they have gradients,
 * {@link #backward}.
 */
public abstract class AbstractClassifier implements Classifier {
    /** Prediction batches larger than this are split, to bound native memory. */
    public static final int MAX_BATCH = 1024;

    private final Shape inputShape;
    private final int numClasses;
    private final Bounds bounds;
    private final ModelInfo info;
    private final AtomicLong queries = new AtomicLong();
    private final AtomicLong predictCalls = new AtomicLong();
    private final AtomicLong gradientSamples = new AtomicLong();
    private final AtomicLong gradientCalls = new AtomicLong();

    /**
     * Validates and stores what every classifier reports about itself.
     *
     * @param inputShape one sample's shape, rank at least 1 with positive dimensions
     * @param numClasses the number of outputs K, at least 2
     * @param bounds the inputs' valid range; per-feature bounds must have one interval per value of a sample
     * @param info provenance of the model (kind, source, hash)
     * @throws DlsecException when the shape, class count or bounds are invalid
     */
    protected AbstractClassifier(Shape inputShape, int numClasses, Bounds bounds, ModelInfo info) {
        if (inputShape.dimension() < 1 || inputShape.size() < 1) {
            throw new DlsecException("input shape must have at least one positive dimension, got " + inputShape);
        }
        bounds.requireFits(inputShape.size());
        DlsecException.require(numClasses >= 2, "numClasses", "must be at least 2, got " + numClasses);
        this.inputShape = inputShape;
        this.numClasses = numClasses;
        this.bounds = bounds;
        this.info = info;
    }

    @Override
    public final Shape inputShape() {
        return inputShape;
    }

    @Override
    public final int numClasses() {
        return numClasses;
    }

    @Override
    public final Bounds bounds() {
        return bounds;
    }

    @Override
    public final ModelInfo info() {
        return info;
    }

    @Override
    public final NDArray predictLogits(NDArray x) {
        int n = validate(x);
        queries.addAndGet(n);
        predictCalls.incrementAndGet();
        if (n <= MAX_BATCH) {
            return checkLogits(forward(x), n);
        }
        NDList parts = new NDList();
        try {
            for (int from = 0; from < n; from += MAX_BATCH) {
                int to = Math.min(n, from + MAX_BATCH);
                try (NDArray chunk = x.get(from + ":" + to)) {
                    parts.add(checkLogits(forward(chunk), to - from));
                }
            }
            return NDArrays.concat(parts, 0);
        } finally {
            parts.close();
        }
    }

    @Override
    public final Gradient gradient(NDArray x, LogitObjective objective) {
        if (!hasGradients()) {
            throw new NoGradientException(info.kind());
        }
        int n = validate(x);
        gradientSamples.addAndGet(n);
        gradientCalls.incrementAndGet();
        return backward(x, objective);
    }

    /**
     * Logits (n, K) for a validated batch of at most {@link #MAX_BATCH} samples, on x's manager.
     *
     * @param x a validated batch (n, sample...), n at most {@value #MAX_BATCH}; not closed
     * @return new logits (n, K) attached to {@code x}'s manager
     */
    protected abstract NDArray forward(NDArray x);

    /**
     * The gradient call for a validated batch; only called when {@link #hasGradients()}.
     * The default throws, for classifiers without gradients.
     *
     * @param x a validated batch (n, sample...); not closed
     * @param objective the per-sample function of the logits to differentiate
     * @return logits, objective values and input gradient, attached to {@code x}'s manager
     * @throws NoGradientException unless a subclass overrides it
     */
    protected Gradient backward(NDArray x, LogitObjective objective) {
        throw new NoGradientException(info.kind());
    }

    @Override
    public QueryStats stats() {
        return new QueryStats(queries.get(), predictCalls.get(), gradientSamples.get(), gradientCalls.get());
    }

    @Override
    public void resetStats() {
        queries.set(0);
        predictCalls.set(0);
        gradientSamples.set(0);
        gradientCalls.set(0);
    }

    /**
     * Checks dtype, shape and finiteness; returns the batch size.
     *
     * @param x a batch to be predicted or differentiated
     * @return the batch size n
     * @throws DlsecException when {@code x} is not float32, its shape is not (n, sample...), or it holds a
     *         non-finite value
     */
    protected final int validate(NDArray x) {
        Shape s = x.getShape();
        if (s.dimension() != inputShape.dimension() + 1 || !s.slice(1).equals(inputShape)) {
            throw new DlsecException("input shape mismatch: the model expects (n, " + shapeText(inputShape)
                    + ") but got " + s + " — does the dataset match the model?");
        }
        if (x.getDataType() != DataType.FLOAT32) {
            throw new DlsecException("inputs must be float32, got " + x.getDataType());
        }
        if (s.get(0) == 0) {
            throw new DlsecException("empty input batch");
        }
        try (NDArray bad = x.isNaN().logicalOr(x.isInfinite()).any()) {
            if (bad.getBoolean()) {
                throw new DlsecException("inputs contain NaN or infinite values");
            }
        }
        return (int) s.get(0);
    }

    private NDArray checkLogits(NDArray logits, int n) {
        Shape s = logits.getShape();
        if (s.dimension() != 2 || s.get(0) != n || s.get(1) != numClasses) {
            logits.close();
            throw new DlsecException("the model returned shape " + s + " for " + n + " inputs; expected ("
                    + n + ", " + numClasses + ")");
        }
        return logits;
    }

    static String shapeText(Shape s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.dimension(); i++) {
            b.append(i == 0 ? "" : ", ").append(s.get(i));
        }
        return b.toString();
    }
}
