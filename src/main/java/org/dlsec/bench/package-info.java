/**
 * Benchmarks behind {@code dlsec bench}: training speed, attack speed and native-memory soak, each
 * printing a table (and JSON for the scripts in {@code bench/} that compare against PyTorch).
 * Timings are never asserted in tests. May import every other dlsec package.
 */
package org.dlsec.bench;
