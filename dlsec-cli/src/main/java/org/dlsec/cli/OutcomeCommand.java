package org.dlsec.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Option;

/**
 * A command that runs one experiment and writes its outcome: the options every such command shares, declared once
 * (picocli inherits them). The JSON is one format for every command, {@code org.dlsec.experiment.CommandOutput}.
 */
abstract class OutcomeCommand implements Callable<Integer> {
    @Option(names = "--json", paramLabel = "FILE", description = "Write the outcome as JSON to this file (one format for"
            + " every command: docs/report.md, \"Command output\").")
    Path json;

    @Option(names = "--quiet", description = "No progress bars.")
    boolean quiet;

    /** A command whose experiment draws random numbers: it also takes {@code --seed}. */
    abstract static class Seeded extends OutcomeCommand {
        @Option(names = "--seed", defaultValue = "0", description = "Seed of every random choice: the same seed gives the"
                + " same bits (default: ${DEFAULT-VALUE}).")
        long seed;
    }
}
