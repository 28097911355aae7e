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
 *
 * <p>Example: the Bit-Flip Attack on an int8 LeNet-5 with a budget of 25 flips, the attacker holding
 * 128 training images; closing the quantised model restores the float weights.
 * <pre>{@code
 * try (QuantizedModel q = QuantizedModel.quantize(model, Granularity.PER_LAYER)) {
 *     BitFlipAttack bfa = new BitFlipAttack(new BitFlipAttack.Config(25, 1, 0.11));
 *     BitFlipAttack.Result r = bfa.run(q, train.sample(128, 42L), test.first(1000), false);
 *     System.out.println(r.flips().size() + " flips: accuracy " + r.cleanAccuracy() + " -> " + r.finalAccuracy());
 * }
 * }</pre>
 */
package org.dlsec.attack.fault;
