package org.dlsec.attack.extraction;

import java.util.List;
import java.util.Locale;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Text;
import org.dlsec.data.Dataset;
import org.dlsec.model.Architecture;

/**
 * The extraction registry: a name and a {@link Params} record give an {@link ExtractionAttack}, with the
 * data the attack starts from (the seed images of the Jacobian augmentation, the query set of Knockoff
 * Nets and Copycat) and a listener for its fidelity curve.
 */
public final class ExtractionAttacks {
    /** The registered attacks. */
    public static final List<String> NAMES = List.of("equation", "jacobian", "knockoff", "copycat");

    private ExtractionAttacks() {}

    /**
     * Every parameter an extraction attack may take.
     *
     * @param budget target queries the attack may make
     * @param strategy knockoff, copycat: {@code random} or {@code adaptive} sampling of the query set
     * @param rounds jacobian: substitute epochs rho
     * @param lambda jacobian: augmentation step
     * @param kappa jacobian: reservoir size from round 3 on
     * @param arch jacobian, knockoff, copycat: the substitute's architecture (equation solving always fits a
     *        softmax regression)
     * @param epochs substitute training epochs (null: 10)
     * @param lr the substitute's Adam learning rate
     * @param checkpoints knockoff, copycat: query counts at which fidelity is also measured (a curve)
     * @param seed seed of every random choice
     */
    public record Params(int budget, String strategy, int rounds, double lambda, int kappa, Architecture arch, Integer epochs,
            double lr, List<Integer> checkpoints, long seed) {
        /**
         * Checks the budget and copies the checkpoints.
         *
         * @param budget target queries the attack may make
         * @param strategy knockoff, copycat: {@code random} or {@code adaptive} sampling of the query set
         * @param rounds jacobian: substitute epochs rho
         * @param lambda jacobian: augmentation step
         * @param kappa jacobian: reservoir size from round 3 on
         * @param arch jacobian, knockoff, copycat: the substitute's architecture (equation solving always fits a
         *        softmax regression)
         * @param epochs substitute training epochs (null: 10)
         * @param lr the substitute's Adam learning rate
         * @param checkpoints knockoff, copycat: query counts at which fidelity is also measured (a curve)
         * @param seed seed of every random choice
         * @throws org.dlsec.core.DlsecException when {@code budget} is below 1
         */
        public Params {
            DlsecException.require(budget >= 1, "--budget", "must be at least 1, got " + budget);
            checkpoints = checkpoints == null ? List.of() : List.copyOf(checkpoints);
        }

        /** The substitute's trainer: {@code epochs} (10 when not given), batches of 32 (jacobian) or 64. */
        SubstituteTrainer trainer(String name) {
            return new SubstituteTrainer(epochs == null ? 10 : epochs, name.equals("jacobian") ? 32 : 64, lr);
        }
    }

    /**
     * The registered name of {@code name} (case and spaces ignored), or a one-line error.
     *
     * @param name a name as the user gave it
     * @return {@code jacobian}, {@code knockoff}, {@code copycat} or {@code equation}
     * @throws org.dlsec.core.DlsecException when the name is unknown
     */
    public static String canonical(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        if (!NAMES.contains(n)) {
            throw new DlsecException("unknown --attack '" + Text.echo(name) + "': expected equation, jacobian, knockoff or copycat");
        }
        return n;
    }

    /**
     * The attack {@code name} with parameters {@code p}, on a target whose samples have {@code inputSize}
     * values: {@code seedSet} is read by jacobian, {@code queryData} by knockoff and copycat (either may be
     * null for the others), {@code checkpoints} hears every point of the fidelity curve.
     *
     * @param name a registered name
     * @param p the parameters
     * @param inputSize values per sample of the target
     * @param seedSet jacobian's seed images, or null
     * @param queryData knockoff's and copycat's query images, or null
     * @param checkpoints hears the fidelity curve
     * @return the attack
     * @throws org.dlsec.core.DlsecException when the name is unknown, a parameter is out of range or a needed dataset is missing
     */
    public static ExtractionAttack create(String name, Params p, long inputSize, Dataset seedSet, Dataset queryData,
            ExtractionAttack.Checkpoints checkpoints) {
        String n = canonical(name);
        return switch (n) {
            case "equation" -> {
                if (p.budget() < inputSize + 1) {
                    throw new DlsecException("invalid --budget: equation solving needs at least d + 1 = " + (inputSize + 1)
                            + " queries, got " + p.budget());
                }
                yield new EquationSolving(new EquationSolving.Params(p.budget(), p.seed()));
            }
            case "jacobian" -> new JacobianAugmentation(new JacobianAugmentation.Params(p.rounds(), p.lambda(), 3, 3, p.kappa(),
                    p.arch(), p.trainer("jacobian"), p.seed()), seedSet, p.budget()).onCheckpoint(checkpoints);
            default -> {
                KnockoffNets.Params kp = new KnockoffNets.Params(KnockoffNets.Strategy.parse(p.strategy()), p.budget(), p.arch(),
                        p.trainer(n), p.checkpoints().stream().mapToInt(i -> i).toArray(), KnockoffNets.DEFAULT_STEP_BATCH,
                        KnockoffNets.DEFAULT_BANDIT_STEP, p.seed());
                yield n.equals("copycat") ? Copycat.create(kp, queryData).onCheckpoint(checkpoints)
                        : new KnockoffNets(kp, queryData).onCheckpoint(checkpoints);
            }
        };
    }
}
