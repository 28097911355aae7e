/**
 * JUnit 5 assertions on a model's robustness and backdoors for a team's own test suite
 * ({@link org.dlsec.junit.DlsecAssertions}): a failure prints the measured figure, its 95% interval and
 * where it came from. Uses JUnit Jupiter's API. May import: core, data, model, attack, defence, metric.
 */
package org.dlsec.junit;
