package org.dlsec.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.dlsec.attack.evasion.Pgd;
import org.dlsec.attack.evasion.RobustnessCurve;
import org.dlsec.data.Dataset;
import org.dlsec.data.Datasets;
import org.dlsec.model.Classifier;
import org.dlsec.model.LoadOptions;
import org.dlsec.model.Models;

/**
 * Robust accuracy of a model under PGD over a list of budgets, in one call, as Foolbox's ε lists do; the curve is
 * printed and written as CSV for any plotting tool. Usage: {@code RobustnessCurveExample model.pt curve.csv}.
 */
public final class RobustnessCurveExample {
    private RobustnessCurveExample() {}

    public static void main(String[] args) throws IOException {
        Path modelFile = Path.of(args[0]);
        Path csv = Path.of(args[1]);
        Dataset test = Datasets.load("mnist", "test").first(200);
        // README: begin curve
        try (Classifier model = Models.load(modelFile, LoadOptions.of(test.sampleShape()))) {
            RobustnessCurve curve = RobustnessCurve.of(Pgd.linf(0.3).steps(20).build(), model, test, 0, 0.1, 0.2, 0.3);
            StringBuilder out = new StringBuilder("epsilon,robust_accuracy\n");
            for (int i = 0; i < curve.epsilons().length; i++) {
                out.append(curve.epsilons()[i]).append(',').append(curve.robustAccuracy()[i]).append('\n');
            }
            Files.writeString(csv, out);
            System.out.print(out);
        }
        // README: end
    }
}
