package org.dlsec.attack.fault;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Text;

/**
 * The fault registry: a name and a {@link Params} record give a {@link FaultAttack}. {@code dlsec fault} and
 * the audit's {@code faults:} entries build their attacks here, so they share the names, the parameters and
 * their validation.
 */
public final class FaultAttacks {
    /** The registered attacks. */
    public static final List<String> NAMES = List.of("random", "bfa", "trojan");

    /** Clean training samples the trojan's designer profiles activations on (at most the split). */
    public static final int TROJAN_CALIBRATION = 5000;

    private static final Map<String, List<String>> KEYS = Map.of(
            "random", List.of("counts", "trials", "faultType"),
            "bfa", List.of("flips", "attackSamples", "stopAccuracy", "candidates"),
            "trojan", List.of("target"));

    private FaultAttacks() {}

    /**
     * Every parameter a fault attack may take; each attack reads the ones {@link #keys} lists.
     *
     * @param counts random: the fault counts N (one accuracy distribution each)
     * @param flips bfa: the flip budget
     * @param trials random: trials per count
     * @param faultType random: flip, stuck-at-0 or stuck-at-1
     * @param layers random, activation faults: the hooked layers (empty: every convolution and linear layer)
     * @param attackSamples bfa: the attacker's batch, drawn from the training split
     * @param stopAccuracy bfa: stop once the accuracy is at most this; null is chance level plus one point
     * @param candidates bfa: exact-loss candidates per layer in the cross-layer search (1 is the paper's)
     * @param target trojan: the class the trigger forces
     * @param seed seed of every random choice
     */
    public record Params(List<Integer> counts, int flips, int trials, FaultType faultType, List<Integer> layers,
            int attackSamples, Double stopAccuracy, int candidates, int target, long seed) {
        /**
         * Copies the lists (null layers means none).
         *
         * @param counts random: the fault counts N (one accuracy distribution each)
         * @param flips bfa: the flip budget
         * @param trials random: trials per count
         * @param faultType random: flip, stuck-at-0 or stuck-at-1
         * @param layers random, activation faults: the hooked layers (empty: every convolution and linear layer)
         * @param attackSamples bfa: the attacker's batch, drawn from the training split
         * @param stopAccuracy bfa: stop once the accuracy is at most this; null is chance level plus one point
         * @param candidates bfa: exact-loss candidates per layer in the cross-layer search (1 is the paper's)
         * @param target trojan: the class the trigger forces
         * @param seed seed of every random choice
         */
        public Params {
            counts = List.copyOf(counts);
            layers = layers == null ? List.of() : List.copyOf(layers);
        }

        /**
         * The defaults of {@code dlsec fault}.
         *
         * @param seed the seed of every random choice
         * @return the parameters: counts 1, 10 and 100, 20 trials, bit flips, 25 BFA flips on 128 samples, target 0
         */
        public static Params defaults(long seed) {
            return new Params(List.of(1, 10, 100), 25, 20, FaultType.BIT_FLIP, List.of(), 128, null, 1, 0, seed);
        }

        /**
         * The fault counts (random) or the flip budget (bfa, exactly one value) of a {@code --bits} list.
         *
         * @param name the attack's name
         * @param bits the list, or null or empty to keep these parameters
         * @return new parameters
         * @throws org.dlsec.core.DlsecException when the BFA is given more than one value
         */
        public Params withBits(String name, List<Integer> bits) {
            if (bits == null || bits.isEmpty()) {
                return this;
            }
            if (canonical(name).equals("bfa")) {
                DlsecException.require(bits.size() == 1, "--bits", "the BFA takes one flip budget, got " + bits);
                return withFlips(bits.get(0));
            }
            return new Params(bits, flips, trials, faultType, layers, attackSamples, stopAccuracy, candidates, target, seed);
        }

        /**
         * These parameters with the BFA's flip budget {@code f}.
         *
         * @param f the flip budget
         * @return new parameters
         */
        public Params withFlips(int f) {
            return new Params(counts, f, trials, faultType, layers, attackSamples, stopAccuracy, candidates, target, seed);
        }

        /**
         * These parameters with the random campaign's settings.
         *
         * @param trialsPerCount trials per fault count
         * @param type what a fault does
         * @param hooked the hooked layers for activation faults
         * @return new parameters
         */
        public Params withRandom(int trialsPerCount, FaultType type, List<Integer> hooked) {
            return new Params(counts, flips, trialsPerCount, type, hooked, attackSamples, stopAccuracy, candidates, target,
                    seed);
        }

        /**
         * These parameters with the BFA's settings.
         *
         * @param batch the attacker's batch size
         * @param stop the stop accuracy, or null for chance plus one point
         * @param perLayer candidates per layer
         * @return new parameters
         */
        public Params withBfa(int batch, Double stop, int perLayer) {
            return new Params(counts, flips, trials, faultType, layers, batch, stop, perLayer, target, seed);
        }

        /**
         * These parameters with the trojan's target class.
         *
         * @param t the class
         * @return new parameters
         */
        public Params withTarget(int t) {
            return new Params(counts, flips, trials, faultType, layers, attackSamples, stopAccuracy, candidates, t, seed);
        }

        /**
         * The BFA's stop level for a model of {@code numClasses} classes.
         *
         * @param numClasses K
         * @return {@code stopAccuracy} if set, else 1/K + 0.01
         */
        public double stopAccuracy(int numClasses) {
            return stopAccuracy != null ? stopAccuracy : 1.0 / numClasses + 0.01;
        }
    }

    /**
     * The registered name of {@code name} (case and spaces ignored), or a one-line error.
     *
     * @param name a name as the user gave it
     * @return {@code random}, {@code bfa} or {@code trojan}
     * @throws org.dlsec.core.DlsecException when the name is unknown
     */
    public static String canonical(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        if (!NAMES.contains(n)) {
            throw new DlsecException("unknown fault attack '" + Text.echo(name) + "': expected random, bfa or trojan");
        }
        return n;
    }

    /**
     * The parameter names attack {@code name} reads.
     *
     * @param name a registered name
     * @return the keys, e.g. {@code flips} for the BFA
     */
    public static List<String> keys(String name) {
        return KEYS.get(canonical(name));
    }

    /**
     * The attack {@code name} with parameters {@code p}, validated; {@code numClasses} fixes the BFA's
     * default stop level and bounds the trojan's target.
     *
     * @param name a registered name
     * @param p the parameters
     * @param numClasses K
     * @return the attack
     * @throws org.dlsec.core.DlsecException when the name is unknown or a parameter is out of range
     */
    public static FaultAttack create(String name, Params p, int numClasses) {
        return switch (canonical(name)) {
            case "random" -> new RandomFaultInjection(new RandomFaultInjection.Config(p.faultType(), p.counts(), p.trials(),
                    p.seed(), p.layers()));
            case "bfa" -> new BitFlipAttack(new BitFlipAttack.Config(p.flips(), 1, p.stopAccuracy(numClasses), p.candidates()),
                    p.attackSamples());
            default -> {
                DlsecException.require(p.target() < numClasses, "trojan target",
                        "must be below the model's " + numClasses + " classes, got " + p.target());
                yield new TrojanInsertion(p.target(), TROJAN_CALIBRATION);
            }
        };
    }
}
