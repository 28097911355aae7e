/**
 * Experiments: one validated spec per family (what to run, on which data, with which seed) and a typed
 * outcome (per-sample facts, aggregates, provenance) that the commands print and write as JSON and the
 * audit stores. Commands and the audit build specs here instead of wiring attacks, training and
 * defences themselves. May import: core, data, model, metric, train, attack, defence.
 */
package org.dlsec.experiment;
