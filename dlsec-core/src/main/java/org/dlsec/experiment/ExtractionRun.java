package org.dlsec.experiment;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.dlsec.attack.extraction.ExtractionAttack;
import org.dlsec.attack.extraction.ExtractionAttacks;
import org.dlsec.attack.extraction.ExtractionEvaluation;
import org.dlsec.core.DlsecException;
import org.dlsec.data.Dataset;
import org.dlsec.metric.Evaluation;
import org.dlsec.model.Classifier;
import org.dlsec.model.DjlClassifier;

/**
 * Runs one model-extraction experiment: measures the target on the test images, runs the attack against it
 * (counting its queries) and measures the substitute. The measuring may go through a separate client of the
 * same target ({@code evaluator}), so that the attacker's own query stream holds only the attack's queries.
 */
public final class ExtractionRun {
    private final ExtractionSpec spec;
    private final Classifier victim;
    private final Classifier evaluator;
    private final Dataset test;
    private final ExtractionAttack attack;
    private final List<ExtractionOutcome.CurvePoint> curve = new ArrayList<>();
    private final Consumer<String> log;
    private Evaluation.Result targetOnTest;

    private ExtractionRun(ExtractionSpec spec, Classifier victim, Classifier evaluator, Dataset test,
            Dataset seedSet, Supplier<Dataset> queryData, Consumer<String> log) {
        this.spec = spec;
        this.victim = victim;
        this.evaluator = evaluator;
        this.test = test;
        this.log = log;
        this.attack = ExtractionAttacks.create(spec.attack(), spec.params(), victim.inputShape().size(), seedSet,
                spec.usesQueryData() ? queryData.get() : null, this::checkpoint);
    }

    /**
     * Prepares {@code spec} against {@code victim} (measured through {@code evaluator}, which may be the victim
     * itself) on the target's task {@code fullTest}; {@code queryData} is read by knockoff and copycat only.
     * {@code log} hears the fidelity curve as it is measured.
     *
     * @param spec the experiment
     * @param victim the target the attack queries; not closed
     * @param evaluator the client measurements go through (may be {@code victim}); not closed
     * @param fullTest the target's test split
     * @param queryData supplies the attacker's unlabelled query data (knockoff, copycat); called only when needed
     * @param log hears the fidelity curve
     * @return the prepared run
     * @throws org.dlsec.core.DlsecException when the target does not take the test data's shape or classes
     */
    public static ExtractionRun prepare(ExtractionSpec spec, Classifier victim, Classifier evaluator, Dataset fullTest,
            Supplier<Dataset> queryData, Consumer<String> log) {
        if (!victim.inputShape().equals(fullTest.sampleShape()) || victim.numClasses() != fullTest.numClasses()) {
            throw new DlsecException("the target takes " + victim.inputShape() + " with " + victim.numClasses()
                    + " classes, but " + fullTest.name() + " has " + fullTest.sampleShape() + " with " + fullTest.numClasses());
        }
        Dataset seedSet = null;
        Dataset test = fullTest;
        if (spec.attack().equals("jacobian")) {
            int s = spec.seedSize();
            DlsecException.require(s >= 1 && s < fullTest.size(), "--seed-size",
                    "must be in 1.." + (fullTest.size() - 1) + ", got " + s);
            seedSet = fullTest.first(s);
            test = fullTest.subset(IntStream.range(s, fullTest.size()).toArray(), "test images after the " + s + " seed images");
        }
        if (spec.testLimit() != null && spec.testLimit() < test.size()) {
            test = test.first(spec.testLimit());
        }
        return new ExtractionRun(spec, victim, evaluator, test, seedSet, queryData, log);
    }

    /**
     * The test images the substitute is measured on.
     *
     * @return the test subset
     */
    public Dataset test() {
        return test;
    }

    /**
     * The attack's parameters.
     *
     * @return an immutable map
     */
    public Map<String, Object> parameters() {
        return attack.parameters();
    }

    private void checkpoint(long queries, Classifier substitute) {
        ExtractionEvaluation.Result r = ExtractionEvaluation.measure(evaluator, targetOnTest, substitute, test, spec.eps(), 0,
                spec.params().seed());
        ExtractionOutcome.CurvePoint p = new ExtractionOutcome.CurvePoint(queries, r.fidelity(), r.substituteAccuracy());
        curve.add(p);
        log.accept(p.line());
    }

    /**
     * Runs the experiment.
     *
     * @return the substitute's figures, the queries and the curve
     * @throws org.dlsec.core.DlsecException when the attack's parameters do not suit the target
     */
    public ExtractionOutcome run() {
        long evalQ0 = evaluator.stats().queries();
        targetOnTest = Evaluation.evaluate(evaluator, test, Evaluation.DEFAULT_BATCH, false);
        long evalQueries = evaluator.stats().queries() - evalQ0;
        long q0 = victim.stats().queries();
        long start = System.nanoTime();
        try (DjlClassifier substitute = attack.extract(victim)) {
            double seconds = (System.nanoTime() - start) / 1e9;
            long queries = victim.stats().queries() - q0;
            ExtractionEvaluation.Result r = ExtractionEvaluation.measure(evaluator, targetOnTest, substitute, test, spec.eps(),
                    spec.transferLimit(), spec.params().seed());
            return new ExtractionOutcome(attack.name(), attack.parameters(), r.substituteAccuracy(), r.fidelity(), queries,
                    Double.isNaN(r.transferSuccess()) ? null : r.transferSuccess(), seconds, r.targetAccuracy(),
                    r.testSamples(), r.transferSamples(), spec.eps(), evalQueries + r.evaluationQueries(), curve);
        }
    }
}
