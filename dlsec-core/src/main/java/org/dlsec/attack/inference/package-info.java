/**
 * Inference attacks on a trained model's training data (privacy): membership inference (loss,
 * confidence and entropy thresholds, shadow models, LiRA, label-only) scored by ROC/AUC and TPR at
 * low FPR on a recorded member/non-member split, and model inversion (MI-Face). Every attack
 * implements {@link org.dlsec.attack.inference.InferenceAttack}. Shadow models are trained like the
 * target, hence train. May import: core, data, model, train, metric.
 */
package org.dlsec.attack.inference;
