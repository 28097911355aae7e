/**
 * Inference attacks on a trained model's training data (privacy): membership inference (loss,
 * confidence and entropy thresholds, shadow models, LiRA, label-only) scored by ROC/AUC and TPR at
 * low FPR on a recorded member/non-member split, and model inversion (MI-Face). Every attack
 * implements {@link org.dlsec.attack.inference.InferenceAttack}. May import core, data, model,
 * train (shadow models are trained like the target) and metric.
 */
package org.dlsec.attack.inference;
