package org.dlsec.cli;

import java.nio.file.Path;
import org.dlsec.core.DlsecException;
import org.dlsec.data.Dataset;
import org.dlsec.model.Classifier;
import org.dlsec.model.Models;

/** Loads a model for a dataset and checks that the two fit together. */
final class Loading {
    private Loading() {}

    static Classifier model(Path path, Dataset data) {
        Classifier c = Models.load(path, data.sampleShape());
        if (c.numClasses() != data.numClasses()) {
            int k = c.numClasses();
            c.close();
            throw new DlsecException("the model has " + k + " outputs but " + data.name() + " has "
                    + data.numClasses() + " classes");
        }
        return c;
    }

    /**
     * The model behind the input transformation {@code spec} (null: the model itself), with
     * adaptive (BPDA/EOT) or naive gradients; the wrapper does not close the model.
     */
    static Classifier defended(Classifier model, String spec, String gradients, long seed) {
        String g = gradients == null ? "adaptive" : gradients.trim().toLowerCase(java.util.Locale.ROOT);
        if (!g.equals("adaptive") && !g.equals("naive")) {
            throw new DlsecException("unknown --gradients '" + gradients + "': expected adaptive or naive");
        }
        if (spec == null) {
            return model;
        }
        return org.dlsec.defence.preprocess.Preprocessors.parse(spec).wrap(model, g.equals("adaptive"), seed);
    }
}
