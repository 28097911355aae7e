package org.dlsec.audit;

import ai.djl.ndarray.types.Shape;
import java.io.Serializable;
import java.nio.file.Path;
import org.dlsec.model.Normalization;
import org.dlsec.model.NormalizedClassifier;
import org.dlsec.model.Bounds;
import org.dlsec.model.Classifier;
import org.dlsec.model.Models;

/**
 * How a model file is to be seen, in a form that travels to another JVM (a Spark executor): its
 * input bounds (one interval or one per feature) and, when the model expects normalised inputs, the
 * normalisation it is wrapped in. {@link #load} rebuilds there the classifier the driver attacks
 * locally, so a cluster run attacks the same function, with the same clipping, as a local one.
 */
public record ModelView(float[] lower, float[] upper, float[] mean, float[] std) implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Bounds [0, 1], no normalisation: a model file as it is, on images. */
    public static final ModelView UNIT = new ModelView(new float[] {0f}, new float[] {1f}, null, null);

    /** What {@code c} is: its bounds, and its normalisation if it is a {@link NormalizedClassifier}. */
    public static ModelView of(Classifier c) {
        Bounds b = c.bounds();
        float[] lo = new float[Math.max(1, b.features())];
        float[] hi = new float[lo.length];
        for (int j = 0; j < lo.length; j++) {
            lo[j] = b.lo(j);
            hi[j] = b.hi(j);
        }
        if (c instanceof NormalizedClassifier n) {
            return new ModelView(lo, hi, n.normalization().mean(), n.normalization().std());
        }
        return new ModelView(lo, hi, null, null);
    }

    /** The bounds this view describes. */
    public Bounds bounds() {
        return lower.length == 1 && upper.length == 1 ? new Bounds(lower[0], upper[0]) : Bounds.perFeature(lower, upper);
    }

    /** Loads {@code file} for samples of {@code sampleShape} as described (closing the result closes the model). */
    public Classifier load(Path file, Shape sampleShape) {
        Bounds b = bounds();
        Classifier c = Models.load(file, sampleShape, b);
        return mean == null ? c : NormalizedClassifier.owning(c, new Normalization(mean, std), b);
    }
}
