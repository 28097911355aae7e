/**
 * Model extraction: an attacker who can only query a model's predictions trains or solves for a
 * functionally equivalent substitute. Every attack implements
 * {@link org.dlsec.attack.extraction.ExtractionAttack}; its queries go through the target
 * {@link org.dlsec.model.Classifier} (for a served model, {@link org.dlsec.model.RemoteClassifier}),
 * so they are counted. {@link org.dlsec.attack.extraction.ExtractionEvaluation} measures the result
 * (accuracy, fidelity, transfer of FGSM examples). It uses attack.evasion for the transfer measure.
 * May import: core, data, model, train, metric, attack.evasion.
 *
 * <p>Example: Papernot et al.'s Jacobian-based augmentation from 150 seed images, then the
 * substitute's fidelity to the target. The caller owns (and closes) the substitute.
 * <pre>{@code
 * ExtractionAttack jbda = new JacobianAugmentation(JacobianAugmentation.Params.paper(Architecture.LENET5, 42L),
 *         test.first(150), 0);
 * try (DjlClassifier substitute = jbda.extract(target)) {
 *     ExtractionEvaluation.Result r = ExtractionEvaluation.measure(target, substitute, test.sample(1000, 7L));
 *     System.out.println("fidelity " + r.fidelity() + " after " + target.stats().queries() + " queries");
 * }
 * }</pre>
 */
package org.dlsec.attack.extraction;
