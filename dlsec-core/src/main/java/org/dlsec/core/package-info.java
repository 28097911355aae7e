/**
 * Cross-cutting basics every other package may use: dlsec's user-facing error type, versions,
 * hashing, provenance records, heap and memory checks before large allocations ({@link org.dlsec.core.Memory}), the native-heap governor of streamed runs, the shared JSON mapper and NDArray creation ({@link org.dlsec.core.Tensors}),
 * and the numerical-recovery basics of the optimisation loops: finiteness checks ({@link org.dlsec.core.Finite}),
 * the record of a recovered non-finite event ({@link org.dlsec.core.NumericalIssue}) and the
 * step-back/halve/give-up bookkeeping ({@link org.dlsec.core.StepRecovery}).
 * Uses DJL's ndarray API, and JNA for glibc's {@code malloc_trim} ({@link org.dlsec.core.NativeHeap}). May import: nothing.
 */
package org.dlsec.core;
