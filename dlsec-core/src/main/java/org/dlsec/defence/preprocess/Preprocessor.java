package org.dlsec.defence.preprocess;

import ai.djl.ndarray.NDArray;
import java.util.Map;
import org.dlsec.model.Bounds;

/**
 * An input transformation g applied before a classifier f, so that the defended model is f(g(x)).
 * Implementations use NDArray operations only, so autograd follows them: the "naive" gradient of
 * the defended model is the exact one through g (zero almost everywhere for a rounding step).
 */
public interface Preprocessor {
    /**
     * The name used on the command line, e.g. {@code squeeze}.
     *
     * @return the name
     */
    String name();

    /**
     * Parameters, for provenance.
     *
     * @return an immutable map
     */
    Map<String, Object> parameters();

    /**
     * Whether g's autograd gradient is useful for an attack. False for piecewise-constant maps
     * (rounding, quantisation), whose exact gradient is zero almost everywhere: an adaptive
     * attacker replaces it by BPDA's straight-through identity.
     *
     * @return true when the autograd gradient is informative
     */
    boolean differentiable();

    /**
     * Whether g draws random numbers; an adaptive attacker then averages gradients over draws (EOT).
     *
     * @return true for randomised transformations
     */
    boolean randomised();

    /**
     * g applied to a batch (n, C, H, W) whose values lie in {@code bounds}; the result has the same
     * shape and lies in the bounds. {@code sampleSeeds} (one per sample) seed randomised
     * transformations and are ignored by deterministic ones.
     *
     * @param x the batch; not closed
     * @param bounds the inputs' valid range
     * @param sampleSeeds one seed per sample (n)
     * @return a new array on {@code x}'s manager
     */
    NDArray apply(NDArray x, Bounds bounds, long[] sampleSeeds);
}
