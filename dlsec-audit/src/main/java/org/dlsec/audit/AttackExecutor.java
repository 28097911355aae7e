package org.dlsec.audit;

import org.dlsec.attack.evasion.AttackResult;
import org.dlsec.attack.evasion.EvasionAttack;
import org.dlsec.attack.evasion.EvasionRunner;
import org.dlsec.data.Dataset;
import org.dlsec.model.Classifier;

/**
 * Where an audit's evasion attacks run: {@link #LOCAL} in this process, or on a cluster (the
 * {@code dlsec-spark} module). Whatever runs them must give the same per-sample results as the
 * local run: the same batches of {@link AuditConfig#batchSize()} samples, each sample's randomness
 * drawn from (seed, sample index).
 */
public interface AttackExecutor extends AutoCloseable {
    /** Runs in this process, batch after batch. */
    AttackExecutor LOCAL = (job, model, data, targets, progress) ->
            EvasionRunner.run(job.attack(), model, data, targets, job.config().batchSize(), progress);

    /**
     * One attack at one budget.
     *
     * @param job the attack, and the configuration entry and budget it was built from
     * @param model the audited model (loaded in this process)
     * @param data the audited samples
     * @param targets one target per sample for a targeted attack, else null
     */
    AttackResult run(Job job, Classifier model, Dataset data, int[] targets, boolean progress);

    /**
     * @param config the audit configuration (its text rebuilds the attack elsewhere)
     * @param entry the configured attack
     * @param epsilon the budget of this run (ignored by attacks without one)
     * @param attack the attack built from {@code entry} at {@code epsilon}
     * @param naiveGradients against a defended model ({@link AuditConfig#defence()}): whether the attack gets the naive
     *        gradient (exact through the transformation) rather than the adaptive one (BPDA/EOT)
     * @param logitTemperature the adaptive run of a defensively distilled model attacks its logits divided by this
     *        training temperature; 0 otherwise
     */
    record Job(AuditConfig config, AuditConfig.Entry entry, double epsilon, EvasionAttack attack, boolean naiveGradients,
            double logitTemperature) {}

    /**
     * What a run's attack sees of {@code loaded} (the model as loaded elsewhere, e.g. on a Spark executor): its logits
     * divided by {@code logitTemperature} when that is above 0, then the configuration's defence with naive or adaptive
     * gradients; the driver's view of the same run.
     */
    static Classifier view(Classifier loaded, AuditConfig config, boolean naiveGradients, double logitTemperature) {
        Classifier base = logitTemperature > 0 ? new org.dlsec.defence.TemperatureScaled(loaded, logitTemperature) : loaded;
        AuditConfig.Defence d = config.defence();
        if (d != null && d.detector() != null) {
            // the attacker who knows the detector attacks every view it compares; the naive one ignores it
            return naiveGradients ? base : org.dlsec.defence.detection.FeatureSqueezingDetector.forInput(base).aware(base);
        }
        // a defence without a transformation returns base: an output policy acts on served answers only
        return d == null ? base : d.wrap(base, !naiveGradients, config.seed());
    }

    @Override
    default void close() {}
}
