/**
 * Cross-cutting basics every other package may use: dlsec's user-facing error type, versions,
 * hashing, provenance records and the shared JSON mapper. Imports nothing from other dlsec packages.
 */
package org.dlsec.core;
