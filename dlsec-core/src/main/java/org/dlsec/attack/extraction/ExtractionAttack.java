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
    /**
     * The attack's name as results record it.
     *
     * @return e.g. {@code jacobian}
     */
    String name();

    /**
     * The attack's parameters, for provenance.
     *
     * @return an immutable map
     */
    Map<String, Object> parameters();

    /**
     * Steals a substitute of {@code target}; the caller owns (and closes) the returned model.
     *
     * @param target the model to steal; queried, not closed
     * @return a new substitute
     * @throws org.dlsec.core.DlsecException when the target does not suit the attack (e.g. no probabilities for equation solving)
     */
    DjlClassifier extract(Classifier target);

    /** Told about intermediate substitutes (e.g. for a fidelity-versus-queries curve). */
    @FunctionalInterface
    interface Checkpoints {
        /**
         * Hears nothing.
         */
        Checkpoints NONE = (queries, substitute) -> { };

        /**
         * Called when the attack has spent {@code queries} target queries.
         *
         * @param queries the queries spent so far
         * @param substitute the substitute at that point; valid only during the call
         */
        void reached(long queries, Classifier substitute);
    }
}
