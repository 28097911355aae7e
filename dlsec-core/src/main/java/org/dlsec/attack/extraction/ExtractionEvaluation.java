package org.dlsec.attack.extraction;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.dlsec.attack.evasion.AttackResult;
import org.dlsec.attack.evasion.Pgd;
import org.dlsec.attack.evasion.TransferAttack;
import org.dlsec.core.DlsecException;
import org.dlsec.data.Dataset;
import org.dlsec.metric.Evaluation;
import org.dlsec.model.Classifier;
import org.dlsec.model.Engines;

/**
 * How good a stolen model is (Jagielski et al. 2020 separate the two goals): its test accuracy,
 * its fidelity (the fraction of test inputs on which it agrees with the target), and how often FGSM
 * examples crafted on it with the true labels fool the target (Papernot et al. 2017's measure:
 * among the test inputs the target classifies correctly). Evaluation queries to the target are
 * not attack queries; they are reported separately.
 */
public final class ExtractionEvaluation {
    private ExtractionEvaluation() {}

    /**
     * @param substituteAccuracy accuracy of the substitute on the test set
     * @param targetAccuracy accuracy of the target on the test set
     * @param fidelity agreement of substitute and target labels on the test set
     * @param transferSuccess FGSM success against the target when crafted on the substitute (NaN if not measured)
     * @param transferSamples test inputs used for the transfer measure
     * @param evaluationQueries target queries spent by this evaluation
     */
    public record Result(double substituteAccuracy, double targetAccuracy, double fidelity, double transferSuccess,
            int transferSamples, int testSamples, long evaluationQueries) {}

    /**
     * Accuracy and fidelity only.
     *
     * @param target the target; queried
     * @param substitute the substitute
     * @param test the test images
     * @return accuracy and fidelity (no transfer measure)
     */
    public static Result measure(Classifier target, Classifier substitute, Dataset test) {
        return measure(target, substitute, test, 0, 0, 0);
    }

    /**
     * @param target the target; queried
     * @param substitute the substitute
     * @param test the test images
     * @param eps FGSM L∞ budget for the transfer measure
     * @param transferLimit first test inputs used for it (0 = skip)
     * @param seed seed of the transfer measure
     * @return accuracy, fidelity and transfer success
     */
    public static Result measure(Classifier target, Classifier substitute, Dataset test, double eps, int transferLimit,
            long seed) {
        DlsecException.require(test.size() > 0, "test set", "must not be empty");
        long q0 = target.stats().queries();
        return measure(target, Evaluation.evaluate(target, test, Evaluation.DEFAULT_BATCH, false), substitute, test, eps,
                transferLimit, seed, q0);
    }

    /**
     * As {@link #measure(Classifier, Classifier, Dataset, double, int, long)} with the target's test
     * predictions already made ({@code t}), so that a curve of substitutes costs the target no more queries.
     *
     * @param target the target; queried only for the transfer measure
     * @param t the target's predictions on {@code test}
     * @param substitute the substitute
     * @param test the test images
     * @param eps FGSM L∞ budget for the transfer measure
     * @param transferLimit first test inputs used for it (0 = skip)
     * @param seed seed of the transfer measure
     * @return accuracy, fidelity and transfer success
     */
    public static Result measure(Classifier target, Evaluation.Result t, Classifier substitute, Dataset test, double eps,
            int transferLimit, long seed) {
        return measure(target, t, substitute, test, eps, transferLimit, seed, target.stats().queries());
    }

    private static Result measure(Classifier target, Evaluation.Result t, Classifier substitute, Dataset test, double eps,
            int transferLimit, long seed, long q0) {
        DlsecException.require(t.samples() == test.size(), "target predictions", "one per test sample needed");
        Evaluation.Result s = Evaluation.evaluate(substitute, test, Evaluation.DEFAULT_BATCH, false);
        int agree = 0;
        for (int i = 0; i < test.size(); i++) {
            agree += t.predictions()[i] == s.predictions()[i] ? 1 : 0;
        }
        double transfer = Double.NaN;
        int used = 0;
        if (transferLimit > 0 && substitute.hasGradients()) {
            used = Math.min(transferLimit, test.size());
            TransferAttack fgsm = TransferAttack.of(Pgd.linf(eps).fgsm().seed(seed).build(), substitute);
            int success = 0;
            int correct = 0;
            try (NDManager root = Engines.newManager()) {
                for (int from = 0; from < used; from += 250) {
                    int to = Math.min(used, from + 250);
                    try (NDManager m = root.newSubManager()) {
                        NDArray x = test.images(m, from, to);
                        NDArray y = test.labels(m, from, to);
                        AttackResult r = fgsm.generate(target, x, y);
                        correct += r.correctBefore();
                        success += (int) Math.round(r.successRate() * r.correctBefore());
                    }
                }
            }
            transfer = correct == 0 ? Double.NaN : (double) success / correct;
        }
        return new Result(s.accuracy(), t.accuracy(), (double) agree / test.size(), transfer, used, test.size(),
                target.stats().queries() - q0);
    }
}
