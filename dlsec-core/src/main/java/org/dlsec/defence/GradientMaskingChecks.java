package org.dlsec.defence;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dlsec.attack.evasion.AttackResult;
import org.dlsec.attack.evasion.EvasionRunner;
import org.dlsec.attack.evasion.Norm;
import org.dlsec.attack.evasion.Pgd;
import org.dlsec.attack.evasion.Square;
import org.dlsec.core.DlsecException;
import org.dlsec.data.Dataset;
import org.dlsec.model.Classifier;

/**
 * Checks for gradient masking (Athalye, Carlini, Wagner, "Obfuscated Gradients Give a False Sense
 * of Security", ICML 2018, §3.1; Carlini et al., "On Evaluating Adversarial Robustness", 2019). A
 * defence evaluated with gradients is flagged when
 * <ol>
 *   <li>a black-box attack (Square, L∞) leaves lower robust accuracy than white-box PGD at the same ε
 *       — gradients should be the stronger signal;</li>
 *   <li>more PGD iterations (10 → 100) raise robust accuracy — iterating an honest gradient never
 *       helps the defender beyond noise;</li>
 *   <li>an unbounded attack (100 gradient steps from the clean input at ε = the whole input range)
 *       does not reach 0% accuracy — any
 *       input can be turned into any other, so a survivor shows that the attack is blind.</li>
 * </ol>
 * A tolerance (in accuracy points) absorbs sampling noise; each check reports its figures.
 */
public final class GradientMaskingChecks {
    /**
     * @param epsilon the L∞ budget of the comparisons
     * @param squareQueries Square's query budget per sample
     * @param tolerance accuracy difference (fraction) below which no flag is raised
     * @param seed seed of the attacks
     */
    public record Config(double epsilon, int squareQueries, double tolerance, long seed) {
        /**
         * Checks the configuration.
         *
         * @param epsilon the L∞ budget of the comparisons
         * @param squareQueries Square's query budget per sample
         * @param tolerance accuracy difference (fraction) below which no flag is raised
         * @param seed seed of the attacks
         * @throws org.dlsec.core.DlsecException when ε is not positive, the query budget is below 1 or the tolerance is
         *         outside [0, 1)
         */
        public Config {
            DlsecException.require(Double.isFinite(epsilon) && epsilon > 0, "eps", "must be > 0, got " + epsilon);
            DlsecException.require(squareQueries >= 1, "square queries", "must be at least 1, got " + squareQueries);
            DlsecException.require(Double.isFinite(tolerance) && tolerance >= 0 && tolerance < 1, "tolerance",
                    "must be in [0, 1), got " + tolerance);
        }
    }

    /** One check: its name, whether it flags masking, the figures behind it and what it means. */
    public record Check(String name, boolean flagged, Map<String, Double> figures, String meaning) {}

    /** All checks; {@link #masked()} when any flags. */
    public record Result(List<Check> checks) {
        /**
         * Whether any check flags gradient masking.
         *
         * @return true when at least one check is flagged
         */
        public boolean masked() {
            return checks.stream().anyMatch(Check::flagged);
        }
    }

    private GradientMaskingChecks() {}

    /**
     * {@link #run(Classifier, Dataset, Config, boolean)} without a progress bar.
     *
     * @param model the model to check
     * @param data the samples to attack
     * @param cfg the budget and seed of the checks
     * @return every check with its figures and whether it flags gradient masking
     */
    public static Result run(Classifier model, Dataset data, Config cfg) {
        return run(model, data, cfg, false);
    }

    /**
     * Runs the three checks: PGD with 10 and 100 steps, Square, and the unbounded PGD, all L∞ and untargeted.
     *
     * @param model a white-box classifier; not closed
     * @param data the samples (a few hundred keep it quick and the intervals informative)
     * @param cfg the budget, query budget, tolerance and seed
     * @param progress whether to show progress bars on stderr
     * @return every check with its figures
     * @throws org.dlsec.core.DlsecException when the model has no gradients or does not fit the data
     */
    public static Result run(Classifier model, Dataset data, Config cfg, boolean progress) {
        DlsecException.require(model.hasGradients(), "model", "has no gradients: masking checks compare white- and black-box");
        double range = model.bounds().max() - model.bounds().min();
        AttackResult pgd10 = EvasionRunner.run(Pgd.linf(cfg.epsilon()).steps(10).seed(cfg.seed()).build(), model, data,
                null, 250, progress);
        AttackResult pgd100 = EvasionRunner.run(Pgd.linf(cfg.epsilon()).steps(100).seed(cfg.seed()).build(), model, data,
                null, 250, progress);
        AttackResult square = EvasionRunner.run(new Square(new Square.Params(Norm.LINF, cfg.epsilon(), cfg.squareQueries(), 0.05,
                false, cfg.seed())), model, data, null, 250, progress);
        // from the clean input, not a random start: a random point of the whole input range is itself
        // misclassified, which would clear a blind attack
        AttackResult unbounded = EvasionRunner.run(Pgd.linf(range).bim().steps(100).seed(cfg.seed()).build(), model, data,
                null, 250, progress);
        double white = Math.min(pgd10.robustAccuracy(), pgd100.robustAccuracy());
        List<Check> checks = new ArrayList<>();
        checks.add(new Check("black-box beats white-box", square.robustAccuracy() < white - cfg.tolerance(),
                figures("square", square.robustAccuracy(), "pgd", white),
                "Square (no gradients) leaves lower robust accuracy than PGD: the gradients mislead"));
        checks.add(new Check("more steps help the defence", pgd100.robustAccuracy() > pgd10.robustAccuracy() + cfg.tolerance(),
                figures("pgd10", pgd10.robustAccuracy(), "pgd100", pgd100.robustAccuracy()),
                "PGD-100 leaves higher robust accuracy than PGD-10: iterating the gradient does not converge"));
        checks.add(new Check("unbounded attack fails", unbounded.robustAccuracy() > cfg.tolerance(),
                figures("unboundedPgd", unbounded.robustAccuracy(), "eps", range),
                "gradient steps with ε = the input range do not reach 0%: the attack cannot see the model"));
        return new Result(List.copyOf(checks));
    }

    private static Map<String, Double> figures(String k1, double v1, String k2, double v2) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put(k1, v1);
        m.put(k2, v2);
        return m;
    }
}
