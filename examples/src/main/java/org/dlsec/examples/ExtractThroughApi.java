package org.dlsec.examples;

import java.net.URI;
import org.dlsec.attack.extraction.ExtractionEvaluation;
import org.dlsec.attack.extraction.KnockoffNets;
import org.dlsec.data.Dataset;
import org.dlsec.data.Datasets;
import org.dlsec.model.Classifier;
import org.dlsec.model.DjlClassifier;
import org.dlsec.model.RemoteClassifier;

/**
 * Steals a model behind a prediction API ({@code dlsec serve}, or any server speaking its JSON) with Knockoff Nets:
 * every query crosses HTTP and is counted. Prints the knockoff's fidelity to the target on MNIST test images.
 * Usage: {@code ExtractThroughApi http://host:port budget}.
 */
public final class ExtractThroughApi {
    private ExtractThroughApi() {}

    public static void main(String[] args) {
        URI api = URI.create(args[0]);
        int budget = Integer.parseInt(args[1]);
        Dataset test = Datasets.load("mnist", "test").first(500);
        Dataset queries = Datasets.load("mnist", "train").first(budget);   // the attacker's own unlabelled images
        // README: begin extract
        try (Classifier remote = RemoteClassifier.connect(api, null, 256);
             DjlClassifier stolen = KnockoffNets.builder(queries).budget(budget).training(5, 64, 1e-3).build().extract(remote)) {
            ExtractionEvaluation.Result r = ExtractionEvaluation.measure(remote, stolen, test);
            System.out.printf("fidelity %.3f, knockoff accuracy %.3f, target accuracy %.3f, %d queries%n",
                    r.fidelity(), r.substituteAccuracy(), r.targetAccuracy(), remote.stats().queries());
        }
        // README: end
    }
}
