package org.dlsec.cli;

import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** {@code dlsec poison --attack featurecollision}'s options (Poison Frogs, transfer learning). */
final class FeatureCollisionOptions {
    @Option(names = "--model", description = "featurecollision: the pre-trained feature extractor (a dlsec model directory);"
            + " default: train --arch on the clean training set.")
    Path model;

    @Option(names = "--base-class", defaultValue = "3", description = "featurecollision: the class the poisons look like and"
            + " the targets should be sent to (default: ${DEFAULT-VALUE}).")
    int baseClass;

    @Option(names = "--targets", defaultValue = "5", description = "featurecollision: number of target test images drawn"
            + " with --seed (default: ${DEFAULT-VALUE}).")
    int targets;

    @Option(names = "--target-index", split = ",", description = "featurecollision: test-set indices of the targets"
            + " (instead of --targets).")
    List<Integer> targetIndex;

    @Option(names = "--poisons", defaultValue = "20", description = "featurecollision: poisons per target (default: ${DEFAULT-VALUE}).")
    int poisons;

    @Option(names = "--beta", defaultValue = "25", description = "featurecollision: β0, weight of the similarity to the base,"
            + " scaled by (feature dim / input dim)² (default: ${DEFAULT-VALUE}).")
    double beta;

    @Option(names = "--iterations", defaultValue = "200", description = "featurecollision: forward-backward steps (default:"
            + " ${DEFAULT-VALUE}).")
    int iterations;

    @Option(names = "--step-size", defaultValue = "0.1", description = "featurecollision: initial forward step λ (default:"
            + " ${DEFAULT-VALUE}).")
    double stepSize;

    @Option(names = "--watermark", defaultValue = "0", description = "featurecollision: opacity γ of the target blended into"
            + " the base (default: ${DEFAULT-VALUE}).")
    double watermark;

    @Option(names = "--fine-tune", description = "featurecollision: the victim retrains its final layer on the last N training"
            + " images only (the extractor, when trained here, on the others); default: all of them.")
    Integer fineTune;

    @Option(names = "--head-epochs", defaultValue = "10", description = "featurecollision: epochs of final-layer retraining"
            + " (default: ${DEFAULT-VALUE}).")
    int headEpochs;
}
