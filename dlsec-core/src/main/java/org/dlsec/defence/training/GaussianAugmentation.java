package org.dlsec.defence.training;

import ai.djl.ndarray.NDArray;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Seeds;
import org.dlsec.defence.Noise;
import org.dlsec.model.DjlClassifier;
import org.dlsec.train.BatchTransform;

/**
 * Training with Gaussian noise augmentation, x + N(0, σ²I), not clipped to the input range — the
 * base-classifier training of randomised smoothing (Cohen, Rosenfeld, Kolter, ICML 2019), which
 * must see the same noise the smoothed classifier adds at prediction time.
 */
public final class GaussianAugmentation implements BatchTransform {
    private final double sigma;
    private final long seed;
    private final AtomicLong batches = new AtomicLong();

    /**
     * Noise augmentation with standard deviation {@code sigma}.
     *
     * @param sigma σ, positive, in the data's units (Cohen et al.: 0.25 on [0, 1] pixels)
     * @param seed the noise's seed
     * @throws org.dlsec.core.DlsecException when {@code sigma} is not positive
     */
    public GaussianAugmentation(double sigma, long seed) {
        DlsecException.require(Double.isFinite(sigma) && sigma > 0, "noise sigma", "must be > 0, got " + sigma);
        this.sigma = sigma;
        this.seed = seed;
    }

    @Override
    public NDArray apply(DjlClassifier model, NDArray x, NDArray y) {
        int n = (int) x.getShape().get(0);
        long batch = batches.getAndIncrement();
        try (NDArray noise = Noise.gaussian(x.getManager(), x.getShape(), sigma, Noise.seeds(Seeds.mix(seed, batch), 0, n))) {
            return x.add(noise);
        }
    }

    /**
     * What the model card records under {@code training.extra}.
     *
     * @return a new mutable map
     */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("augmentation", "gaussian");
        m.put("paper", "Cohen, Rosenfeld, Kolter, ICML 2019");
        m.put("sigma", sigma);
        m.put("seed", seed);
        return m;
    }
}
