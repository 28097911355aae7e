/**
 * The audit: runs a configured threat model ({@code audit.yaml}) against one model, stores each
 * attack run's result as it finishes (so an interrupted audit resumes), and hands the stored
 * results to {@link org.dlsec.report} to be written as {@code report.json}, {@code samples.csv}
 * and {@code index.html}. Attacks are built only through
 * {@link org.dlsec.attack.evasion.EvasionAttacks}, so attacks added to the registry are available
 * here without change. From defence it uses
 * {@link org.dlsec.model.NormalizedClassifier} (a model's own input normalisation: fault
 * experiments run on the model behind it, with the data normalised), the input transformations of a
 * {@code defence:} section, the backdoor detectors of a scan section, randomized smoothing and the
 * gradient-masking checks, and from train the
 * {@link org.dlsec.train.TrainConfig} that poisoning experiments take and the
 * {@link org.dlsec.train.TrainingRun} record that names a target's members.
 * May import: core, data, model, metric, train, attack, experiment, report, defence, serve.
 */
package org.dlsec.audit;
