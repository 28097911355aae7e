/**
 * Turning results into artefacts people read: JSON, CSV, PNG image grids and the HTML report.
 * Reads result records only; never runs an attack. May import core, data, model, metric and the
 * attack result types.
 */
package org.dlsec.report;
