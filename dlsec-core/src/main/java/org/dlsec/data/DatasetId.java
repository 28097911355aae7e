package org.dlsec.data;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.dlsec.core.DlsecException;

/** The benchmark datasets dlsec knows by name, with their image shape and class count. */
public enum DatasetId {
    /**
     * MNIST handwritten digits: 1×28×28, 10 classes (bundled).
     */
    MNIST("mnist", 1, 28, 28, 10),
    /**
     * The German Traffic Sign Recognition Benchmark: 3×32×32, 43 classes.
     */
    GTSRB("gtsrb", 3, 32, 32, 43),
    /**
     * Fashion-MNIST clothing images: 1×28×28, 10 classes.
     */
    FASHION_MNIST("fashion-mnist", 1, 28, 28, 10);

    private final String cliName;
    private final int channels;
    private final int height;
    private final int width;
    private final int numClasses;

    DatasetId(String cliName, int channels, int height, int width, int numClasses) {
        this.cliName = cliName;
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.numClasses = numClasses;
    }

    /**
     * The name on the command line.
     *
     * @return e.g. {@code fashion-mnist}
     */
    public String cliName() {
        return cliName;
    }

    /**
     * The images' channel count.
     *
     * @return C
     */
    public int channels() {
        return channels;
    }

    /**
     * The images' height.
     *
     * @return H in pixels
     */
    public int height() {
        return height;
    }

    /**
     * The images' width.
     *
     * @return W in pixels
     */
    public int width() {
        return width;
    }

    /**
     * The number of classes.
     *
     * @return K
     */
    public int numClasses() {
        return numClasses;
    }

    /**
     * The dataset with the command-line name {@code name}.
     *
     * @param name a name as {@link #cliName()} gives it; case and blanks ignored
     * @return the dataset id
     * @throws org.dlsec.core.DlsecException when the name is unknown
     */
    public static DatasetId parse(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        for (DatasetId id : values()) {
            if (id.cliName.equals(n)) {
                return id;
            }
        }
        throw new DlsecException("unknown dataset '" + org.dlsec.core.Text.echo(name) + "': expected one of "
                + Arrays.stream(values()).map(DatasetId::cliName).collect(Collectors.joining(", ")));
    }

    @Override
    public String toString() {
        return cliName;
    }
}
