package org.dlsec.attack.inference;

import java.util.LinkedHashMap;
import java.util.Map;
import org.dlsec.model.Classifier;

/**
 * The loss-threshold membership attack of Yeom, Giacomelli, Fredrikson and Jha ("Privacy Risk in
 * Machine Learning: Analyzing the Connection to Overfitting", CSF 2018): a sample whose
 * cross-entropy loss is low is guessed to be a member. The score is the negative loss, log p_y;
 * instead of Yeom's single threshold (the mean training loss) every threshold is swept into the ROC.
 * Needs the true labels and the target's scores (one query per sample).
 */
public final class LossThreshold implements MembershipAttack {
    @Override
    public String name() {
        return "loss";
    }

    @Override
    public Map<String, Object> parameters() {
        return new LinkedHashMap<>();
    }

    @Override
    public MembershipResult infer(Classifier target, MembershipSplit split) {
        return Outputs.scoreEach(this, target, split, Outputs::logProb);
    }
}
