package org.dlsec.cli;

import java.nio.file.Path;
import java.util.Optional;
import org.dlsec.core.DlsecException;
import org.dlsec.data.Dataset;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The dataset options shared by commands: name or path, split, limit, data directory, format options. */
public final class DataOptions {
    @Option(names = "--dataset", required = true, description = SourceFlags.DATASET_HELP)
    String dataset;

    @Option(names = "--split", defaultValue = "test", description = "test or train (default: ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--limit", description = "Use only the first N samples.")
    Integer limit;

    @Option(names = "--data-dir", description = "Folder holding mnist/, gtsrb/, fashion-mnist/ (default: $DLSEC_DATA;"
            + " MNIST is bundled).")
    Path dataDir;

    @Mixin
    SourceFlags source = new SourceFlags();

    public Dataset load() {
        return load(split);
    }

    /** The split {@code whichSplit}, cut to {@code --limit}. */
    public Dataset load(String whichSplit) {
        if (limit != null && limit <= 0) {
            throw new DlsecException("invalid --limit: must be positive, got " + limit);
        }
        Dataset d = loadAll(whichSplit);
        return limit == null ? d : d.first(limit);
    }

    /** The whole split {@code whichSplit} (no --limit). */
    public Dataset loadAll(String whichSplit) {
        return source.open(dataset, whichSplit, dataDir);
    }

    public Optional<Path> dataDir() {
        return Optional.ofNullable(dataDir);
    }
}
