/**
 * Benchmarks behind {@code dlsec bench}: training speed, attack speed and native-memory soak, each
 * printing a table (and JSON for the scripts in {@code bench/} that compare against PyTorch).
 * Timings are never asserted in tests. They may use every other dlsec package except cli, which
 * registers these commands. May import: core, data, model, metric, train, attack, defence, audit, report, serve.
 */
package org.dlsec.bench;
