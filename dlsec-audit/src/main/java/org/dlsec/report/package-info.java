/**
 * Turning results into artefacts people read: JSON, CSV, PNG image grids and the HTML report.
 * Reads result records only; never runs an attack (of attack it uses only the result types).
 * May import: core, data, model, metric, attack.
 */
package org.dlsec.report;
