package org.dlsec.attack.extraction;

import org.dlsec.data.Dataset;

/**
 * Copycat CNN (Correia-Silva, Berriel, Badue, de Souza, Oliveira-Santos, "Copycat CNN: Stealing
 * Knowledge by Persuading Confession with Random Non-Labeled Data", IJCNN 2018): label natural
 * images from outside the problem domain with the target's top-1 labels only, and train a copy on
 * them. Only {@code predictLabels} is ever called on the target, so it works against label-only APIs.
 * The queries are a seeded random sample of the query set (the {@code random} strategy of
 * {@link KnockoffNets}, with hard labels).
 */
public final class Copycat {
    private Copycat() {}

    /**
     * The attack: {@code params.strategy()} must be random or adaptive; the labels are hard either way.
     *
     * @param params the budget, the sampling strategy and the substitute's training
     * @param queryData the attacker's unlabelled natural images
     * @return the attack
     * @throws org.dlsec.core.DlsecException when the query data is empty
     */
    public static KnockoffNets create(KnockoffNets.Params params, Dataset queryData) {
        return new KnockoffNets(params, queryData, true, "copycat");
    }
}
