/**
 * Run-time integrity defences for the weights and activations of a deployed network against
 * hardware faults and bit-flip attacks: RADAR-style group checksums of int8 weight codes with
 * zeroing of corrupted groups ({@link org.dlsec.defence.integrity.ChecksumGuard}), and activation
 * range checks profiled on clean data ({@link org.dlsec.defence.integrity.ActivationRangeGuard}).
 * The checksums cover the int8 weight codes of attack.fault's quantised model, the faults they detect.
 * May import: core, data, model, metric, attack.fault.
 *
 * <p>Example: protect an int8 model's weights with RADAR's checksum and repair it after a fault.
 * <pre>{@code
 * try (QuantizedModel q = QuantizedModel.quantize(model, Granularity.PER_LAYER)) {
 *     ChecksumGuard guard = ChecksumGuard.protect(q, 16, 0x5EC12E7L, ChecksumGuard.Signature.RADAR_2BIT);
 *     // ... bits flipped in q ...
 *     ChecksumGuard.Report report = guard.checkAndRecover(q);   // flagged groups zeroed
 * }
 * }</pre>
 */
package org.dlsec.defence.integrity;
