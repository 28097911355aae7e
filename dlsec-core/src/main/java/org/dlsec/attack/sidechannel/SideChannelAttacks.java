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
        public Params {
            DlsecException.require(traces > 0, "--traces", "must be at least 1, got " + traces);
            DlsecException.require(Double.isFinite(sigma) && sigma > 0, "--noise",
                    "σ must be a finite number > 0 Hamming-weight units, got " + sigma);
            leakage = leakage == null ? LeakageModel.HAMMING_WEIGHT : leakage;
            defence = defence == null ? Countermeasure.NONE : defence;
        }

        public static Params defaults(long seed) {
            return new Params(5000, 1.0, LeakageModel.HAMMING_WEIGHT, Countermeasure.NONE, 1, false, 0, 0, 2, 0, seed);
        }
    }

    /** The registered name of {@code name} (case and spaces ignored), or a one-line error. */
    public static String canonical(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        if (!NAMES.contains(n)) {
            throw new DlsecException("unknown side-channel attack '" + Text.echo(name) + "': expected timing or power");
        }
        return n;
    }

    /**
     * The attack {@code name} with parameters {@code p}, validated. The timing attack's constant-time budget, when
     * not given, is fixed by the caller after profiling ({@link #defaultBudgetMillis}).
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

    /** The default latency budget of constant-time serving (and the largest random delay): 50 ms. */
    public static double defaultBudgetMillis() {
        return 50.0;
    }
}
