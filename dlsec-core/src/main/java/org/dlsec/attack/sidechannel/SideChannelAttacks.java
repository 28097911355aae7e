package org.dlsec.attack.sidechannel;

import java.util.List;
import java.util.Locale;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Text;

/**
 * The side-channel registry: a name and a {@link Params} record give a {@link SideChannelAttack}. {@code dlsec
 * sidechannel} and the audit's {@code sidechannel:} entries build their attacks here, so they share the names, the
 * parameters and their validation.
 */
public final class SideChannelAttacks {
    /** The registered attacks. */
    public static final List<String> NAMES = List.of("power", "timing");

    private SideChannelAttacks() {}

    /**
     * Every parameter a side-channel attack may take.
     *
     * @param traces power: traces per layer; timing: timed queries per served model
     * @param sigma power: noise σ in Hamming-weight units
     * @param leakage power: hw or hd
     * @param defence the countermeasure (none, shuffle, mask, constant-time, random-delay)
     * @param layers power: MAC layers attacked in turn (0: all)
     * @param knownImages power: known images instead of chosen random bytes as inputs
     * @param budgetMillis timing: the constant-time budget or the largest random delay (0: chosen from the profiles)
     * @param loadThreads timing: background threads of the load trial (0: none)
     * @param profiles timing: profiled instances per candidate
     * @param testLimit power: test samples of the fidelity comparison (0: all)
     * @param seed seed of every random choice
     */
    public record Params(int traces, double sigma, LeakageModel leakage, Countermeasure defence, int layers,
            boolean knownImages, double budgetMillis, int loadThreads, int profiles, int testLimit, long seed) {
        /**
         * Validates the parameters shared by both attacks and fills in the defaults of the optional ones: a null
         * {@code leakage} becomes {@link LeakageModel#HAMMING_WEIGHT}, a null {@code defence}
         * {@link Countermeasure#NONE}. Whether the defence suits the attack is checked by {@link #create}.
         *
         * @param traces power: traces per layer; timing: timed queries per served model
         * @param sigma power: noise σ in Hamming-weight units
         * @param leakage power: hw or hd
         * @param defence the countermeasure (none, shuffle, mask, constant-time, random-delay)
         * @param layers power: MAC layers attacked in turn (0: all)
         * @param knownImages power: known images instead of chosen random bytes as inputs
         * @param budgetMillis timing: the constant-time budget or the largest random delay (0: chosen from the
         *        profiles)
         * @param loadThreads timing: background threads of the load trial (0: none)
         * @param profiles timing: profiled instances per candidate
         * @param testLimit power: test samples of the fidelity comparison (0: all)
         * @param seed seed of every random choice
         * @throws org.dlsec.core.DlsecException (one line, naming {@code --traces} or {@code --noise}) if
         *         {@code traces} &lt; 1 or {@code sigma} is not a finite number &gt; 0
         */
        public Params {
            DlsecException.require(traces > 0, "--traces", "must be at least 1, got " + traces);
            DlsecException.require(Double.isFinite(sigma) && sigma > 0, "--noise",
                    "σ must be a finite number > 0 Hamming-weight units, got " + sigma);
            leakage = leakage == null ? LeakageModel.HAMMING_WEIGHT : leakage;
            defence = defence == null ? Countermeasure.NONE : defence;
        }

        /**
         * The command's defaults: 5000 traces, σ = 1, Hamming-weight leakage, no countermeasure, the first layer only,
         * chosen random inputs, the default budget, no load trial, 2 profiles per candidate, the whole test split.
         * The timing attack usually wants fewer traces (the command's default is 1000 timed queries).
         *
         * @param seed the seed of every random choice
         * @return the default parameters with that seed
         */
        public static Params defaults(long seed) {
            return new Params(5000, 1.0, LeakageModel.HAMMING_WEIGHT, Countermeasure.NONE, 1, false, 0, 0, 2, 0, seed);
        }
    }

    /**
     * Parses the power attack's choice of inputs, as the command's {@code --inputs} and the audit's {@code inputs:}
     * take it.
     *
     * @param inputs {@code random} (inputs the attacker chooses; see {@link PowerAnalysis.Config}) or {@code images}
     *        (training images it knows), case and surrounding spaces ignored; may be null
     * @return true for {@code images}, false for {@code random}
     * @throws org.dlsec.core.DlsecException (one line) for anything else
     */
    public static boolean knownImages(String inputs) {
        String in = inputs == null ? "" : inputs.trim().toLowerCase(java.util.Locale.ROOT);
        if (in.equals("random") || in.equals("images")) {
            return in.equals("images");
        }
        throw new org.dlsec.core.DlsecException("expected random (chosen bytes) or images (known training images), got '"
                + org.dlsec.core.Text.echo(inputs) + "'");
    }

    /**
     * Normalises an attack name.
     *
     * @param name an attack name, case and surrounding spaces ignored; may be null
     * @return the registered name, {@code power} or {@code timing}
     * @throws org.dlsec.core.DlsecException (one line, listing the names) if {@code name} is null or not registered
     */
    public static String canonical(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        if (!NAMES.contains(n)) {
            throw new DlsecException("unknown side-channel attack '" + Text.echo(name) + "': expected timing or power");
        }
        return n;
    }

    /**
     * Builds the attack {@code name} with parameters {@code p}. The power attack takes {@code traces}, {@code sigma},
     * {@code leakage}, {@code defence}, {@code layers}, {@code knownImages}, {@code testLimit} and {@code seed}; the
     * timing attack takes the {@linkplain TimingAttack#defaultCandidates() default candidates}, {@code profiles}, one
     * target, {@code traces} queries per model, {@code loadThreads}, {@code defence} with {@code budgetMillis} (or
     * {@link #defaultBudgetMillis()} when it is 0) and {@code seed}. The attack is only configured here: nothing runs
     * and no native memory is allocated until {@link SideChannelAttack#run}.
     *
     * @param name the attack's name, as accepted by {@link #canonical}
     * @param p the parameters; those of the other attack are ignored
     * @return a new {@link PowerAnalysis} or {@link TimingAttack}
     * @throws org.dlsec.core.DlsecException (one line) if the name is unknown, if the defence belongs to the other side
     *         channel (a timing defence for {@code power}, a power defence for {@code timing}), or if the attack's own
     *         configuration rejects the parameters
     */
    public static SideChannelAttack create(String name, Params p) {
        if (canonical(name).equals("power")) {
            DlsecException.require(p.defence().appliesToPower(), "--defence",
                    p.defence().cliName() + " is a timing defence; --attack power takes shuffle or mask");
            return new PowerAnalysis(new PowerAnalysis.Config(p.traces(), p.sigma(), p.leakage(), p.defence(), p.layers(),
                    p.knownImages(), p.testLimit(), p.seed()));
        }
        DlsecException.require(p.defence().appliesToTiming(), "--defence",
                p.defence().cliName() + " is a power defence; --attack timing takes constant-time or random-delay");
        ServingDefence d = p.defence() == Countermeasure.NONE ? ServingDefence.NONE
                : new ServingDefence(p.defence(), p.budgetMillis() > 0 ? p.budgetMillis() : defaultBudgetMillis());
        return new TimingAttack(new TimingAttack.Config(TimingAttack.defaultCandidates(), p.profiles(), 1, p.traces(),
                p.loadThreads(), d, p.seed()));
    }

    /**
     * The latency budget {@link #create} uses when {@link Params#budgetMillis()} is 0.
     *
     * @return 50: the constant-time budget, and the largest random delay, in milliseconds
     */
    public static double defaultBudgetMillis() {
        return 50.0;
    }
}
