package org.dlsec;

import java.util.Map;
import org.dlsec.data.Dataset;
import org.dlsec.model.Architecture;
import org.dlsec.model.DjlClassifier;
import org.dlsec.model.Models;
import org.dlsec.train.ModelTrainer;
import org.dlsec.train.TrainConfig;

/**
 * Small trained models shared by the tests of one JVM: trained once, with fixed seeds, on MNIST
 * subsets, in a few seconds. Never closed (they live as long as the test JVM).
 */
public final class TestModels {
    private static DjlClassifier lenet;

    private TestModels() {}

    /** LeNet-5 trained 2 epochs on the first 10,000 MNIST training images (about 97% test accuracy). */
    public static synchronized DjlClassifier mnistLenet() {
        if (lenet == null) {
            Dataset train = TestSupport.mnistTrain(10_000);
            DjlClassifier m = Models.create(Architecture.LENET5, train.sampleShape(), 10, 1234);
            new ModelTrainer(new TrainConfig(2, 64, "adam", 2e-3, 1234, "cosine")).train(m, train, null, null, Map.of());
            lenet = m;
        }
        return lenet;
    }
}
