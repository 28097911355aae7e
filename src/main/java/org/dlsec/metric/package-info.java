/**
 * Measurements: accuracy, distances, success rates, ROC/AUC, fidelity. Depends on
 * {@code org.dlsec.model} and {@code org.dlsec.data}; never on attacks or reports.
 */
package org.dlsec.metric;
