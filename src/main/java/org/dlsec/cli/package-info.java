/**
 * The picocli commands: thin layers that parse options, call the library and print. No attack or
 * training logic lives here. May import every other dlsec package.
 */
package org.dlsec.cli;
