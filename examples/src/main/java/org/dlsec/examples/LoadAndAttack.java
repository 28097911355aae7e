package org.dlsec.examples;

import java.nio.file.Path;
import org.dlsec.attack.evasion.AttackResult;
import org.dlsec.attack.evasion.EvasionAttack;
import org.dlsec.attack.evasion.Pgd;
import org.dlsec.attack.evasion.Square;
import org.dlsec.data.Dataset;
import org.dlsec.data.Datasets;
import org.dlsec.model.Bounds;
import org.dlsec.model.Classifier;
import org.dlsec.model.LoadOptions;
import org.dlsec.model.Models;

/**
 * Loads a TorchScript model exported from PyTorch, attacks 200 MNIST test images with PGD (white box) and Square
 * (black box, scores only) and prints what each achieved. Usage: {@code LoadAndAttack model.pt}.
 */
public final class LoadAndAttack {
    private LoadAndAttack() {}

    public static void main(String[] args) {
        Path modelFile = Path.of(args[0]);
        // README: begin load-and-attack
        Dataset test = Datasets.load("mnist", "test").first(200);   // bundled MNIST, or a CSV/.npz/image folder path
        LoadOptions how = LoadOptions.of(test.sampleShape()).withBounds(new Bounds(0, 1));
        try (Classifier model = Models.load(modelFile, how)) {
            EvasionAttack pgd = Pgd.linf(0.3).steps(40).stepSize(0.01).build();
            AttackResult r = pgd.run(model, test);                          // batches of 250, no progress bar
            System.out.println(r.summary());
            AttackResult sq = Square.linf(0.3).maxQueries(1000).build().run(model, test);
            System.out.printf("PGD robust accuracy %.3f, Square %.3f (%.0f queries per image)%n",
                    r.robustAccuracy(), sq.robustAccuracy(), sq.summary().meanQueries());
        }
        // README: end
    }
}
