package org.dlsec.attack.poisoning;

import java.util.Map;
import org.dlsec.data.Dataset;

/**
 * Random label flipping (Biggio et al. 2011; the baseline availability attack of the surveys):
 * see {@link Poisons#flipLabels}.
 *
 * @param rate share of the labels flipped, in (0, 1)
 * @param seed draws the samples and their new labels
 */
public record LabelFlipping(double rate, long seed) implements PoisoningAttack {
    @Override
    public String name() {
        return "labelflip";
    }

    @Override
    public Poisoned poison(Dataset train) {
        return Poisons.flipLabels(train, rate, seed);
    }

    @Override
    public Map<String, Object> parameters() {
        return Map.of();
    }
}
