package org.dlsec.defence;

import ai.djl.ndarray.NDArray;
import java.util.SplittableRandom;
import java.util.concurrent.locks.LockSupport;
import org.dlsec.attack.sidechannel.Countermeasure;
import org.dlsec.attack.sidechannel.ServingDefence;
import org.dlsec.model.AbstractClassifier;
import org.dlsec.model.Classifier;
import org.dlsec.model.Gradient;
import org.dlsec.model.LogitObjective;
import org.dlsec.model.ModelInfo;

/**
 * The serving countermeasure of the timing side channel ({@code org.dlsec.attack.sidechannel.TimingAttack}) as a
 * wrapper a prediction server serves: every forward pass is held back until a fixed latency budget after it started
 * (constant time; a pass that overruns the budget is answered at once and counted in {@link #overruns()}), or a uniform
 * random 0..budget longer (random delay). Predictions are unchanged. Waiting parks the thread until 200 µs before the
 * deadline and spins the rest, so the answer leaves within a few microseconds of it.
 */
public final class LatencyPadding extends AbstractClassifier {
    private final Classifier inner;
    private final ServingDefence defence;
    private final long budgetNanos;
    private final SplittableRandom random;
    private long overruns;

    /**
     * Wraps {@code inner}. The wrapper has the inner model's input shape, classes and bounds, and its model information
     * with the countermeasure appended to the source.
     *
     * @param inner the model to serve; still owned by the caller, which closes it (and its native memory) after the
     *        wrapper: {@link #close()} does not close it
     * @param defence the countermeasure: {@link Countermeasure#CONSTANT_TIME} or {@link Countermeasure#RANDOM_DELAY}
     *        with its budget in milliseconds; with {@link Countermeasure#NONE} the wrapper adds no delay
     * @param seed the seed of the random delays
     */
    public LatencyPadding(Classifier inner, ServingDefence defence, long seed) {
        super(inner.inputShape(), inner.numClasses(), inner.bounds(), new ModelInfo(inner.info().kind(),
                inner.info().source() + " (" + defence.kind().cliName() + " " + defence.budgetMillis() + " ms)",
                inner.info().sha256(), inner.info().architecture()));
        this.inner = inner;
        this.defence = defence;
        this.budgetNanos = Math.round(defence.budgetMillis() * 1e6);
        this.random = new SplittableRandom(seed);
    }

    /**
     * The countermeasure this wrapper applies.
     *
     * @return the countermeasure and budget given to the constructor
     */
    public ServingDefence defence() {
        return defence;
    }

    /**
     * Counts the forward passes that took longer than the constant-time budget and were therefore answered late. Safe
     * to call from any thread while the server predicts.
     *
     * @return the overruns so far; always 0 under random delay
     */
    public synchronized long overruns() {
        return overruns;
    }

    @Override
    public boolean hasGradients() {
        return false;
    }

    @Override
    protected NDArray forward(NDArray x) {
        long start = System.nanoTime();
        NDArray z = inner.predictLogits(x);
        long deadline;
        if (defence.kind() == Countermeasure.CONSTANT_TIME) {
            deadline = start + budgetNanos;
            if (System.nanoTime() > deadline) {
                synchronized (this) {
                    overruns++;
                }
            }
        } else if (defence.kind() == Countermeasure.RANDOM_DELAY) {
            long extra;
            synchronized (this) {
                extra = (long) (random.nextDouble() * budgetNanos);
            }
            deadline = System.nanoTime() + extra;
        } else {
            return z;
        }
        waitUntil(deadline);
        return z;
    }

    static void waitUntil(long deadline) {
        long left;
        while ((left = deadline - System.nanoTime()) > 200_000) {
            LockSupport.parkNanos(left - 200_000);
        }
        while (System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
    }

    @Override
    protected Gradient backward(NDArray x, LogitObjective objective) {
        throw new UnsupportedOperationException("a served model has no gradients");
    }

    /** The wrapped model is not closed: the caller owns it. */
    @Override
    public void close() {
        // the wrapped classifier belongs to the caller
    }

    @Override
    public String kernels() {
        return inner.kernels();
    }
}
