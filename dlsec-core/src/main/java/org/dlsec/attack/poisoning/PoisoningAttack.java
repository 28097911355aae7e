package org.dlsec.attack.poisoning;

import java.util.Map;
import org.dlsec.data.Dataset;

/**
 * The poisoning family's interface (ART's {@code PoisoningAttack.poison}): an attack that changes a
 * share of the victim's training set, built with its parameters and seed by {@link PoisoningAttacks}.
 * Clean-label feature collision, which crafts new images against a feature extractor and a target
 * instead of changing samples, takes that extractor, target and bases first
 * ({@link FeatureCollisionPoisoning}) and then appends its poisons here like any other member.
 */
public interface PoisoningAttack {
    /**
     * The registry name ({@code badnets}, {@code labelflip}, …).
     *
     * @return the name
     */
    String name();

    /**
     * The training set as the victim receives it, and which samples were changed; deterministic in the seed.
     *
     * @param train the clean training set
     * @return the poisoned set and the changed indices
     * @throws org.dlsec.core.DlsecException when the rate is out of range or the data does not suit the attack
     */
    Poisoned poison(Dataset train);

    /**
     * The share of the training set changed.
     *
     * @return the rate, in (0, 1)
     */
    double rate();

    /**
     * The trigger the attacker stamps at test time, or null for attacks without one (label flipping, noise).
     *
     * @return the trigger, or null
     */
    default TriggerPattern trigger() {
        return null;
    }

    /**
     * The class the trigger sends every input to, or null (no trigger, or all-to-all: see {@link #allToAll()}).
     *
     * @return the target, or null
     */
    default Integer targetClass() {
        return null;
    }

    /**
     * Whether the trigger sends class y to (y + 1) mod K ({@link Poisons#allToAllTarget}) rather than to one target.
     *
     * @return true for an all-to-all backdoor
     */
    default boolean allToAll() {
        return false;
    }

    /**
     * Whether the attack stamps a trigger into images (so it needs image data).
     *
     * @return true for trigger attacks
     */
    default boolean needsImages() {
        return trigger() != null;
    }

    /**
     * The attack's own parameters as they are recorded in JSON (trigger, target, sigma; not rate or seed).
     *
     * @return an immutable map
     */
    Map<String, Object> parameters();
}
