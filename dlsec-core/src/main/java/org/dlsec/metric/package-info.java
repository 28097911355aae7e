/**
 * Measurements: accuracy, distances, success rates, ROC/AUC, fidelity. Never depends on attacks or
 * reports. May import: core, data, model.
 *
 * <p>Example: clean accuracy with its 95% Wilson interval, and the ROC AUC of a membership score.
 * <pre>{@code
 * Evaluation.Result clean = Evaluation.evaluate(model, test, Evaluation.DEFAULT_BATCH, false);
 * Interval ci = Interval.wilson(clean.correct(), clean.samples());   // e.g. [0.981, 0.989]
 * double auc = Roc.of(scores, isMember).auc();                       // 0.5 is chance
 * }</pre>
 */
package org.dlsec.metric;
