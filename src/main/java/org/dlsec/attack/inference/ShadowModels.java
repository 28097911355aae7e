package org.dlsec.attack.inference;

import java.util.Map;
import org.dlsec.core.Progress;
import org.dlsec.data.Dataset;
import org.dlsec.model.DjlClassifier;
import org.dlsec.model.Models;
import org.dlsec.train.ModelTrainer;
import org.dlsec.train.TrainConfig;

/**
 * Trains shadow / reference models one after another with a progress bar (one step per epoch).
 * Each model uses PyTorch's intra-op threads, i.e. all cores; models are not trained concurrently
 * because DJL's PyTorch engine allows one open gradient collector per process.
 */
final class ShadowModels {
    /** Receives each trained model (closed right after) with its index. */
    interface Visitor {
        void accept(int index, DjlClassifier model);
    }

    private ShadowModels() {}

    /**
     * @param sets the training set of each shadow model
     */
    static void train(ShadowSpec spec, Dataset[] sets, Visitor visitor) {
        TrainConfig base = spec.config();
        try (Progress bar = Progress.start("shadow models", (long) sets.length * base.epochs())) {
            for (int s = 0; s < sets.length; s++) {
                final int index = s;
                TrainConfig c = new TrainConfig(base.epochs(), Math.min(base.batchSize(), sets[s].size()), base.optimizer(),
                        base.learningRate(), base.seed() + 1 + s, base.schedule());
                try (DjlClassifier m = Models.create(spec.architecture(), sets[s].sampleShape(), sets[s].numClasses(),
                        c.seed())) {
                    new ModelTrainer(c, null, rec -> {
                        bar.step(1);
                        bar.message(String.format("model %d/%d  train acc %.1f%%", index + 1, sets.length,
                                100 * rec.trainAccuracy()));
                    }, false).train(m, sets[s], null, null, Map.of());
                    visitor.accept(s, m);
                }
            }
        }
    }
}
