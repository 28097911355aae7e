/**
 * Hardware fault attacks: the implementation of a network (its weights in memory, its activations in
 * the datapath) as an attack surface, after Khalid et al.'s survey. Post-training int8
 * {@link org.dlsec.attack.fault.QuantizedModel quantisation} gives an explicit bit-level weight
 * representation; {@link org.dlsec.attack.fault.RandomFaultInjection random faults} (bit flips and
 * stuck-at faults in float32 or int8 weights, or in activations), the targeted
 * {@link org.dlsec.attack.fault.BitFlipAttack Bit-Flip Attack} of Rakin, He and Fan (ICCV 2019) and a
 * triggered {@link org.dlsec.attack.fault.HardwareTrojan hardware trojan} act on it.
 *
 * <p>Every experiment changes a caller's model only through a {@link org.dlsec.attack.fault.WeightSnapshot}
 * and restores the original weights when it is closed.
 *
 * <p>May import: core, data, model, metric.
 */
package org.dlsec.attack.fault;
