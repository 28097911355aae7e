/**
 * Model extraction: an attacker who can only query a model's predictions trains or solves for a
 * functionally equivalent substitute. Every attack implements
 * {@link org.dlsec.attack.extraction.ExtractionAttack}; its queries go through the target
 * {@link org.dlsec.model.Classifier} (for a served model, {@link org.dlsec.model.RemoteClassifier}),
 * so they are counted. {@link org.dlsec.attack.extraction.ExtractionEvaluation} measures the result
 * (accuracy, fidelity, transfer of FGSM examples). It uses attack.evasion for the transfer measure.
 * May import: core, data, model, train, metric, attack.evasion.
 */
package org.dlsec.attack.extraction;
