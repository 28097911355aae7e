package org.dlsec.attack.evasion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Progress;
import org.dlsec.core.Provenance;
import org.dlsec.core.Seeds;
import org.dlsec.data.Dataset;
import org.dlsec.model.Classifier;
import org.dlsec.model.Engines;

/**
 * Runs an evasion attack over a dataset in batches (each in its own NDManager), picking targets for
 * targeted attacks, and over a list of ε for a robustness curve.
 */
public final class EvasionRunner {
    /**
     * Samples per batch when none is given: bounds the native memory of one batch (its activations and
     * gradients) for MNIST- and CIFAR-sized models.
     */
    public static final int DEFAULT_BATCH = 250;

    private EvasionRunner() {}

    /**
     * Targets for a targeted attack: for each sample a class other than its label, drawn uniformly
     * from {@code (seed, sample index)}.
     *
     * @param data the samples; needs at least 2 classes
     * @param seed the run's seed
     * @return one target per sample, each different from that sample's label
     */
    public static int[] randomTargets(Dataset data, long seed) {
        int k = data.numClasses();
        int[] t = new int[data.size()];
        for (int i = 0; i < t.length; i++) {
            SplittableRandom r = Seeds.forSample(Seeds.mix(seed, 0x7A46E7L), i);
            int c = r.nextInt(k - 1);
            t[i] = c >= data.label(i) ? c + 1 : c;
        }
        return t;
    }

    /**
     * Attacks every sample of {@code data}. For targeted attacks {@code targets} gives one target per
     * sample (see {@link #randomTargets}); it is ignored otherwise.
     *
     * @param attack the attack
     * @param model the classifier under attack; not closed
     * @param data the samples and their true labels
     * @param targets one target per sample for a targeted attack, or null
     * @param batchSize samples per batch, 1 to 65536 ({@link #DEFAULT_BATCH} is a good default); each batch's
     *        native memory is freed before the next
     * @param progress whether to show a progress bar on stderr
     * @return one result over all samples
     * @throws org.dlsec.core.DlsecException when the batch size is out of range, targets are missing for a targeted
     *         attack, or the model's classes do not match the data's
     */
    public static AttackResult run(EvasionAttack attack, Classifier model, Dataset data, int[] targets, int batchSize,
            boolean progress) {
        return run(attack, model, data, targets, batchSize, 0, progress);
    }

    /**
     * As {@link #run(EvasionAttack, Classifier, Dataset, int[], int, boolean)} for a shard of a larger
     * set: sample {@code i} of {@code data} is sample {@code firstId + i} of the whole set, and draws
     * its randomness from that id. A shard that starts at a multiple of {@code batchSize} is attacked
     * in the same batches as the whole set, so its per-sample results are the same bits.
     *
     * @param attack the attack
     * @param model the classifier under attack; not closed
     * @param data the shard's samples and their true labels
     * @param targets one target per sample of the shard for a targeted attack, or null
     * @param batchSize samples per batch, 1 to 65536
     * @param firstId the id of the shard's first sample in the whole set, at least 0
     * @param progress whether to show a progress bar on stderr
     * @return one result over the shard's samples, with ids {@code firstId ..}
     * @throws org.dlsec.core.DlsecException when an argument is invalid or the model and data do not match
     */
    public static AttackResult run(EvasionAttack attack, Classifier model, Dataset data, int[] targets, int batchSize,
            long firstId, boolean progress) {
        DlsecException.require(firstId >= 0, "first sample id", "must be >= 0, got " + firstId);
        DlsecException.require(batchSize >= 1 && batchSize <= 65_536, "batch size", "must be in 1..65536, got " + batchSize);
        if (attack.targeted() && (targets == null || targets.length != data.size())) {
            throw new DlsecException(attack.name() + " is targeted: one target per sample is needed");
        }
        if (model.numClasses() != data.numClasses()) {
            throw new DlsecException("the model has " + model.numClasses() + " outputs but " + data.name() + " has "
                    + data.numClasses() + " classes");
        }
        List<AttackResult> parts = new ArrayList<>();
        Object seed = attack.parameters().get("seed");
        Provenance started = model.startProvenance(data.origin()
                + (firstId > 0 ? " | from sample " + firstId : ""), attack.parameters(), seed instanceof Number n ? n.longValue() : 0);
        try (NDManager root = Engines.newManager();
                Progress bar = progress ? Progress.start(attack.name(), data.size()) : Progress.none()) {
            for (int from = 0; from < data.size(); from += batchSize) {
                int to = Math.min(data.size(), from + batchSize);
                try (NDManager m = root.newSubManager()) {
                    NDArray x = data.images(m, from, to);
                    NDArray y;
                    if (attack.targeted()) {
                        long[] t = new long[to - from];
                        for (int i = from; i < to; i++) {
                            t[i - from] = targets[i];
                        }
                        y = org.dlsec.core.Tensors.longs(m, t);
                    } else {
                        y = data.labels(m, from, to);
                    }
                    long[] ids = new long[to - from];
                    for (int i = 0; i < ids.length; i++) {
                        ids[i] = firstId + from + i;
                    }
                    AttackResult r = attack.generate(model, x, y, ids);
                    if (attack.targeted()) {
                        int[] truth = new int[to - from];
                        for (int i = from; i < to; i++) {
                            truth[i - from] = data.label(i);
                        }
                        r = r.withTrueLabels(truth);
                    }
                    parts.add(r);
                }
                if (progress) {
                    bar.step(to - from);
                    AttackResult last = parts.get(parts.size() - 1);
                    bar.message(String.format("success %.1f%%", 100 * last.successRate()));
                }
            }
        }
        return AttackResult.concat(parts).withProvenance(started.finishedNow());
    }

