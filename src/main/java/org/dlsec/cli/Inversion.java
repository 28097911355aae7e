package org.dlsec.cli;

import java.nio.file.Path;
import java.util.Map;
import org.dlsec.core.DlsecException;
import org.dlsec.data.Dataset;

/** The inversion branch of {@code dlsec privacy}. */
final class Inversion {
    private Inversion() {}

    static int run(Path model, Dataset data, Map<String, String> params, long seed, Path json, Path images) {
        throw new DlsecException("inversion is not available yet");
    }
}
