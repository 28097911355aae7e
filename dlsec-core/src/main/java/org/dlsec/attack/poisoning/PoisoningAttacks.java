package org.dlsec.attack.poisoning;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Text;

/**
 * The poisoning registry: a name and a {@link Params} record give a {@link PoisoningAttack}. {@code dlsec
 * poison} and the audit's {@code poisoning:} entries both build their attacks here, so they accept the
 * same names, the same parameters (the audit's keys are the parameter names below, the command's
 * options the same names in kebab case) and the same validation.
 */
public final class PoisoningAttacks {
    /** The registered attacks (clean-label feature collision runs its own experiment, {@link FeatureCollisionExperiment}). */
    public static final List<String> NAMES = List.of("labelflip", "badnets", "badnets-all", "blend", "noise", "stealthy");

    private static final Map<String, List<String>> KEYS = Map.of(
            "labelflip", List.of("rate"),
            "noise", List.of("rate", "sigma"),
            "badnets", List.of("rate", "target", "triggerSize", "alpha"),
            "badnets-all", List.of("rate", "triggerSize", "alpha"),
            "blend", List.of("rate", "target", "alpha", "blendPattern", "blendSize"),
            "stealthy", List.of("rate", "target", "pixels", "amplitude"));

    private PoisoningAttacks() {}

    /**
     * Every parameter a poisoning attack may take; each attack reads the ones {@link #keys} lists.
     *
     * @param rate share of the training set poisoned, in (0, 1) (stealthy: at most 0.05)
     * @param target the class a trigger forces (badnets, blend, stealthy)
     * @param triggerSize side of the corner patch (badnets, badnets-all), 1..16
     * @param alpha weight of the trigger in (0, 1]; null gives the attack's default (1 for the BadNets
     *        patch, 0.3 for the blended key of Chen et al.)
     * @param blendPattern blend: {@code noise} (Chen et al.'s full-image key drawn from the seed) or
     *        {@code square} (a square of side {@code blendSize} in the corner)
     * @param blendSize blend: side of the square
     * @param sigma noise: standard deviation of the Gaussian noise
     * @param pixels stealthy: dots in the sparse trigger
     * @param amplitude stealthy: brightness added at each dot
     * @param seed draws the poisoned samples and any random trigger
     */
    public record Params(double rate, int target, int triggerSize, Double alpha, String blendPattern, int blendSize,
            double sigma, int pixels, float amplitude, long seed) {
        /**
         * The defaults of {@code dlsec poison} with the given rate and seed.
         *
         * @param rate the poisoned share, in (0, 1)
         * @param seed the draw's seed
         * @return parameters: target 0, a 3×3 patch, the noise key of side 12, σ = 0.5, 25 dots of +1
         */
        public static Params defaults(double rate, long seed) {
            return new Params(rate, 0, 3, null, "noise", 12, 0.5, 25, 1f, seed);
        }

        /**
         * These parameters with the trigger's target class.
         *
         * @param t the class
         * @return new parameters
         */
        public Params withTarget(int t) {
            return new Params(rate, t, triggerSize, alpha, blendPattern, blendSize, sigma, pixels, amplitude, seed);
        }

        /**
         * These parameters with the patch's side and weight.
         *
         * @param size the side, 1 to 16
         * @param a the weight in (0, 1], or null for the attack's default
         * @return new parameters
         */
        public Params withTrigger(int size, Double a) {
            return new Params(rate, target, size, a, blendPattern, blendSize, sigma, pixels, amplitude, seed);
        }

        /**
         * These parameters with the blended key.
         *
         * @param pattern {@code noise} or {@code square}
         * @param size the square's side
         * @return new parameters
         */
        public Params withBlend(String pattern, int size) {
            return new Params(rate, target, triggerSize, alpha, pattern, size, sigma, pixels, amplitude, seed);
        }

        /**
         * These parameters with the noise's standard deviation.
         *
         * @param s σ, positive
         * @return new parameters
         */
        public Params withSigma(double s) {
            return new Params(rate, target, triggerSize, alpha, blendPattern, blendSize, s, pixels, amplitude, seed);
        }

        /**
         * These parameters with the sparse trigger.
         *
         * @param dots the number of dots
         * @param amp the brightness added at each dot, in (0, 1]
         * @return new parameters
         */
        public Params withSparse(int dots, float amp) {
            return new Params(rate, target, triggerSize, alpha, blendPattern, blendSize, sigma, dots, amp, seed);
        }

        double alphaOr(double fallback) {
            return alpha == null ? fallback : alpha;
        }
    }

    /**
     * The registered name of {@code name} (trimmed, lower case), or a one-line error listing the names.
     *
     * @param name a name as the user gave it
     * @return the registered name
     * @throws org.dlsec.core.DlsecException when the name is unknown
     */
    public static String canonical(String name) {
        String kind = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        if (!NAMES.contains(kind)) {
            throw new DlsecException("unknown poisoning attack '" + Text.echo(String.valueOf(name)) + "': expected one of "
                    + String.join(", ", NAMES));
        }
        return kind;
    }

    /**
     * The parameters attack {@code name} reads (the audit refuses the others).
     *
     * @param name a registered name
     * @return the keys, e.g. {@code rate} and {@code target}
     */
    public static List<String> keys(String name) {
        return KEYS.get(canonical(name));
    }

    /**
     * A validated attack.
     *
     * @param name a registered name
     * @param p the parameters
     * @return the attack
     * @throws org.dlsec.core.DlsecException when the name is unknown or a parameter is out of range
     */
    public static PoisoningAttack create(String name, Params p) {
        String kind = canonical(name);
        DlsecException.require(p.rate() > 0 && p.rate() < 1, "rate", "must be in (0, 1), got " + p.rate());
        return switch (kind) {
            case "labelflip" -> new LabelFlipping(p.rate(), p.seed());
            case "noise" -> {
                DlsecException.require(p.sigma() > 0 && p.sigma() <= 10, "sigma", "must be in (0, 10], got " + p.sigma());
                yield new NoisePoisoning(p.rate(), p.sigma(), p.seed());
            }
            case "badnets" -> new Backdoor(kind, new Trigger(p.triggerSize(), 1f, p.alphaOr(1.0)), p.target(), p.rate(),
                    p.seed());
            case "badnets-all" -> new AllToAllBackdoor(new Trigger(p.triggerSize(), 1f, p.alphaOr(1.0)), p.rate(), p.seed());
            case "blend" -> new Backdoor(kind, blendTrigger(p), p.target(), p.rate(), p.seed());
            default -> new StealthyAttack(p.target(), p.rate(), new SparseTrigger(p.pixels(), p.amplitude(), p.seed()),
                    p.seed());
        };
    }

    private static TriggerPattern blendTrigger(Params p) {
        String pattern = p.blendPattern() == null ? "noise" : p.blendPattern().trim().toLowerCase(Locale.ROOT);
        return switch (pattern) {
            case "noise" -> new BlendedTrigger(p.alphaOr(0.3), p.seed());
            case "square" -> new Trigger(p.blendSize(), 1f, p.alphaOr(0.3));
            default -> throw new DlsecException("unknown blend pattern '" + Text.echo(p.blendPattern())
                    + "': expected noise or square");
        };
    }

    /**
     * What every run records of an attack: its name, rate and own parameters.
     *
     * @param a the attack
     * @return a new mutable map, ready for the JSON mapper
     */
    public static Map<String, Object> describe(PoisoningAttack a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("attack", a.name());
        m.put("rate", a.rate());
        m.putAll(a.parameters());
        return m;
    }
}
