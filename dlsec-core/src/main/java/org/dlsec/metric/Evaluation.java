package org.dlsec.metric;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.dlsec.core.Progress;
import org.dlsec.data.Dataset;
import org.dlsec.model.Classifier;
import org.dlsec.model.Engines;

/** Clean accuracy and predictions of a classifier over a dataset, batch by batch. */
public final class Evaluation {
    /**
     * Samples per batch when none is given.
     */
    public static final int DEFAULT_BATCH = 500;

    private Evaluation() {}

    /** Accuracy, predictions, and the queries and time it took. */
    public record Result(double accuracy, int correct, int samples, int[] predictions, long queries, double seconds) {}

    /**
     * Predicts every sample of {@code data} and counts the correct ones. Each batch's native memory is
     * freed before the next; the model's query counters grow by {@code data.size()}.
     *
     * @param model the classifier; not closed
     * @param data the samples and their labels
     * @param batchSize samples per prediction, at least 1
     * @param progress whether to show a progress bar on stderr
     * @return the accuracy, the predictions and the cost
     * @throws org.dlsec.core.DlsecException when the data does not fit the model
     */
    public static Result evaluate(Classifier model, Dataset data, int batchSize, boolean progress) {
        long start = System.nanoTime();
        long q0 = model.stats().queries();
        int[] pred = new int[data.size()];
        int correct = 0;
        try (NDManager root = Engines.newManager();
                Progress bar = progress ? Progress.start("eval", data.size()) : Progress.none()) {
            for (int from = 0; from < data.size(); from += batchSize) {
                int to = Math.min(data.size(), from + batchSize);
                try (NDManager m = root.newSubManager()) {
                    NDArray x = data.images(m, from, to);
                    long[] p = model.predictLabels(x).toLongArray();
                    for (int i = 0; i < p.length; i++) {
                        pred[from + i] = (int) p[i];
                        if (p[i] == data.label(from + i)) {
                            correct++;
                        }
                    }
                }
                if (progress) {
                    bar.step(to - from);
                }
            }
        }
        double secs = (System.nanoTime() - start) / 1e9;
        return new Result((double) correct / data.size(), correct, data.size(), pred, model.stats().queries() - q0, secs);
    }

    /**
     * The clean accuracy of {@code model} on {@code data}, in batches of {@value #DEFAULT_BATCH}, without a
     * progress bar.
     *
     * @param model the classifier; not closed
     * @param data the samples and their labels
     * @return a value in [0, 1]
     * @throws org.dlsec.core.DlsecException when the data does not fit the model
     */
    public static double accuracy(Classifier model, Dataset data) {
        return evaluate(model, data, DEFAULT_BATCH, false).accuracy();
    }
}
