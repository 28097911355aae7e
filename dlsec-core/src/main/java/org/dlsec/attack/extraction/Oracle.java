package org.dlsec.attack.extraction;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.dlsec.core.Tensors;
import org.dlsec.data.Dataset;
import org.dlsec.model.Classifier;
import org.dlsec.model.Engines;

/** Sends inputs to the target in batches and records its answers in a transfer set. */
final class Oracle {
    static final int BATCH = 256;

    private Oracle() {}

    /** Queries {@code n} inputs (n·d values); probabilities, or one-hot labels when {@code labelsOnly}. */
    static float[] ask(Classifier target, float[] x, int n, boolean labelsOnly, SubstituteTrainer.TransferSet into) {
        Shape shape = target.inputShape();
        int d = (int) shape.size();
        int k = target.numClasses();
        float[] all = new float[n * k];
        try (NDManager root = Engines.newManager()) {
            for (int from = 0; from < n; from += BATCH) {
                int to = Math.min(n, from + BATCH);
                try (NDManager m = root.newSubManager()) {
                    NDArray in = Tensors.floats(m, x, from * d, new Shape(to - from).addAll(shape));
                    if (labelsOnly) {
                        long[] y = target.predictLabels(in).toLongArray();
                        for (int i = 0; i < y.length; i++) {
                            all[(from + i) * k + (int) y[i]] = 1f;
                        }
                    } else {
                        float[] p = target.predictProba(in).toFloatArray();
                        System.arraycopy(p, 0, all, from * k, p.length);
                    }
                }
            }
        }
        if (into != null) {
            into.add(x, all, n);
        }
        return all;
    }

    /** The pixels of {@code data}'s samples {@code idx}, concatenated. */
    static float[] pixels(Dataset data, int[] idx) {
        int d = data.sampleSize();
        float[] x = new float[idx.length * d];
        for (int i = 0; i < idx.length; i++) {
            System.arraycopy(data.image(idx[i]), 0, x, i * d, d);
        }
        return x;
    }
}
