package org.dlsec.defence.training;

import java.util.Locale;
import org.dlsec.core.DlsecException;
import org.dlsec.train.TrainingMethod;

/**
 * The training-time defences by CLI name: {@code pgd} (Madry et al.), {@code trades} (Zhang et
 * al.), {@code fast} (Wong et al.) adversarial training, and Gaussian noise augmentation for
 * randomised smoothing.
 */
public final class TrainingDefences {
    private TrainingDefences() {}

    /**
     * An adversarial training method.
     *
     * @param kind pgd, trades or fast
     * @param eps the L∞ budget ε, positive
     * @param steps the inner attack's steps, at least 1 (ignored by fast)
     * @param stepSize the inner attack's step, or null for the method's default
     * @param beta TRADES's trade-off (ignored by the others)
     * @param seed seed of the random starts
     * @param warmup ramp of ε over the first epochs ({@link EpsilonWarmup#NONE} for none)
     * @return the training method
     * @throws org.dlsec.core.DlsecException when {@code kind} is unknown or a value is out of range
     */
    public static TrainingMethod adversarial(String kind, double eps, int steps, Double stepSize, double beta, long seed,
            EpsilonWarmup warmup) {
        String k = kind == null ? "" : kind.trim().toLowerCase(Locale.ROOT);
        return switch (k) {
            case "pgd" -> {
                PgdAdversarialTraining t = new PgdAdversarialTraining(eps, steps, stepSize, seed, warmup);
                yield new TrainingMethod("pgd", t, null, t.describe());
            }
            case "trades" -> {
                Trades t = new Trades(eps, steps, stepSize, beta, seed, warmup);
                yield new TrainingMethod("trades", t.transform(), t.loss(), t.describe());
            }
            case "fast" -> {
                FastAdversarialTraining t = new FastAdversarialTraining(eps, stepSize, seed, warmup);
                yield new TrainingMethod("fast", t, null, t.describe());
            }
            default -> throw new DlsecException("unknown --adversarial '" + org.dlsec.core.Text.echo(kind) + "': expected pgd, trades or fast");
        };
    }

    /**
     * Defensive distillation at temperature T: a teacher, then the student on its soft labels.
     *
     * @param temperature T, at least 1
     * @return the training method
     * @throws org.dlsec.core.DlsecException when {@code temperature} is below 1
     */
    public static TrainingMethod distillation(double temperature) {
        DefensiveDistillation d = new DefensiveDistillation(temperature);
        return new TrainingMethod("distillation", null, null, d, d.describe());
    }

    /**
     * Training on x + N(0, σ²I), the base classifier of randomised smoothing.
     *
     * @param sigma σ, positive
     * @param seed the noise's seed
     * @return the training method
     * @throws org.dlsec.core.DlsecException when {@code sigma} is not positive
     */
    public static TrainingMethod gaussian(double sigma, long seed) {
        GaussianAugmentation g = new GaussianAugmentation(sigma, seed);
        return new TrainingMethod("gaussian", g, null, g.describe());
    }
}
