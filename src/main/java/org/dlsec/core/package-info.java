/**
 * Cross-cutting basics every other package may use: dlsec's user-facing error type, versions,
 * hashing, provenance records, heap and memory checks before large allocations ({@link org.dlsec.core.Memory}), the shared JSON mapper and NDArray creation ({@link org.dlsec.core.Tensors}).
 * Imports nothing from other dlsec packages (DJL's ndarray API only).
 */
package org.dlsec.core;
