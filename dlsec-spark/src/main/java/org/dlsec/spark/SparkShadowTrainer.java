package org.dlsec.spark;

import java.util.ArrayList;
import java.util.List;
import org.dlsec.attack.inference.ShadowModels;
import org.dlsec.attack.inference.ShadowSpec;
import org.dlsec.attack.inference.ShadowTrainer;
import org.dlsec.data.Dataset;
import org.dlsec.model.Architecture;
import org.dlsec.train.TrainConfig;

/**
 * Trains shadow / reference models on Spark, one model per task, each through
 * {@link ShadowModels#trainOne} with the seed it has locally, so the models and the ROC are the local
 * run's. DJL's PyTorch engine allows one training per JVM at a time, so tasks that share an executor
 * JVM take turns; models train in parallel across executors (give executors one core each:
 * {@code spark.executor.cores=1}).
 */
final class SparkShadowTrainer implements ShadowTrainer {
    private static final Object TRAINING = new Object();

    private final Contexts.Owned context;

    SparkShadowTrainer(Contexts.Owned context) {
        this.context = context;
    }

    /** What one task needs: the recipe, the model's index, its training set and its probe sets. */
    record Task(Architecture arch, int epochs, int batchSize, String optimizer, double lr, long seed, String schedule,
            int count, int index, Shard train, List<Shard> probes) implements java.io.Serializable {}

    @Override
    public double[][][][] trainAndProbe(ShadowSpec spec, Dataset[] sets, Dataset[][] probes) {
        TrainConfig c = spec.config();
        List<Task> tasks = new ArrayList<>();
        for (int s = 0; s < sets.length; s++) {
            List<Shard> p = new ArrayList<>();
            for (Dataset d : probes[s]) {
                p.add(Shard.of(d));
            }
            tasks.add(new Task(spec.architecture(), c.epochs(), c.batchSize(), c.optimizer(), c.learningRate(), c.seed(),
                    c.schedule(), spec.count(), s, Shard.of(sets[s]), p));
        }
        context.sc().setJobDescription("dlsec: " + sets.length + " shadow models, one per task");
        try {
            List<double[][][]> out = context.sc().parallelize(tasks, Math.max(1, tasks.size()))
                    .map(SparkShadowTrainer::train).collect();
            return out.toArray(new double[0][][][]);
        } catch (Exception e) { // Spark throws its checked SparkException without declaring it
            throw Contexts.failed("shadow-model training", e);
        }
    }

    static double[][][] train(Task t) {
        ExecutorRuntime.init();
        ShadowSpec spec = new ShadowSpec(t.arch(), new TrainConfig(t.epochs(), t.batchSize(), t.optimizer(), t.lr(), t.seed(),
                t.schedule()), t.count());
        Dataset[] probes = t.probes().stream().map(Shard::dataset).toArray(Dataset[]::new);
        synchronized (TRAINING) {
            return ShadowModels.trainOne(spec, t.index(), t.train().dataset(), probes, null);
        }
    }

    @Override
    public void close() {
        context.close();
    }
}
