package org.dlsec.data;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.dlsec.core.DlsecException;

/** The benchmark datasets dlsec knows by name, with their image shape and class count. */
public enum DatasetId {
    MNIST("mnist", 1, 28, 28, 10),
    GTSRB("gtsrb", 3, 32, 32, 43),
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

    public String cliName() {
        return cliName;
    }

    public int channels() {
        return channels;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    public int numClasses() {
        return numClasses;
    }

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
