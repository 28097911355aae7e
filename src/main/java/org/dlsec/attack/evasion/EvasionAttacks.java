package org.dlsec.attack.evasion;

import java.util.List;
import org.dlsec.core.DlsecException;

/**
 * The registry of evasion attacks by CLI name: turns an {@link AttackSpec} into an attack with
 * that attack's defaults. The one place a new attack is wired into the CLI and the audit.
 */
public final class EvasionAttacks {
    /** Every name the CLI accepts, in the order of the documentation. */
    public static final List<String> NAMES = List.of("fgsm", "bim", "pgd", "mim", "cw", "deepfool", "jsma", "uap", "apgd",
            "square", "zoo", "hsj", "boundary", "onepixel", "ensemble");

    private EvasionAttacks() {}

    private static void requireUntargeted(AttackSpec s) {
        DlsecException.require(!s.targeted(), "targeted", s.name() + " is an untargeted attack");
    }

    public static EvasionAttack create(AttackSpec s) {
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
                    throw new DlsecException("attack '" + s.name() + "' is not available in this build");
                }
                throw new DlsecException("unknown attack '" + s.name() + "': expected one of " + String.join(", ", NAMES));
            }
        };
    }
}
