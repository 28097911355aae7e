/**
 * Training-time defences, plugged into {@link org.dlsec.train.ModelTrainer} as
 * {@link org.dlsec.train.BatchTransform}s and {@link org.dlsec.train.BatchLoss}es: PGD adversarial
 * training (Madry et al. 2018), TRADES (Zhang et al. 2019), fast FGSM training with a random start
 * (Wong et al. 2020), Gaussian data augmentation for randomised smoothing (Cohen et al. 2019) and
 * defensive distillation (Papernot et al. 2016); and, as a {@link org.dlsec.train.GradientStep},
 * DP-SGD (Abadi et al. 2016) with its Rényi-DP accountant (Mironov 2017; Mironov, Talwar, Zhang 2019).
 * Adversarial training makes its examples with attack.evasion.
 * May import: core, data, model, metric, train, defence, attack.evasion.
 *
 * <p>Example: PGD adversarial training (Madry et al.) of a LeNet-5 at ε = 0.3, ε ramped up over the
 * first 2 epochs; the method goes into the model card.
 * <pre>{@code
 * TrainingMethod madry = TrainingDefences.adversarial("pgd", 0.3, 40, null, 0, 42L, new EpsilonWarmup(2));
 * ModelCard card = TrainingRun.run(Architecture.LENET5, DatasetId.MNIST, Optional.empty(), null, 0.0,
 *         TrainConfig.defaults(10, 42L), madry, null, Path.of("runs/madry"), true, System.out::println);
 * }</pre>
 */
package org.dlsec.defence.training;
