/**
 * Measurements: accuracy, distances, success rates, ROC/AUC, fidelity. Never depends on attacks or
 * reports. May import: core, data, model.
 */
package org.dlsec.metric;
