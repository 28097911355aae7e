package org.dlsec.spark;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.dlsec.attack.evasion.AttackResult;
import org.dlsec.attack.evasion.EpsilonAttack;
import org.dlsec.attack.evasion.EvasionAttack;
import org.dlsec.attack.evasion.EvasionAttacks;
import org.dlsec.attack.evasion.EvasionRunner;
import org.dlsec.audit.AttackExecutor;
import org.dlsec.audit.AuditConfig;
import org.dlsec.audit.ModelView;
import org.dlsec.core.DlsecException;
import org.dlsec.data.Dataset;
import org.dlsec.model.Classifier;

/**
 * Runs an audit's attack on Spark. The samples are cut into partitions of whole batches (of the
 * audit's batch size, counted from sample 0), so every batch is the one a local run attacks and
 * every sample draws its randomness from its index in the whole set: the per-sample results are
 * the local run's, bit for bit. Each task rebuilds the attack from the configuration text, loads
 * its own copy of the model (broadcast once as bytes, written once per executor JVM), attacks its
 * batches and sends the per-sample results back; the driver joins them in sample order.
 *
 * <p>Spark settings read: {@code spark.dlsec.partitions} (default: 4 × the default parallelism, at
 * most one per batch), {@link ExecutorRuntime#THREADS}, {@link ExecutorRuntime#CACHE_DIR}, and for
 * tests {@code spark.dlsec.failOnce} (a partition index whose first attempt throws, to exercise
 * Spark's retries).
 */
final class SparkAttackExecutor implements AttackExecutor {
    static final String PARTITIONS = "spark.dlsec.partitions";
    static final String FAIL_ONCE = "spark.dlsec.failOnce";

    private final Contexts.Owned context;
    private final Broadcast<ModelBundle> model;
    private final ModelView view;

    SparkAttackExecutor(Contexts.Owned context, ModelBundle bundle, ModelView view) {
        this.context = context;
        this.model = context.sc().broadcast(bundle);
        this.view = view;
    }

    @Override
    public AttackResult run(Job job, Classifier local, Dataset data, int[] targets, boolean progress) {
        if (job.attack() instanceof org.dlsec.attack.evasion.UniversalAttack
                || job.attack() instanceof org.dlsec.attack.evasion.TransferAttack) {
            // the fitted perturbation, or the substitute a transfer attack crafts on, exists only here (the executors
            // rebuild attacks from the configuration and load only the audited model), so the driver runs these
            return AttackExecutor.LOCAL.run(job, local, data, targets, progress);
        }
        JavaSparkContext sc = context.sc();
        int batch = job.config().batchSize();
        int batches = (data.size() + batch - 1) / batch;
        int wanted = sc.getConf().getInt(PARTITIONS, 4 * Math.max(1, sc.defaultParallelism()));
        int parts = Math.max(1, Math.min(batches, wanted));
        List<Shard> shards = new ArrayList<>();
        for (int p = 0; p < parts; p++) {
            int from = (int) ((long) batches * p / parts) * batch;
            int to = Math.min(data.size(), (int) ((long) batches * (p + 1) / parts) * batch);
            if (from < to) {
                shards.add(Shard.of(data, from, to, targets));
            }
        }
        String text = job.config().text();
        String entryId = job.entry().id();
        double eps = job.epsilon();
        boolean naive = job.naiveGradients();
        double temperature = job.logitTemperature();
        int failOnce = sc.getConf().getInt(FAIL_ONCE, -1);
        Broadcast<ModelBundle> bundle = model;
        ModelView v = view;
        sc.setJobDescription("dlsec " + entryId + " eps=" + eps + " (" + data.size() + " samples, " + shards.size()
                + " partitions)");
        List<byte[]> out;
        try {
            out = sc.parallelize(shards, shards.size())
                    .map(shard -> ResultCodec.encode(attack(shard, bundle.value(), v, text, entryId, eps, naive, temperature, batch, failOnce)))
                    .collect();
        } catch (Exception e) { // Spark throws its checked SparkException without declaring it
            throw Contexts.failed("attack " + entryId, e);
        }
        List<AttackResult> parts2 = new ArrayList<>();
        for (byte[] b : out) {
            parts2.add(ResultCodec.decode(b));
        }
        return AttackResult.concat(parts2);
    }

    /**
     * One task: the configured attack at {@code eps} over the shard's samples, in batches of {@code batch}; against the
     * configuration's defence when it has one, with naive or adaptive gradients as the driver's run, on logits /
     * {@code temperature} when it is above 0 (the adaptive run of a distilled model).
     */
    static AttackResult attack(Shard shard, ModelBundle bundle, ModelView view, String configText, String entryId, double eps,
            boolean naive, double temperature, int batch, int failOnce) {
        TaskContext task = TaskContext.get();
        if (task != null && task.partitionId() == failOnce && task.attemptNumber() == 0) {
            throw new IllegalStateException("injected failure in partition " + failOnce + " (spark.dlsec.failOnce)");
        }
        ExecutorRuntime.init();
        AuditConfig config = AuditConfig.parse(configText, "audit configuration sent by the driver");
        AuditConfig.Entry entry = config.attacks().stream().filter(e -> e.id().equals(entryId)).findFirst()
                .orElseThrow(() -> new DlsecException("no attack '" + entryId + "' in the configuration"));
        EvasionAttack a = EvasionAttacks.create(entry.spec());
        if (a instanceof EpsilonAttack ea) {
            a = ea.withEpsilon(eps);
        }
        Dataset data = shard.dataset();
        Path file = bundle.materialise(ModelBundle.defaultRoot());
        try (Classifier c = view.load(file, data.sampleShape())) {
            Classifier target = AttackExecutor.view(c, config, naive, temperature);
            return EvasionRunner.run(a, target, data, shard.targets(), batch, shard.firstId(), false);
        }
    }

    @Override
    public void close() {
        model.destroy();
        context.close();
    }
}
