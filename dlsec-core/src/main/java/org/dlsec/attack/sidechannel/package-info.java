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
 *
 * <p>Example: CPA on the first layer of a dlsec LeNet-5's int8 implementation, 5000 simulated traces at σ = 1 Hamming
 * weight, then again against a shuffling device. The attacks are built and validated before any data is read; the
 * caller owns the model (and its native memory) and closes it. The timing attack takes the same steps with
 * {@code "timing"} and a victim whose {@link org.dlsec.attack.sidechannel.Deployment} serves and times models.
 * <pre>{@code
 * SideChannelAttacks.Params p = SideChannelAttacks.Params.defaults(42L);   // 5000 traces, sigma 1, hw, layer 1
 * SideChannelAttack power = SideChannelAttacks.create("power", p);
 * SideChannelAttack shuffled = SideChannelAttacks.create("power", new SideChannelAttacks.Params(p.traces(),
 *         p.sigma(), p.leakage(), Countermeasure.SHUFFLE, p.layers(), false, 0, 0, 2, 0, 42L));
 * Dataset train = Datasets.load("mnist", "train", Optional.empty());      // the attacker's data and calibration
 * Dataset test = Datasets.load("mnist", "test", Optional.empty());
 * try (Classifier model = Models.load(Path.of("models/lenet5"), new Shape(1, 28, 28))) {
 *     SideChannelVictim victim = new SideChannelVictim(model, model.info().sha256(), train, test, null);
 *     PowerAnalysis.Result clean = (PowerAnalysis.Result) power.run(victim, false);
 *     System.out.print(PowerAnalysis.summary(clean));                      // weights recovered, per layer
 *     boolean defeated = !shuffled.run(victim, false).succeeded();
 * }
 * }</pre>
 */
package org.dlsec.attack.sidechannel;