    /** How one budget is attacked: the attack at that budget, run on the samples (locally, or on a cluster). */
    @FunctionalInterface
    public interface BudgetRun {
        /**
         * Runs the attack at one budget.
         *
         * @param atBudget the attack rebuilt for the budget (or the attack itself when it has none)
         * @param eps the budget
         * @return the result at that budget
         */
        AttackResult run(EvasionAttack atBudget, double eps);
    }

    /**
     * The one ε loop (the commands, the audit and library users all go through it): an ε-bounded attack runs once per
     * budget; a {@link MinimalPerturbationAttack} given several budgets runs once and each budget is read from the
     * distances it found ({@link AttackResult#withinBudget}, {@code original} gives sample i's clean values); any
     * other attack, or a minimal one given a single budget, runs once, unbounded.
     *
     * @param attack the attack
     * @param epsilons the budgets in the data's units; at least one
     * @param run how one budget is attacked
     * @param original gives sample i's clean values, for reading a minimal-perturbation run at each budget
     * @return one result per budget, in the order given
     * @throws org.dlsec.core.DlsecException when no budget is given, or several are given for an attack that has no
     *         budget and does not minimise a distance
     */
    public static List<AttackResult> sweep(EvasionAttack attack, List<Double> epsilons, BudgetRun run,
            java.util.function.IntFunction<float[]> original) {
        return sweep(attack, epsilons, run, original, (r, eps) -> { });
    }

    /**
     * As above; {@code done} hears each budget's result as soon as it is known.
     *
     * @param attack the attack
     * @param epsilons the budgets; at least one
     * @param run how one budget is attacked
     * @param original gives sample i's clean values
     * @param done called with each budget's result and its ε, in order, from the calling thread
     * @return one result per budget, in the order given
     * @throws org.dlsec.core.DlsecException when the budgets do not suit the attack
     */
    public static List<AttackResult> sweep(EvasionAttack attack, List<Double> epsilons, BudgetRun run,
            java.util.function.IntFunction<float[]> original, java.util.function.ObjDoubleConsumer<AttackResult> done) {
        DlsecException.require(!epsilons.isEmpty(), "eps", "give at least one budget");
        List<AttackResult> out = new ArrayList<>();
        if (attack instanceof EpsilonAttack ea) {
            for (double eps : epsilons) {
                out.add(run.run(ea.withEpsilon(eps), eps));
                done.accept(out.get(out.size() - 1), eps);
            }
        } else if (epsilons.size() == 1) {
            out.add(run.run(attack, epsilons.get(0)));
            done.accept(out.get(0), epsilons.get(0));
        } else if (attack instanceof MinimalPerturbationAttack m) {
            AttackResult once = run.run(attack, epsilons.get(epsilons.size() - 1));
            for (double eps : epsilons) {
                out.add(once.withinBudget(m.distanceNorm(), eps, original));
                done.accept(out.get(out.size() - 1), eps);
            }
        } else {
            throw new DlsecException("attack '" + org.dlsec.core.Text.echo(attack.name()) + "' has no ε budget and does"
                    + " not minimise a distance: give one eps");
        }
        return out;
    }

    /**
     * Runs {@code attack} over {@code epsilons} on {@code data}, locally (see {@link #sweep(EvasionAttack, List, BudgetRun, java.util.function.IntFunction)}).
     *
     * @param attack the attack
     * @param model the classifier under attack; not closed
     * @param data the samples and their true labels
     * @param epsilons the budgets; at least one
     * @param targets one target per sample for a targeted attack, or null
     * @param batchSize samples per batch, 1 to 65536
     * @param progress whether to show a progress bar on stderr
     * @return one result per budget, in the order given
     * @throws org.dlsec.core.DlsecException when an argument is invalid or the model and data do not match
     */
    public static List<AttackResult> sweep(EvasionAttack attack, Classifier model, Dataset data, double[] epsilons,
            int[] targets, int batchSize, boolean progress) {
        return sweep(attack, java.util.Arrays.stream(epsilons).boxed().toList(),
                (a, eps) -> run(a, model, data, targets, batchSize, progress), data::image);
    }

    /**
     * The robustness curve of {@link #sweep} results: robust accuracy and the other figures at each ε.
     *
     * @param attack the attack the results come from (its norm labels the curve)
     * @param epsilons the budgets, as given to {@link #sweep}
     * @param results the results of {@link #sweep}, one per budget
     * @return the curve
     * @throws IllegalArgumentException when there is not one result per budget
     */
    public static RobustnessCurve curve(EvasionAttack attack, double[] epsilons, List<AttackResult> results) {
        String norm = attack instanceof EpsilonAttack ea ? ea.norm().cliName()
                : attack instanceof MinimalPerturbationAttack m ? m.distanceNorm().cliName() : "none";
        return new RobustnessCurve(attack.name(), norm, epsilons.clone(),
                results.stream().map(AttackResult::summary).toList());
    }
}
