/**
 * Evasion attacks (adversarial examples): white-box gradient attacks, score- and decision-based
 * black-box attacks, universal perturbations and transfer. Every attack implements
 * {@link org.dlsec.attack.evasion.EvasionAttack}; {@link org.dlsec.attack.evasion.EvasionRunner}
 * runs one over a dataset or a list of ε. May import: core, data, model, metric.
 *
 * <p>Example: PGD at ε = 0.3 (L∞, 40 steps of 0.01) on the first 1,000 MNIST test images, then a
 * robustness curve of the Square Attack over three budgets. Results hold no native memory; the model
 * is the caller's to close.
 * <pre>{@code
 * Dataset test = Datasets.load("mnist", "test", Optional.empty()).first(1000);
 * try (Classifier model = Models.load(Path.of("lenet5.pt"), LoadOptions.of(new Shape(1, 28, 28)))) {
 *     EvasionAttack pgd = Pgd.linf(0.3).steps(40).stepSize(0.01).build();
 *     AttackResult r = pgd.run(model, test);
 *     System.out.printf("robust accuracy %.3f%n", r.robustAccuracy());
 *
 *     RobustnessCurve curve = RobustnessCurve.of(Square.linf(0.1).maxQueries(1000).build(), model, test,
 *             0.1, 0.2, 0.3);
 *     double[] accuracy = curve.robustAccuracy();   // one value per ε
 * }
 * }</pre>
 */
package org.dlsec.attack.evasion;
