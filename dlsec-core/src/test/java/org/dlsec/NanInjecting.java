package org.dlsec;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.function.BiPredicate;
import org.dlsec.core.Tensors;
import org.dlsec.model.AbstractClassifier;
import org.dlsec.model.Classifier;
import org.dlsec.model.Gradient;
import org.dlsec.model.LogitObjective;

/**
 * A test classifier that wraps a real one and, on the gradient calls and rows its rule picks, turns
 * the returned input gradient (and, if asked, the objective values) into NaN: a deterministic way to
 * make an optimisation meet a non-finite value of its own making. Predictions are untouched.
 */
public final class NanInjecting extends AbstractClassifier {
    private final Classifier inner;
    private final BiPredicate<Integer, Integer> poisoned;
    private final boolean values;
    private int calls;

    /**
     * @param poisoned (gradient call number from 1, row of that call's batch) → whether that row's gradient is NaN
     * @param values whether the objective values of those rows are NaN too
     */
    public NanInjecting(Classifier inner, BiPredicate<Integer, Integer> poisoned, boolean values) {
        super(inner.inputShape(), inner.numClasses(), inner.bounds(), inner.info());
        this.inner = inner;
        this.poisoned = poisoned;
        this.values = values;
    }

    /** NaN gradients on every row of the gradient calls numbered {@code from..to} (inclusive). */
    public static NanInjecting calls(Classifier inner, int from, int to) {
        return new NanInjecting(inner, (call, row) -> call >= from && call <= to, false);
    }

    /** NaN gradients on every call. */
    public static NanInjecting always(Classifier inner) {
        return new NanInjecting(inner, (call, row) -> true, false);
    }

    /** Gradient calls seen so far. */
    public int calls() {
        return calls;
    }

    @Override
    public boolean hasGradients() {
        return inner.hasGradients();
    }

    @Override
    protected NDArray forward(NDArray x) {
        return inner.predictLogits(x);
    }

    @Override
    protected Gradient backward(NDArray x, LogitObjective objective) {
        calls++;
        Gradient g = inner.gradient(x, objective);
        int n = (int) x.getShape().get(0);
        int d = (int) (x.getShape().size() / n);
        float[] mask = new float[n * d];
        float[] valueMask = new float[n];
        boolean any = false;
        for (int i = 0; i < n; i++) {
            if (poisoned.test(calls, i)) {
                any = true;
                java.util.Arrays.fill(mask, i * d, (i + 1) * d, Float.NaN);
                valueMask[i] = values ? Float.NaN : 0f;
            }
        }
        if (!any) {
            return g;
        }
        NDArray grad = g.grad().add(Tensors.floats(x.getManager(), mask, x.getShape()));
        NDArray vals = g.values().getShape().equals(new Shape(n))
                ? g.values().add(Tensors.floats(x.getManager(), valueMask, new Shape(n))) : g.values();
        return new Gradient(g.logits(), vals, grad);
    }

    @Override
    public void close() {
        // the wrapped classifier belongs to the caller
    }
}
