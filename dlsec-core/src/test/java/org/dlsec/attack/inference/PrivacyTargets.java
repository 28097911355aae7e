package org.dlsec.attack.inference;

import java.util.Map;
import org.dlsec.TestSupport;
import org.dlsec.data.Dataset;
import org.dlsec.model.Architecture;
import org.dlsec.model.DjlClassifier;
import org.dlsec.model.Models;
import org.dlsec.train.ModelTrainer;
import org.dlsec.train.TrainConfig;

/** Targets for the privacy tests, trained once per test JVM. */
final class PrivacyTargets {
    static final int TRAIN = 500;
    static final TrainConfig OVERFIT = new TrainConfig(20, 32, "adam", 2e-3, 11, "cosine");
    private static DjlClassifier overfitted;

    private PrivacyTargets() {}

    /** The first 60,000 MNIST training images (the split the targets' indices refer to). */
    static Dataset trainSplit() {
        return TestSupport.mnistTrain(60_000);
    }

    /** LeNet-5 trained 20 epochs on the first 500 MNIST training images: about 100% train accuracy. */
    static synchronized DjlClassifier overfitted() {
        if (overfitted == null) {
            Dataset train = TestSupport.mnistTrain(TRAIN);
            DjlClassifier m = Models.create(Architecture.LENET5, train.sampleShape(), 10, 11);
            new ModelTrainer(OVERFIT).train(m, train, null, null, Map.of());
            overfitted = m;
        }
        return overfitted;
    }

    static int[] firstIndices(int n) {
        int[] idx = new int[n];
        java.util.Arrays.setAll(idx, i -> i);
        return idx;
    }
}
