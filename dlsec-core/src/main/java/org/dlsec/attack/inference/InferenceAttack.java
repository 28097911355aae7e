package org.dlsec.attack.inference;

import java.util.Map;

/**
 * The base of the inference family (membership, inversion): an immutable attack with a name and
 * the parameters it was built from, recorded in results for provenance.
 */
public interface InferenceAttack {
    String name();

    Map<String, Object> parameters();
}
