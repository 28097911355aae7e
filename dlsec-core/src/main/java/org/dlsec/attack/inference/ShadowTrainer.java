package org.dlsec.attack.inference;

import org.dlsec.data.Dataset;

/**
 * Trains the shadow / reference models of the shadow and LiRA attacks and returns what the attacks
 * need of them: each model's logits on some probe sets. {@link #LOCAL} trains them one after another
 * in this process; the {@code dlsec-spark} module trains one model per Spark task. Model {@code s}
 * is trained by {@link ShadowModels#trainOne} with seed {@code spec.config().seed() + 1 + s} whoever
 * runs it, so the same seed gives the same models (and the same ROC) at the same libtorch thread count.
 */
public interface ShadowTrainer extends AutoCloseable {
    /** One model after another in this process, with a progress bar. */
    ShadowTrainer LOCAL = ShadowModels::trainAll;

    /**
     * @param spec the models' architecture and recipe
     * @param sets the training set of each model
     * @param probes for each model, the datasets to compute its logits on
     * @return {@code [model][probe][sample][class]} logits
     */
    double[][][][] trainAndProbe(ShadowSpec spec, Dataset[] sets, Dataset[][] probes);

    @Override
    default void close() {}
}
