package org.dlsec.attack.extraction;

import java.util.Map;
import org.dlsec.model.Classifier;
import org.dlsec.model.DjlClassifier;

/**
 * The extraction family's base type: query a target and return a substitute the attacker owns (a
 * trainable dlsec network with gradients, so it can craft transfer attacks). Queries go through
 * {@code target.predict*} only and are therefore counted by {@code target.stats()}.
 */
public interface ExtractionAttack {
    String name();

    /** The attack's parameters, for provenance. */
    Map<String, Object> parameters();

    /** Steals a substitute of {@code target}; the caller owns (and closes) the returned model. */
    DjlClassifier extract(Classifier target);

    /** Told about intermediate substitutes (e.g. for a fidelity-versus-queries curve). */
    @FunctionalInterface
    interface Checkpoints {
        Checkpoints NONE = (queries, substitute) -> { };

        void reached(long queries, Classifier substitute);
    }
}
