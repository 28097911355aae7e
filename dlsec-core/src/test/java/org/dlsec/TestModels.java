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
    private static DjlClassifier substitute;

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

    /** A second LeNet-5, other seed, trained on other images (10,000..19,999): a substitute model. */
    public static synchronized DjlClassifier mnistSubstitute() {
        if (substitute == null) {
            Dataset train = TestSupport.mnistTrain(20_000);
            int[] idx = new int[10_000];
            java.util.Arrays.setAll(idx, i -> 10_000 + i);
            Dataset part = train.subset(idx, "images 10000..19999");
            DjlClassifier m = Models.create(Architecture.LENET5, part.sampleShape(), 10, 77);
            new ModelTrainer(new TrainConfig(2, 64, "adam", 2e-3, 77, "cosine")).train(m, part, null, null, Map.of());
            substitute = m;
        }
        return substitute;
    }
}
