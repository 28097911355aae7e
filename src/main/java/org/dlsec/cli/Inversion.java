package org.dlsec.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dlsec.attack.inference.MembershipAttacks;
import org.dlsec.attack.inference.MiFace;
import org.dlsec.core.Json;
import org.dlsec.core.Provenance;
import org.dlsec.data.Dataset;
import org.dlsec.model.Classifier;
import org.dlsec.report.ImageGrid;

/** The inversion branch of {@code dlsec privacy}: MI-Face, one reconstruction per class, as a grid. */
final class Inversion {
    private Inversion() {}

    static int run(Path modelPath, Dataset data, Map<String, String> params, long seed, Path json, Path images) {
        MiFace attack = MembershipAttacks.inversion(params);
        try (Classifier model = Loading.model(modelPath, data)) {
            Provenance prov = Provenance.start(model.info().sha256(), model.info().describe(), data.origin(),
                    attack.parameters(), seed);
            MiFace.Result r = attack.infer(model);
            StringBuilder conf = new StringBuilder();
            for (int c = 0; c < r.confidence().length; c++) {
                conf.append(String.format(" %d:%.3f", c, r.confidence()[c]));
            }
            System.out.printf("inversion (MI-Face): %d steps, %d gradient calls, %.1f s; confidence per class%s%n", r.steps(),
                    r.gradients(), r.seconds(), conf);
            if (images != null) {
                int ch = (int) data.sampleShape().get(0);
                int h = (int) data.sampleShape().get(1);
                int w = (int) data.sampleShape().get(2);
                // reconstructions in one row, and for comparison one real training image of each class below
                List<ImageGrid.Panel> row = new ArrayList<>();
                List<ImageGrid.Panel> real = new ArrayList<>();
                List<String> header = new ArrayList<>();
                for (int c = 0; c < r.images().length; c++) {
                    String name = c < data.classNames().size() ? data.classNames().get(c) : String.valueOf(c);
                    header.add(name);
                    row.add(new ImageGrid.Panel(r.images()[c], ch, h, w, String.format("p=%.2f", r.confidence()[c]), false));
                    for (int i = 0; i < data.size(); i++) {
                        if (data.label(i) == c) {
                            real.add(new ImageGrid.Panel(data.image(i), ch, h, w, "test image", false));
                            break;
                        }
                    }
                }
                ImageGrid grid = new ImageGrid(header, 3);
                grid.addRow(row);
                if (real.size() == row.size()) {
                    grid.addRow(real);
                }
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
                out.put("model", model.info());
                out.put("provenance", prov.finishedNow());
                Json.write(json, out);
            }
        }
        return Main.EXIT_OK;
    }
}
