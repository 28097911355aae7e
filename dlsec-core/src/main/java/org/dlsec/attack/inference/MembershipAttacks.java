package org.dlsec.attack.inference;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.dlsec.core.DlsecException;
import org.dlsec.model.ModelCard;

/** Builds a privacy attack from its CLI name and options. */
public final class MembershipAttacks {
    /**
     * The membership attacks' names, for messages.
     */
    public static final String NAMES = "loss, confidence, entropy, shadow, lira, lira-offline, labelonly";

    private MembershipAttacks() {}

    /** The options shadow and reference models take (any membership attack accepts and ignores them where unused). */
    private static final List<String> SHADOW_PARAMS = List.of("arch", "epochs", "batchSize", "lr", "optimizer", "schedule");

    /**
     * The {@code --param} names {@link #create} accepts for {@code name} (a membership attack), so that
     * an audit configuration can refuse a typo before any attack runs.
     *
     * @param name a membership attack's name
     * @return the attack's own option names followed by the shadow-training overrides (an unknown name gets the
     *         overrides only)
     */
    public static List<String> paramNames(String name) {
        List<String> own = switch (name == null ? "" : name.toLowerCase(Locale.ROOT)) {
            case "lira", "lira-offline" -> List.of("globalVariance");
            case "labelonly" -> List.of("radius", "noiseSamples", "sigma");
            default -> List.of();
        };
        List<String> all = new java.util.ArrayList<>(own);
        all.addAll(SHADOW_PARAMS);
        return List.copyOf(all);
    }

    /**
     * @param name the attack's name
     * @param shadows shadow / reference models (attacks that train them)
     * @param card the target's model card (how shadow models are trained), or null
     * @param params attack-specific key=value options
     * @param seed seed of every random choice
     * @return the attack
     * @throws org.dlsec.core.DlsecException when the name or an option is unknown or out of range
     */
    public static MembershipAttack create(String name, int shadows, ModelCard card, Map<String, String> params, long seed) {
        return create(name, shadows, card, params, seed, ShadowTrainer.LOCAL);
    }

    /**
     * As above, shadow / reference models (shadow, lira, lira-offline) trained by {@code trainer}.
     *
     * @param name the attack's name
     * @param shadows shadow / reference models
     * @param card the target's model card, or null
     * @param params attack-specific options
     * @param seed seed of every random choice
     * @param trainer trains the shadow / reference models
     * @return the attack
     * @throws org.dlsec.core.DlsecException when the name or an option is unknown or out of range
     */
    public static MembershipAttack create(String name, int shadows, ModelCard card, Map<String, String> params, long seed,
            ShadowTrainer trainer) {
        String n = name == null ? "" : name.toLowerCase(Locale.ROOT);
        Map<String, String> p = new LinkedHashMap<>(params);
        MembershipAttack a = switch (n) {
            case "loss" -> new LossThreshold();
            case "confidence" -> new SalemThreshold(SalemThreshold.Statistic.CONFIDENCE);
            case "entropy" -> new SalemThreshold(SalemThreshold.Statistic.ENTROPY);
            case "lira", "lira-offline" -> {
                String gv = p.remove("globalVariance");
                boolean global = gv == null ? shadows < 64 : Boolean.parseBoolean(gv);
                yield new Lira(ShadowSpec.fromCard(card, shadows, p, seed), n.equals("lira"), global, seed, trainer);
            }
            case "shadow" -> new ShadowAttack(ShadowSpec.fromCard(card, shadows, p, seed), seed, trainer);
            case "labelonly" -> {
                int radius = (int) ShadowSpec.parse(p.getOrDefault("radius", "2"), "radius");
                int noise = (int) ShadowSpec.parse(p.getOrDefault("noiseSamples", "0"), "noiseSamples");
                double sigma = ShadowSpec.parse(p.getOrDefault("sigma", "0.1"), "sigma");
                p.remove("radius");
                p.remove("noiseSamples");
                p.remove("sigma");
                yield new LabelOnly(radius, noise, sigma, seed);
            }
            default -> throw new DlsecException("unknown privacy attack '" + org.dlsec.core.Text.echo(name) + "': expected one of " + NAMES
                    + ", inversion");
        };
        p.keySet().removeAll(java.util.Set.of("arch", "epochs", "batchSize", "lr", "optimizer", "schedule"));
        if (!p.isEmpty() && !(a instanceof Lira || a instanceof ShadowAttack)) {
            throw new DlsecException("unknown --param option(s) " + p.keySet() + " for attack '" + org.dlsec.core.Text.echo(n) + "'");
        }
        return a;
    }

    /**
     * MI-Face with options {@code steps}, {@code stepSize}, {@code smoothing}, {@code patience},
     * {@code tolerance}, {@code targetCost}, {@code normalise} (1 or 0) over its defaults.
     *
     * @param params the options, possibly empty
     * @return the attack
     * @throws org.dlsec.core.DlsecException when an option is unknown or out of range
     */
    public static MiFace inversion(Map<String, String> params) {
        Map<String, String> p = new LinkedHashMap<>(params);
        MiFace d = MiFace.defaults();
        Map<String, Object> dp = d.parameters();
        MiFace m = new MiFace((int) num(p, "steps", dp), num(p, "stepSize", dp), num(p, "smoothing", dp),
                (int) num(p, "patience", dp), num(p, "tolerance", dp), num(p, "targetCost", dp), flag(p, "normalise", dp));
        if (!p.isEmpty()) {
            throw new DlsecException("unknown --param option(s) " + p.keySet() + " for inversion (known: " + dp.keySet() + ")");
        }
        return m;
    }

    private static boolean flag(Map<String, String> p, String key, Map<String, Object> defaults) {
        double v = num(p, key, defaults);
        DlsecException.require(v == 0 || v == 1, key, "must be 0 or 1, got " + v);
        return v == 1;
    }

    private static double num(Map<String, String> p, String key, Map<String, Object> defaults) {
        String v = p.remove(key);
        return v == null ? ((Number) defaults.get(key)).doubleValue() : ShadowSpec.parse(v, key);
    }
}
