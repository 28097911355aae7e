package org.dlsec.defence.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import org.dlsec.attack.evasion.Norm;
import org.dlsec.attack.evasion.Perturbations;
import org.dlsec.model.Classifier;
import org.dlsec.model.Gradient;
import org.dlsec.model.LogitObjective;

/**
 * The inner maximisation of adversarial training: L∞ projected sign-gradient ascent of an
 * objective from a given start, without the bookkeeping of a full attack (no clean prediction, no
 * distances). The objective is maximised.
 */
final class InnerMaximisation {
    private InnerMaximisation() {}

    /**
     * @param start the first iterate (already inside the ε-ball and the bounds)
     * @return the last iterate, on x's manager
     */
    static NDArray ascend(Classifier model, NDArray x, NDArray start, LogitObjective objective, double eps, double alpha,
            int steps) {
        NDArray adv = start;
        for (int t = 0; t < steps; t++) {
            NDArray next;
            try (NDScope s = new NDScope()) {
                s.suppressNotUsedWarning();
                Gradient g = model.gradient(adv, objective);
                NDArray dir = Perturbations.finiteOrZero(g.grad()).sign().mul((float) alpha);
                next = Perturbations.project(adv.add(dir), x, eps, Norm.LINF, model.bounds());
                NDScope.unregister(next);
            }
            if (adv != start) {
                adv.close();
            }
            adv = next;
        }
        return adv;
    }
}
