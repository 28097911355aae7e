package org.dlsec.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.dlsec.attack.inference.MiFace;
import org.dlsec.core.Provenance;
import org.dlsec.data.Dataset;
import org.dlsec.experiment.CommandOutput;
import org.dlsec.experiment.PrivacyRun;
import org.dlsec.experiment.PrivacySpec;
import org.dlsec.model.Classifier;
import org.dlsec.report.ImageGrid;

/** The inversion branch of {@code dlsec privacy}: MI-Face, one reconstruction per class, as a grid. */
final class Inversion {
    private Inversion() {}

    static int run(Path modelPath, ModelFlags flags, Dataset data, PrivacySpec spec, Path json, Path images) {
        MiFace attack = PrivacyRun.inversion(spec);
        try (Classifier model = flags.load(modelPath, data)) {
            Provenance prov = model.startProvenance(data.origin(),
                    attack.parameters(), spec.seed());
            MiFace.Result r = attack.infer(model);
            StringBuilder conf = new StringBuilder();
            for (int c = 0; c < r.confidence().length; c++) {
                conf.append(String.format(" %d:%.3f", c, r.confidence()[c]));
            }
            System.out.printf("inversion (MI-Face): %d steps, %d gradient calls, %.1f s; confidence per class%s%n", r.steps(),
                    r.gradients(), r.seconds(), conf);
            org.dlsec.core.NumericalIssue.lines(r.numericalIssues(), 5).forEach(System.out::println);
            if (images != null) {
                ImageGrid grid = org.dlsec.report.AdversarialGrids.inversion(r.images(), r.confidence(), data);
                Path file = images.resolve("inversion.png");
                grid.write(file);
                System.out.println("reconstructions written to " + file);
            }
            if (json != null) {
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("attack", "inversion");
                out.put("confidence", r.confidence());
                out.put("steps", r.steps());
                out.put("gradients", r.gradients());
                out.put("seconds", r.seconds());
                out.put("parameters", r.parameters());
                out.put("numericalIssues", r.numericalIssues());
                CommandOutput.of("privacy", out).withModel(model.info(), ModelFlags.describe(model)).finishing(prov)
                        .write(json);
            }
        }
        return Main.EXIT_OK;
    }
}
