package org.dlsec.attack.inference;

import java.util.Map;
import org.dlsec.core.Progress;
import org.dlsec.data.Dataset;
import org.dlsec.model.DjlClassifier;
import org.dlsec.model.Models;
import org.dlsec.train.ModelTrainer;
import org.dlsec.train.TrainConfig;

/**
 * Trains shadow / reference models. Locally ({@link ShadowTrainer#LOCAL}) one after another with a
 * progress bar (one step per epoch); each model uses PyTorch's intra-op threads, i.e. all cores.
 * Models are not trained concurrently within one JVM because DJL's PyTorch engine allows one open
 * gradient collector per process (a cluster runs one per executor JVM).
 */
public final class ShadowModels {
    private ShadowModels() {}

    static double[][][][] trainAll(ShadowSpec spec, Dataset[] sets, Dataset[][] probes) {
        double[][][][] out = new double[sets.length][][][];
        try (Progress bar = Progress.start("shadow models", (long) sets.length * spec.config().epochs())) {
            for (int s = 0; s < sets.length; s++) {
                final int index = s;
                out[s] = trainOne(spec, s, sets[s], probes[s], rec -> {
                    bar.step(1);
                    bar.message(String.format("model %d/%d  train acc %.1f%%", index + 1, sets.length,
                            100 * rec.trainAccuracy()));
                });
            }
        }
        return out;
    }

    /**
     * Trains model {@code index} of {@code spec} on {@code set} (seed {@code spec.config().seed() + 1 + index})
     * and returns its logits on each probe set, {@code [probe][sample][class]}. Not to be called
     * concurrently within one JVM (see the class comment).
     *
     * @param spec the shadow models
     * @param index the model's index, 0 to count−1
     * @param set its training set
     * @param probes the datasets to compute its logits on
     * @param onEpoch receives each epoch's record, or null
     * @return the logits; the model is closed before this returns
     */
    public static double[][][] trainOne(ShadowSpec spec, int index, Dataset set, Dataset[] probes,
            java.util.function.Consumer<org.dlsec.model.ModelCard.EpochRecord> onEpoch) {
        TrainConfig base = spec.config();
        TrainConfig c = new TrainConfig(base.epochs(), Math.min(base.batchSize(), set.size()), base.optimizer(),
                base.learningRate(), base.seed() + 1 + index, base.schedule());
        try (DjlClassifier m = Models.create(spec.architecture(), set.sampleShape(), set.numClasses(), c.seed())) {
            new ModelTrainer(c, null, rec -> {
                if (onEpoch != null) {
                    onEpoch.accept(rec);
                }
            }, false).train(m, set, null, null, Map.of());
            double[][][] logits = new double[probes.length][][];
            for (int p = 0; p < probes.length; p++) {
                logits[p] = Outputs.logits(m, probes[p]);
            }
            return logits;
        }
    }

    /** Share of {@code data} whose largest logit is at its label. */
    static double accuracy(double[][] logits, Dataset data) {
        int ok = 0;
        for (int i = 0; i < logits.length; i++) {
            int best = 0;
            for (int k = 1; k < logits[i].length; k++) {
                if (logits[i][k] > logits[i][best]) {
                    best = k;
                }
            }
            ok += best == data.label(i) ? 1 : 0;
        }
        return logits.length == 0 ? 0 : (double) ok / logits.length;
    }
}
