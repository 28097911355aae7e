/**
 * The picocli commands: thin layers that parse options, call the library and print. No attack or
 * training logic lives here. They may use every other dlsec package.
 * May import: core, data, model, metric, train, attack, defence, experiment, audit, report, serve, bench.
 */
package org.dlsec.cli;
