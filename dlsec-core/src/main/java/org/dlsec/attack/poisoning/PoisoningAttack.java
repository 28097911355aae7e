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
    /** The registry name ({@code badnets}, {@code labelflip}, …). */
    String name();

    /** The training set as the victim receives it, and which samples were changed; deterministic in the seed. */
    Poisoned poison(Dataset train);

    /** The share of the training set changed. */
    double rate();

    /** The trigger the attacker stamps at test time, or null for attacks without one (label flipping, noise). */
    default TriggerPattern trigger() {
        return null;
    }

    /** The class the trigger sends every input to, or null (no trigger, or all-to-all: see {@link #allToAll()}). */
    default Integer targetClass() {
        return null;
    }

    /** Whether the trigger sends class y to (y + 1) mod K ({@link Poisons#allToAllTarget}) rather than to one target. */
    default boolean allToAll() {
        return false;
    }

    /** Whether the attack stamps a trigger into images (so it needs image data). */
    default boolean needsImages() {
        return trigger() != null;
    }

    /** The attack's own parameters as they are recorded in JSON (trigger, target, sigma; not rate or seed). */
    Map<String, Object> parameters();
}
