package org.dlsec.cli;

import java.nio.file.Path;
import java.util.Optional;
import org.dlsec.core.DlsecException;
import org.dlsec.data.Dataset;
import org.dlsec.data.DatasetId;
import org.dlsec.data.Datasets;
import picocli.CommandLine.Option;

/** The dataset options shared by commands: name, split, limit, data directory. */
public final class DataOptions {
    @Option(names = "--dataset", required = true, description = "mnist, gtsrb or fashion-mnist.")
    String dataset;

    @Option(names = "--split", defaultValue = "test", description = "test or train (default: ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--limit", description = "Use only the first N samples.")
    Integer limit;

    @Option(names = "--data-dir", description = "Folder holding mnist/, gtsrb/, fashion-mnist/ (default: $DLSEC_DATA;"
            + " MNIST is bundled).")
    Path dataDir;

    public DatasetId id() {
        return DatasetId.parse(dataset);
    }

    public Dataset load() {
        return load(split);
    }

    public Dataset load(String whichSplit) {
        if (limit != null && limit <= 0) {
            throw new DlsecException("invalid --limit: must be positive, got " + limit);
        }
        Dataset d = Datasets.load(id(), whichSplit, Optional.ofNullable(dataDir));
        return limit == null ? d : d.first(limit);
    }

    public Optional<Path> dataDir() {
        return Optional.ofNullable(dataDir);
    }
}
