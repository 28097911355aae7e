package org.dlsec.attack.evasion;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import org.dlsec.model.BlackBoxClassifier;
import org.dlsec.model.Classifier;
import org.dlsec.model.ModelInfo;
import org.dlsec.model.QueryStats;
import org.dlsec.model.ScoreKind;

/** Helpers shared by the black-box attack tests. */
final class BlackBoxTesting {
    private BlackBoxTesting() {}

    /**
     * The white-box model seen through a {@link BlackBoxClassifier} that answers only what
     * {@code kind} allows: probabilities, or a one-hot "label only" answer. It has no gradients.
     */
    static BlackBoxClassifier wrap(Classifier inner, boolean labelOnly, ModelInfo info) {
        Shape s = inner.inputShape();
        int k = inner.numClasses();
        return new BlackBoxClassifier((flat, n) -> {
            try (NDManager m = NDManager.newBaseManager()) {
                NDArray x = m.create(flat, new Shape(n, s.get(0), s.get(1), s.get(2)));
                float[] probs = inner.predictProba(x).toFloatArray();
                float[][] out = new float[n][k];
                for (int i = 0; i < n; i++) {
                    if (labelOnly) {
                        int best = 0;
                        for (int j = 1; j < k; j++) {
                            if (probs[i * k + j] > probs[i * k + best]) {
                                best = j;
                            }
                        }
                        out[i][best] = 1f;
                    } else {
                        System.arraycopy(probs, i * k, out[i], 0, k);
                    }
                }
                return out;
            }
        }, ScoreKind.PROBABILITIES, s, k, inner.bounds(), info);
    }

    /** Runs an attack and checks that the per-sample queries add up to what the model saw. */
    static AttackResult runCounted(EvasionAttack a, Classifier model, org.dlsec.data.Dataset d, int batch) {
        QueryStats before = model.stats();
        AttackResult r = EvasionRunner.run(a, model, d, null, batch, false);
        QueryStats spent = model.stats().minus(before);
        assertEquals(spent.queries(), Arrays.stream(r.queries()).sum(), "counted queries equal what the model saw");
        assertEquals(0, spent.gradientSamples(), "a black-box attack takes no gradient");
        assertEquals(0, Arrays.stream(r.gradients()).sum());
        return r;
    }

    static double median(double[] v, boolean[] keep) {
        double[] s = new double[v.length];
        int k = 0;
        for (int i = 0; i < v.length; i++) {
            if (keep[i]) {
                s[k++] = v[i];
            }
        }
        s = Arrays.copyOf(s, k);
        Arrays.sort(s);
        return k == 0 ? Double.NaN : k % 2 == 1 ? s[k / 2] : (s[k / 2 - 1] + s[k / 2]) / 2;
    }
}
