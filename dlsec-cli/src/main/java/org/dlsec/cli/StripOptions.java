package org.dlsec.cli;

import java.util.Locale;
import org.dlsec.defence.detection.Strip;
import picocli.CommandLine.Option;

/** STRIP's options, shared by {@code dlsec poison --detect strip} and {@code dlsec scan --detect strip}. */
final class StripOptions {
    @Option(names = "--overlays", defaultValue = "100", description = "strip: clean images superimposed on each input, N"
            + " (default: ${DEFAULT-VALUE}).")
    int overlays;

    @Option(names = "--frr", defaultValue = "0.05", description = "strip: target false rejection rate of the threshold"
            + " (default: ${DEFAULT-VALUE}).")
    double frr;

    @Option(names = "--strip-rule", defaultValue = "percentile", description = "strip: threshold from the clean entropies,"
            + " percentile (their FRR-quantile) or normal (the paper's normal fit) (default: ${DEFAULT-VALUE}).")
    String stripRule;

    /** The detector these options describe; bad values fail here. */
    Strip create(long seed) {
        return new Strip(overlays, frr, Strip.ThresholdRule.parse(stripRule), 1, 1, seed);
    }
}
