/**
 * Cross-cutting basics every other package may use: dlsec's user-facing error type, versions,
 * hashing, provenance records, heap and memory checks before large allocations ({@link org.dlsec.core.Memory}), the native-heap governor of streamed runs, the shared JSON mapper and NDArray creation ({@link org.dlsec.core.Tensors}),
 * and the numerical-recovery basics of the optimisation loops: finiteness checks ({@link org.dlsec.core.Finite}),
 * the record of a recovered non-finite event ({@link org.dlsec.core.NumericalIssue}) and the
 * step-back/halve/give-up bookkeeping ({@link org.dlsec.core.StepRecovery}).
 * Uses DJL's ndarray API, and JNA for glibc's {@code malloc_trim} ({@link org.dlsec.core.NativeHeap}). May import: nothing.
 *
 * <p>Example: Java data into an array that owns its native memory, a finiteness check, and a
 * per-sample generator that draws the same numbers however the samples are batched:
 * <pre>{@code
 * try (NDManager manager = NDManager.newBaseManager()) {
 *     NDArray x = Tensors.floats(manager, new float[] {0.1f, 0.5f, 0.9f}, new Shape(1, 3));
 *     boolean finite = Finite.all(x);                  // true; x is closed with the manager
 *     SplittableRandom rng = Seeds.forSample(42L, 7L); // sample 7 of a run seeded with 42
 *     DlsecException.require(rng.nextDouble() < 1, "draw", "must be below 1");
 * }
 * }</pre>
 */
package org.dlsec.core;
