package org.dlsec.attack.poisoning;

import java.util.Map;
import org.dlsec.data.Dataset;

/**
 * BadNets all-to-all (Gu, Dolan-Gavitt, Garg 2017, section 4.2.2): the trigger sends class y to
 * (y + 1) mod K; see {@link Poisons#backdoorAllToAll}.
 *
 * @param trigger the trigger stamped into the poisons and, at test time, into any input
 * @param rate share of the training set poisoned, in (0, 1)
 * @param seed draws the poisoned samples
 */
public record AllToAllBackdoor(TriggerPattern trigger, double rate, long seed) implements PoisoningAttack {
    /**
     * Checks the trigger.
     *
     * @param trigger the trigger stamped into the poisons and, at test time, into any input
     * @param rate share of the training set poisoned, in (0, 1)
     * @param seed draws the poisoned samples
     * @throws NullPointerException when {@code trigger} is null
     */
    public AllToAllBackdoor {
        java.util.Objects.requireNonNull(trigger, "trigger");
    }

    @Override
    public String name() {
        return "badnets-all";
    }

    @Override
    public Poisoned poison(Dataset train) {
        return Poisons.backdoorAllToAll(train, trigger, rate, seed);
    }

    @Override
    public boolean allToAll() {
        return true;
    }

    @Override
    public Map<String, Object> parameters() {
        return Map.of("trigger", Backdoor.describe(trigger));
    }
}
