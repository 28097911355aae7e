package org.dlsec.attack.inference;

import org.dlsec.model.Classifier;

/** A membership inference attack: one score per audit sample, higher meaning "more likely a member". */
public interface MembershipAttack extends InferenceAttack<MembershipSplit, MembershipResult> {
    @Override
    MembershipResult infer(Classifier target, MembershipSplit split);
}
