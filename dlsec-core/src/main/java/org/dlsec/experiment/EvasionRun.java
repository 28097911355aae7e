package org.dlsec.experiment;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.dlsec.attack.evasion.AttackResult;
import org.dlsec.attack.evasion.EvasionAttack;
import org.dlsec.attack.evasion.EvasionAttacks;
import org.dlsec.attack.evasion.EvasionRunner;
import org.dlsec.attack.evasion.TransferAttack;
import org.dlsec.attack.evasion.UniversalAttack;
import org.dlsec.attack.evasion.UniversalPerturbation;
import org.dlsec.core.NumericalIssue;
import org.dlsec.data.Dataset;
import org.dlsec.defence.detection.FeatureSqueezingDetector;
import org.dlsec.model.Classifier;

/**
 * Runs one evasion experiment: a universal perturbation is fitted on the split the samples do not come from (on
 * the substitute, if one is given); any other attack given a substitute is crafted there and transferred. Then
 * the attack runs at every budget, and the detector, if asked for, is calibrated on clean images of the other
 * split and scored on the last budget's adversarial examples.
 */
public final class EvasionRun {
    private final EvasionSpec spec;
    private final Classifier model;
    private final Classifier substitute;
    private final Dataset data;
    private final Function<String, Dataset> split;
    private final Consumer<String> log;
    private final EvasionAttack base;
    private final int[] targets;

    private EvasionRun(EvasionSpec spec, Classifier model, Classifier substitute, Dataset data,
            Function<String, Dataset> split, Consumer<String> log) {
        this.spec = spec;
        this.model = model;
        this.substitute = substitute;
        this.data = data;
        this.split = split;
        this.log = log;
        EvasionAttack a = EvasionAttacks.create(spec.attack());
        if (a instanceof UniversalAttack u && !u.isFitted()) {
            String fitSplit = otherSplit();
            a = u.fit(substitute != null ? substitute : model, split.apply(fitSplit));
            UniversalPerturbation.Fitted f = ((UniversalAttack) a).fitted();
            log.accept(String.format("uap fitted on the first %d %s images: fooling rate %.2f%% after %d passes",
                    f.fitSamples(), fitSplit, 100 * f.foolingRate(), f.passes()));
        } else if (substitute != null) {
            a = TransferAttack.of(a, substitute);
        }
        this.base = a;
        this.targets = a.targeted() ? EvasionRunner.randomTargets(data, spec.attack().seed()) : null;
    }

    /**
     * Prepares {@code spec} against {@code model} on {@code data}; {@code substitute} (may be null) is where a
     * transfer attack is crafted, {@code split} loads a whole split by name (the universal perturbation's fitting
     * data, the detector's calibration images), {@code log} hears the lines a user sees.
     *
     * @param spec the experiment
     * @param model the target classifier; not closed
     * @param substitute the attacker's substitute model, or null; not closed
     * @param data the samples to attack
     * @param split loads a whole split of the same dataset by name ({@code train}, {@code test})
     * @param log hears progress lines
     * @return the prepared run; {@link #run} does the work
     */
    public static EvasionRun prepare(EvasionSpec spec, Classifier model, Classifier substitute, Dataset data,
            Function<String, Dataset> split, Consumer<String> log) {
        return new EvasionRun(spec, model, substitute, data, split, log);
    }

    /**
     * The attack as it runs (fitted, or wrapped for transfer).
     *
     * @return the attack
     */
    public EvasionAttack attack() {
        return base;
    }

    /**
     * The attack's parameters, for the provenance.
     *
     * @return an immutable map
     */
    public Map<String, Object> parameters() {
        return base.parameters();
    }

    private String otherSplit() {
        return "train".equals(data.split()) ? "test" : "train";
    }

    /**
     * Runs the attack at every budget, then the detector.
     *
     * @param progress whether to show progress bars on stderr
     * @return one result per budget and the detector's evaluation
     * @throws org.dlsec.core.DlsecException when the data does not fit the model
     */
    public EvasionOutcome run(boolean progress) {
        List<Double> budgets = spec.budgets();
        EvasionRunner.BudgetRun at = (a, e) -> EvasionRunner.run(a, model, data, targets, spec.batchSize(), progress);
        List<AttackResult> results = EvasionRunner.sweep(base, budgets, at, data::image, (r, e) -> {
            log.accept(EvasionOutcome.line(r, e));
            NumericalIssue.lines(r.numericalIssues(), 5).forEach(log);
        });
        FeatureSqueezingDetector.Evaluation detection = spec.detection() == null ? null : detect(results.get(results.size() - 1));
        return new EvasionOutcome(spec, results, detection);
    }

    private FeatureSqueezingDetector.Evaluation detect(AttackResult last) {
        EvasionSpec.Detection d = spec.detection();
        FeatureSqueezingDetector det = FeatureSqueezingDetector.forInput(model);
        Dataset cal = split.apply(otherSplit());
        cal = cal.sample(Math.min(d.calibration(), cal.size()), spec.attack().seed());
        double t = FeatureSqueezingDetector.threshold(det.scores(cal, cal.size()), d.fpr());
        double[] adv = det.scores(last.adversarial(), data);
        double[] successful = IntStream.range(0, adv.length).filter(i -> last.success()[i]).mapToDouble(i -> adv[i]).toArray();
        FeatureSqueezingDetector.Evaluation ev = FeatureSqueezingDetector.evaluate(t, d.fpr(), cal.size(), successful,
                det.scores(data, data.size()));
        log.accept(EvasionOutcome.line(ev));
        return ev;
    }
}
