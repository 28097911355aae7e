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
}
