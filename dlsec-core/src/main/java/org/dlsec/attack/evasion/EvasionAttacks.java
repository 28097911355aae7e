package org.dlsec.attack.evasion;

import java.util.List;
import java.util.Map;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Text;

/**
 * The registry of evasion attacks by CLI name: turns an {@link AttackSpec} into an attack with
 * that attack's defaults. The one place a new attack is wired into the CLI and the audit.
 */
public final class EvasionAttacks {
    /** Every name the CLI accepts, in the order of the documentation. */
    public static final List<String> NAMES = List.of("fgsm", "bim", "pgd", "mim", "cw", "deepfool", "jsma", "uap", "apgd",
            "square", "zoo", "hsj", "boundary", "onepixel", "ensemble");

    /**
     * The attack-specific parameters ({@code --param key=value} on the CLI, {@code params:} in an audit
     * configuration) each attack reads; any other name is refused, so that a typo such as
     * {@code confidance} is not silently ignored. The attacks built by their own {@code fromSpec}
     * declare theirs next to it.
     */
    public static final Map<String, List<String>> PARAMS = Map.ofEntries(
            Map.entry("fgsm", List.of()),
            Map.entry("bim", List.of()),
            Map.entry("pgd", List.of()),
            Map.entry("mim", List.of("decay")),
            Map.entry("cw", List.of("confidence", "c", "binary-steps", "abort-early")),
            Map.entry("deepfool", List.of("overshoot", "candidates")),
            Map.entry("jsma", List.of("gamma", "saliency")),
            Map.entry("uap", List.of("overshoot", "deepfool-steps", "candidates", "delta", "passes", "fit")),
            Map.entry("apgd", List.of()),
            Map.entry("square", Square.PARAMS),
            Map.entry("zoo", Zoo.PARAMS),
            Map.entry("hsj", HopSkipJump.PARAMS),
            Map.entry("boundary", Boundary.PARAMS),
            Map.entry("onepixel", OnePixel.PARAMS),
            Map.entry("ensemble", List.of("p")));

    private EvasionAttacks() {}

    /**
     * Refuses a parameter name that {@code s}'s attack does not read (see {@link #PARAMS}), naming the
     * closest known one when there is a likely typo.
     *
     * @param s the spec to check; an unknown attack name passes (it is reported by {@link #create})
     * @throws org.dlsec.core.DlsecException when an {@code extra} option is not one the attack reads
     */
    public static void checkParams(AttackSpec s) {
        List<String> known = PARAMS.get(s.name());
        if (known == null) {
            return; // an unknown attack name is reported by create()
        }
        for (String key : s.extra().keySet()) {
            if (!known.contains(key)) {
                String close = known.stream().filter(k -> distance(k, key) <= 2).findFirst().orElse(null);
                throw new DlsecException("unknown parameter '" + Text.echo(key) + "' for attack " + s.name()
                        + (close != null ? " (did you mean '" + close + "'?)" : "")
                        + (known.isEmpty() ? "; it takes no --param options" : "; its parameters are " + String.join(", ", known)));
            }
        }
    }

    /** Levenshtein distance, for typo hints on short names. */
    private static int distance(String a, String b) {
        if (Math.abs(a.length() - b.length()) > 2 || b.length() > 64) {
            return 3;
        }
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    private static void requireUntargeted(AttackSpec s) {
        DlsecException.require(!s.targeted(), "targeted", s.name() + " is an untargeted attack");
    }

    /**
     * Builds the attack {@code s} names, with the spec's options and the attack's published defaults
     * for what it leaves out (e.g. 40 steps for {@code pgd}, 10 for {@code bim}).
     *
     * @param s the attack's name and options
     * @return the attack, immutable and thread-safe to share
     * @throws org.dlsec.core.DlsecException when the name is unknown, an option is unknown or invalid, or the attack
     *         does not support the norm or targeted mode asked for
     */
    public static EvasionAttack create(AttackSpec s) {
        checkParams(s);
        return switch (s.name()) {
            case "fgsm" -> Pgd.fgsm(s.norm(), s.epsilon(), s.targeted(), s.seed());
            case "bim" -> Pgd.bim(s.norm(), s.epsilon(), s.stepsOr(10), s.stepSize(), s.targeted(), s.seed());
            case "pgd" -> Pgd.pgd(s.norm(), s.epsilon(), s.stepsOr(40), s.stepSize(), s.restartsOr(1), s.targeted(), s.seed());
            case "mim" -> new MomentumIterative(new MomentumIterative.Params(s.norm(), s.epsilon(), s.stepsOr(10), s.stepSize(),
                    s.extraDouble("decay", 1.0), s.targeted(), s.seed()));
            case "apgd" -> new AutoPgd(new AutoPgd.Params(s.norm(), s.epsilon(), s.stepsOr(100), s.restartsOr(1), s.targeted(),
                    s.seed()));
            case "cw" -> new CarliniWagnerL2(new CarliniWagnerL2.Params(s.extraDouble("confidence", 0), s.extraDouble("c", 0.01),
                    s.extraInt("binary-steps", 9), s.stepsOr(200), s.stepSize() == null ? 0.05 : s.stepSize(),
                    !"false".equalsIgnoreCase(s.extraString("abort-early", "true")), s.targeted(), s.seed()));
            case "deepfool" -> {
                requireUntargeted(s);
                yield new DeepFool(new DeepFool.Params(s.extraDouble("overshoot", 0.02), s.stepsOr(50), s.extraInt("candidates", 10),
                        s.seed()));
            }
            case "jsma" -> new Jsma(new Jsma.Params(s.extraDouble("gamma", 0.145), switch (s.extraString("saliency", "probabilities")) {
                case "logits" -> false;
                case "probabilities" -> true;
                default -> throw new DlsecException("invalid --param saliency: expected logits or probabilities, got "
                        + s.extraString("saliency", ""));
            }, s.seed()));
            case "uap" -> {
                requireUntargeted(s);
                DeepFool.Params df = new DeepFool.Params(s.extraDouble("overshoot", 0.02), s.extraInt("deepfool-steps", 50),
                        s.extraInt("candidates", 10), s.seed());
                yield UniversalAttack.unfitted(new UniversalPerturbation.Params(s.norm(), s.epsilon(), s.extraDouble("delta", 0.2),
                        s.extraInt("passes", 5), df, s.seed()), s.extraInt("fit", 1000));
            }
            case "square" -> Square.fromSpec(s);
            case "zoo" -> Zoo.fromSpec(s);
            case "hsj" -> HopSkipJump.fromSpec(s);
            case "boundary" -> Boundary.fromSpec(s);
            case "onepixel" -> OnePixel.fromSpec(s);
            case "ensemble" -> // AutoAttack-style: APGD-CE, then Square on what is left
                new EnsembleAttack(List.of(
                        new AutoPgd(new AutoPgd.Params(s.norm(), s.epsilon(), s.stepsOr(100), s.restartsOr(1), s.targeted(), s.seed())),
                        new Square(new Square.Params(s.norm(), s.epsilon(), s.maxQueriesOr(5_000),
                                s.extraDouble("p", s.norm() == Norm.L2 ? 0.1 : 0.05), s.targeted(), s.seed()))));
            default -> {
                if (NAMES.contains(s.name())) {
                    throw new DlsecException("attack '" + org.dlsec.core.Text.echo(s.name()) + "' is not available in this build");
                }
                throw new DlsecException("unknown attack '" + org.dlsec.core.Text.echo(s.name()) + "': expected one of " + String.join(", ", NAMES));
            }
        };
    }
}
