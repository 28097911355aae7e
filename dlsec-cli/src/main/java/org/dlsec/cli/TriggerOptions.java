package org.dlsec.cli;

import org.dlsec.attack.poisoning.PoisoningAttacks;
import picocli.CommandLine.Option;

/** The poisoning attacks' own options ({@link PoisoningAttacks.Params}), as {@code dlsec poison} takes them. */
final class TriggerOptions {
    @Option(names = "--trigger-size", defaultValue = "3", description = "badnets, badnets-all: side of the corner trigger"
            + " patch (default: ${DEFAULT-VALUE}).")
    int triggerSize;

    @Option(names = "--alpha", description = "Blending weight of the trigger in (0, 1] (default: 1 for badnets and"
            + " badnets-all, 0.3 for blend).")
    Double alpha;

    @Option(names = "--blend-pattern", defaultValue = "noise", description = "blend: noise (Chen et al.'s full-image random"
            + " key pattern, drawn from --seed) or square (a white square of --blend-size in the corner) (default:"
            + " ${DEFAULT-VALUE}).")
    String blendPattern;

    @Option(names = "--blend-size", defaultValue = "12", description = "blend: side of the blended square (default: ${DEFAULT-VALUE}).")
    int blendSize;

    @Option(names = "--sigma", defaultValue = "0.5", description = "noise: standard deviation of the noise (default: ${DEFAULT-VALUE}).")
    double sigma;

    @Option(names = "--pixels", defaultValue = "25", description = "stealthy: dots in the sparse trigger (default: ${DEFAULT-VALUE}).")
    int pixels;

    @Option(names = "--amplitude", defaultValue = "1.0", description = "stealthy: brightness added at each dot, L∞ of the"
            + " trigger (default: ${DEFAULT-VALUE}).")
    float amplitude;

    /** The registry's parameters with these options. */
    PoisoningAttacks.Params params(double rate, int target, long seed) {
        return PoisoningAttacks.Params.defaults(rate, seed).withTarget(target).withTrigger(triggerSize, alpha)
                .withBlend(blendPattern, blendSize).withSigma(sigma).withSparse(pixels, amplitude);
    }
}
