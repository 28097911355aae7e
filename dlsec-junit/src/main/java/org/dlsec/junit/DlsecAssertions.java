package org.dlsec.junit;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.dlsec.attack.evasion.AttackResult;
import org.dlsec.attack.evasion.EvasionAttack;
import org.dlsec.core.Versions;
import org.dlsec.data.Dataset;
import org.dlsec.defence.detection.NeuralCleanse;
import org.dlsec.metric.Interval;
import org.dlsec.model.Classifier;
import org.junit.jupiter.api.Assertions;

/**
 * Robustness checks for a team's own JUnit 5 suite: a model that regresses fails the build with the measured figure,
 * its 95% interval and where it came from.
 *
 * <pre>{@code
 * @Test
 * void pgdDoesNotBreakTheSignClassifier() {
 *     Dataset test = Datasets.load("signs/", "test").first(500);
 *     try (Classifier model = Models.load(Path.of("model.pt"), LoadOptions.of(test.sampleShape()))) {
 *         DlsecAssertions.assertRobustAccuracy(model, test, Pgd.linf(0.03).steps(40).build(), 0.5);
 *     }
 * }
 * }</pre>
 *
 * <p>Each check runs the attack or the scan in the calling thread with the library's defaults (batches of 250, no
 * progress bar) and returns what it measured, so a test can go on to assert more. The model's query counters are
 * not reset. Failures are JUnit's {@code AssertionFailedError}; bad arguments (an attack the model cannot take, data
 * of another shape) are dlsec's own {@code DlsecException}, as in the library.
 */
public final class DlsecAssertions {
    private DlsecAssertions() {}

    /**
     * Runs {@code attack} on {@code data} and fails unless the robust accuracy (samples still classified correctly
     * after the attack, over all samples) is at least {@code atLeast}.
     *
     * @param model the model under test; its query counters are not reset
     * @param data the samples to attack (labels are the true classes)
     * @param attack an untargeted evasion attack, e.g. {@code Pgd.linf(0.3).steps(40).build()}
     * @param atLeast the robust accuracy required, a fraction in [0, 1]
     * @return the attack's result (per-sample arrays, summary, provenance)
     * @throws org.opentest4j.AssertionFailedError when the requirement is not met; the message carries the figure, its
     *     95% Wilson interval, the clean accuracy and the provenance
     * @throws IllegalArgumentException when {@code atLeast} is not in [0, 1]
     */
    public static AttackResult assertRobustAccuracy(Classifier model, Dataset data, EvasionAttack attack, double atLeast) {
        return robustAccuracy(model, data, attack, atLeast, false);
    }

    /**
     * As {@link #assertRobustAccuracy}, but the lower end of the 95% Wilson interval must reach {@code atLeast}: the
     * check passes only when the data are enough to say so with confidence.
     *
     * @param model the model under test; its query counters are not reset
     * @param data the samples to attack (labels are the true classes)
     * @param attack an untargeted evasion attack, e.g. {@code Pgd.linf(0.3).steps(40).build()}
     * @param atLeast the robust accuracy required, a fraction in [0, 1]
     * @return the attack's result (per-sample arrays, summary, provenance)
     * @throws org.opentest4j.AssertionFailedError when the requirement is not met; the message carries the figure, its
     *     95% Wilson interval, the clean accuracy and the provenance
     * @throws IllegalArgumentException when {@code atLeast} is not in [0, 1]
     */
    public static AttackResult assertRobustAccuracyWithConfidence(Classifier model, Dataset data, EvasionAttack attack,
            double atLeast) {
        return robustAccuracy(model, data, attack, atLeast, true);
    }

    private static AttackResult robustAccuracy(Classifier model, Dataset data, EvasionAttack attack, double atLeast,
            boolean lowerBound) {
        checkFraction(atLeast);
        AttackResult r = attack.run(model, data);
        double value = r.robustAccuracy();
        Interval ci = Interval.wilson(value, r.size());
        double judged = lowerBound ? ci.lower() : value;
        if (!(judged >= atLeast)) {
            Assertions.fail(String.format(Locale.ROOT, "robust accuracy %.4f [%.4f, %.4f] (95%% %s interval, %d samples)%s is"
                    + " below %.4f; clean accuracy %.4f; %s", value, ci.lower(), ci.upper(), ci.method(), r.size(),
                    lowerBound ? ": its lower end" : "", atLeast, r.cleanAccuracy(), provenance(model, data, attack.name(),
                            attack.parameters())));
        }
        return r;
    }

    /**
     * Scans {@code model} with Neural Cleanse (Wang et al. 2019; the library's defaults, seed 0) on the clean images
     * {@code clean} and fails if a class is flagged as a backdoor target.
     *
     * @param model the model under test (it needs input gradients: a TorchScript or DJL model)
     * @param clean clean, correctly labelled images (a hundred suffice for MNIST-sized tasks)
     * @return the scan's result (per-class reversed triggers and anomaly indices)
     * @throws org.opentest4j.AssertionFailedError when a class is flagged; the message names it, its anomaly index and
     *     the provenance
     */
    public static NeuralCleanse.Result assertNoBackdoor(Classifier model, Dataset clean) {
        return assertNoBackdoor(model, clean, NeuralCleanse.defaults(0));
    }

    /**
     * As {@link #assertNoBackdoor(Classifier, Dataset)} with the scan's parameters given.
     *
     * @param model the model under test
     * @param clean clean, correctly labelled images
     * @param scan the scan, e.g. {@code NeuralCleanse.defaults(0).withSteps(100)}
     * @return the scan's result
     * @throws org.opentest4j.AssertionFailedError when a class is flagged
     */
    public static NeuralCleanse.Result assertNoBackdoor(Classifier model, Dataset clean, NeuralCleanse scan) {
        NeuralCleanse.Result r = scan.scan(model, clean, false);
        if (r.backdoored()) {
            int target = r.suspectedTarget();
            Assertions.fail(String.format(Locale.ROOT, "Neural Cleanse flags class %d as a backdoor target: anomaly index"
                    + " %.2f above %.2f (its reversed trigger's mask L1 %.1f against the median %.1f over %d classes); %s",
                    target, r.anomalyIndex()[target], scan.anomalyThreshold(), r.triggers().get(target).maskL1(), r.median(),
                    r.triggers().size(), provenance(model, clean, "neural-cleanse", Map.of("steps", scan.steps(),
                            "seed", scan.seed()))));
        }
        return r;
    }

    private static void checkFraction(double atLeast) {
        if (!(atLeast >= 0 && atLeast <= 1)) {
            throw new IllegalArgumentException("atLeast must be a fraction in [0, 1], got " + atLeast);
        }
    }

    /** Where a figure came from: the model (description and SHA-256), the data's origin, the run and dlsec's version. */
    static String provenance(Classifier model, Dataset data, String run, Map<String, Object> parameters) {
        return String.format(Locale.ROOT, "model %s (sha256 %s); data %s (%d samples); %s %s; dlsec %s",
                model.info().describe(), model.info().sha256(), data.origin(), data.size(), run, new TreeMap<>(parameters),
                Versions.dlsec());
    }
}
