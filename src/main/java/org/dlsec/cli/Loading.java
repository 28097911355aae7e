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

    /** The parsed {@code --defence} and {@code --gradients} options; bad values fail here, before any loading. */
    record Defence(org.dlsec.defence.preprocess.Preprocessors.Spec spec, boolean adaptive) {
        static Defence parse(String spec, String gradients) {
            String g = gradients == null ? "adaptive" : gradients.trim().toLowerCase(java.util.Locale.ROOT);
            if (!g.equals("adaptive") && !g.equals("naive")) {
                throw new DlsecException("unknown --gradients '" + gradients + "': expected adaptive or naive");
            }
            return new Defence(spec == null ? null : org.dlsec.defence.preprocess.Preprocessors.parse(spec), g.equals("adaptive"));
        }

        /** The model behind the transformation (or the model itself without one); the wrapper does not close it. */
        Classifier wrap(Classifier model, long seed) {
            return spec == null ? model : spec.wrap(model, adaptive, seed);
        }
    }
}
