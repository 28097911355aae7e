package org.dlsec.cli;

import java.nio.file.Path;
import java.util.Optional;
import org.dlsec.data.DataSource;
import org.dlsec.data.Dataset;
import org.dlsec.data.SourceOptions;
import picocli.CommandLine.Option;

/** The options of a dataset read from files: CSV label column, NumPy array names, image resizing, input bounds. */
public final class SourceFlags {
    /** The help text of every {@code --dataset} option. */
    static final String DATASET_HELP = "mnist, gtsrb or fashion-mnist, or a path: an image folder (one sub-folder per"
            + " class), a .csv, a .npz, an .npy pair, an IDX pair folder, or a folder holding train/ and test/"
            + " (see docs/data-formats.md).";

    @Option(names = "--label-column", description = "CSV label column: a header name (or a 0-based number without a"
            + " header); default 'label' if present, else the last column.")
    String labelColumn;

    @Option(names = "--npz-keys", defaultValue = "x,y", description = "Names of the samples and labels arrays in a"
            + " .npz (or of the .npy pair) (default: ${DEFAULT-VALUE}).")
    String npzKeys;

    @Option(names = "--resize", description = "Resize images bilinearly to HxW, e.g. 32x32 (else all images must have"
            + " one size).")
    String resize;

    @Option(names = "--bounds", description = "Input bounds: lo,hi, or data (per-feature min/max of the training"
            + " split). Default: [0,1] for images, data for feature vectors.")
    String bounds;

    /** The options for {@code split}; bad values fail here, before any file is opened. */
    public SourceOptions options(String split, Path dataDir) {
        String[] keys = SourceOptions.parseKeys(npzKeys == null ? "x,y" : npzKeys);
        int[] hw = resize == null ? new int[] {0, 0} : SourceOptions.parseResize(resize);
        return new SourceOptions(split, Optional.ofNullable(dataDir), labelColumn, keys[0], keys[1], hw[0], hw[1],
                bounds);
    }

    /** Opens {@code dataset} (a built-in name or a path) at {@code split}. */
    public Dataset open(String dataset, String split, Path dataDir) {
        return DataSource.open(dataset, options(split, dataDir));
    }
}
