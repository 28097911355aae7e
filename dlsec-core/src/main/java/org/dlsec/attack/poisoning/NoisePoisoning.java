package org.dlsec.attack.poisoning;

import java.util.Map;
import org.dlsec.data.Dataset;

/**
 * Gaussian noise on a share of the training images, labels untouched (the untargeted availability
 * attack the second survey measures): see {@link Poisons#noise}.
 *
 * @param rate share of the images changed, in (0, 1)
 * @param sigma standard deviation of the noise, in (0, 10]
 * @param seed draws the samples and the noise
 */
public record NoisePoisoning(double rate, double sigma, long seed) implements PoisoningAttack {
    @Override
    public String name() {
        return "noise";
    }

    @Override
    public Poisoned poison(Dataset train) {
        return Poisons.noise(train, rate, sigma, seed);
    }

    @Override
    public Map<String, Object> parameters() {
        return Map.of("sigma", sigma);
    }
}
