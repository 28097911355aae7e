/**
 * Experiments: one validated spec per family (what to run, on which data, with which seed) and a typed
 * outcome (per-sample facts, aggregates, provenance) that the commands print and write as JSON and the
 * audit stores. Commands and the audit build specs here instead of wiring attacks, training and
 * defences themselves. May import: core, data, model, metric, train, attack, defence.
 *
 * <p>Example: a PGD robustness curve as {@code dlsec attack} runs it, written as the same JSON as
 * {@code --json}.
 * <pre>{@code
 * EvasionSpec spec = new EvasionSpec(AttackSpec.of("pgd", 0.1), List.of(0.1, 0.2, 0.3), 250, null);
 * EvasionOutcome outcome = EvasionRun.prepare(spec, model, null, test,
 *         split -> Datasets.load("mnist", split, Optional.empty()), System.out::println).run(false);
 * CommandOutput.of("attack", outcome.json()).withModel(model.info(), null).withData(test, true)
 *         .write(Path.of("pgd.json"));
 * }</pre>
 */
package org.dlsec.experiment;
