package org.dlsec.attack.poisoning;

import java.util.LinkedHashMap;
import java.util.Map;
import org.dlsec.core.DlsecException;
import org.dlsec.data.Dataset;

/**
 * An all-to-one backdoor: BadNets (Gu, Dolan-Gavitt, Garg 2017) with a {@link Trigger} patch, or the
 * blended injection of Chen et al. (2017) with a {@link BlendedTrigger} key or a blended square;
 * see {@link Poisons#backdoor}.
 *
 * @param name {@code badnets} or {@code blend}
 * @param trigger the trigger stamped into the poisons and, at test time, into any input
 * @param target the class the trigger forces
 * @param rate share of the training set poisoned, in (0, 1)
 * @param seed draws the poisoned samples
 */
public record Backdoor(String name, TriggerPattern trigger, int target, double rate, long seed) implements PoisoningAttack {
    /**
     * Checks the trigger and the target.
     *
     * @param name {@code badnets} or {@code blend}
     * @param trigger the trigger stamped into the poisons and, at test time, into any input
     * @param target the class the trigger forces
     * @param rate share of the training set poisoned, in (0, 1)
     * @param seed draws the poisoned samples
     * @throws NullPointerException when {@code trigger} is null
     * @throws org.dlsec.core.DlsecException when {@code target} is negative
     */
    public Backdoor {
        java.util.Objects.requireNonNull(trigger, "trigger");
        DlsecException.require(target >= 0, "target", "must be a class index >= 0, got " + target);
    }

    @Override
    public Poisoned poison(Dataset train) {
        return Poisons.backdoor(train, trigger, target, rate, seed);
    }

    @Override
    public Integer targetClass() {
        return target;
    }

    @Override
    public Map<String, Object> parameters() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("trigger", describe(trigger));
        m.put("target", target);
        return m;
    }

    /** How a trigger is recorded in JSON. */
    static Map<String, Object> describe(TriggerPattern trigger) {
        if (trigger instanceof Trigger t) {
            return Map.of("size", t.size(), "value", t.value(), "alpha", t.alpha());
        } else if (trigger instanceof BlendedTrigger t) {
            return Map.of("pattern", "uniform noise, full image", "alpha", t.alpha(), "key", t.seed());
        } else if (trigger instanceof SparseTrigger t) {
            return Map.of("pixels", t.pixels(), "amplitude", t.amplitude(), "key", t.seed());
        }
        return Map.of("pattern", String.valueOf(trigger));
    }
}
