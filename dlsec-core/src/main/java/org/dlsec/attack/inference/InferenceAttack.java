package org.dlsec.attack.inference;

import java.util.Map;
import org.dlsec.model.Classifier;

/**
 * The base of the inference family, as ART's {@code InferenceAttack}: one operation, {@link #infer}, that asks a
 * target model what it leaks about a query — membership inference ({@link MembershipAttack}: which samples of a
 * member/non-member split trained it) or model inversion ({@link MiFace}: what an input of each asked-for class looks
 * like). Immutable, with a name and the parameters it was built from, recorded in results for provenance.
 *
 * @param <Q> what is asked: a {@link MembershipSplit}, the {@link MiFace.Classes} to reconstruct
 * @param <R> what is inferred: a {@link MembershipResult}, a {@link MiFace.Result}
 */
public interface InferenceAttack<Q, R> {
    /**
     * The attack's name as results record it.
     *
     * @return e.g. {@code lira}
     */
    String name();

    /**
     * The parameters the attack was built from, for provenance.
     *
     * @return an immutable map
     */
    Map<String, Object> parameters();

    /**
     * What {@code target} leaks about {@code query}.
     *
     * @param target the model; not closed
     * @param query what is asked
     * @return what was inferred
     * @throws org.dlsec.core.DlsecException when the query does not fit the model
     */
    R infer(Classifier target, Q query);
}
