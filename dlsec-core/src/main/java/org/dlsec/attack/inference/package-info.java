/**
 * Inference attacks on a trained model's training data (privacy): membership inference (loss,
 * confidence and entropy thresholds, shadow models, LiRA, label-only) scored by ROC/AUC and TPR at
 * low FPR on a recorded member/non-member split, and model inversion (MI-Face). Every attack
 * implements {@link org.dlsec.attack.inference.InferenceAttack}. Shadow models are trained like the
 * target, hence train. May import: core, data, model, train, metric.
 *
 * <p>Example: the loss-threshold membership attack on 500 members of a dlsec model's training split
 * and 500 test images (the card records which training images it saw).
 * <pre>{@code
 * ModelCard card = Models.card(Path.of("runs/lenet5"));
 * int[] trained = TrainingRun.trainingIndices(card, train).orElseThrow();
 * MembershipSplit split = MembershipSplit.build(train, trained, test, 500, 42L);
 * MembershipAttack attack = MembershipAttacks.create("loss", 0, card, Map.of(), 42L);
 * MembershipResult.Summary s = attack.infer(model, split).summary();
 * System.out.println("AUC " + s.auc() + ", TPR at 1% FPR " + s.tprAt1Fpr());
 * }</pre>
 */
package org.dlsec.attack.inference;
