/**
 * Hardware side channels: attacks that observe a model's <em>implementation</em> while it runs — how long it takes,
 * how much power it draws — and learn what its API does not answer. Two members behind one interface,
 * {@link org.dlsec.attack.sidechannel.SideChannelAttack}: the {@link org.dlsec.attack.sidechannel.TimingAttack timing
 * attack} of Duddu et al. (2018) predicts a served model's depth from its latency, through a
 * {@link org.dlsec.attack.sidechannel.Deployment} port (the command plugs in {@code dlsec serve}); the
 * {@link org.dlsec.attack.sidechannel.PowerAnalysis power analysis} of Batina et al. (CSI NN, USENIX Security 2019)
 * extracts the weights of an {@link org.dlsec.attack.sidechannel.Int8Network int8 implementation} layer by layer by
 * correlation power analysis of traces from a <em>simulated</em> microcontroller
 * ({@link org.dlsec.attack.sidechannel.MacDevice}). Countermeasures: shuffling and masking on the device, constant-time
 * or random-delay serving. {@link org.dlsec.attack.sidechannel.SideChannelAttacks} is the registry.
 *
 * <p>May import: core, data, model, metric, train.
 */
package org.dlsec.attack.sidechannel;
