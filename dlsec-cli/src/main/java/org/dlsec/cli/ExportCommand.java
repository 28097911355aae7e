package org.dlsec.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.dlsec.core.DlsecException;
import org.dlsec.model.DjlClassifier;
import org.dlsec.model.ModelCard;
import org.dlsec.model.Models;
import org.dlsec.model.WeightsExport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code dlsec export}: a dlsec model's weights as float32 data plus a JSON index. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Export a dlsec model's weights (float32 little-endian .bin + .json index) for other frameworks.")
final class ExportCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "A dlsec model directory.")
    Path model;

    @Option(names = "--out", required = true, description = "The index file to write (FILE.json; data goes to FILE.bin).")
    Path out;

    @Override
    public Integer call() {
        Outputs.file(out, "--out");
        if (!out.getFileName().toString().endsWith(".json")) {
            throw new DlsecException("invalid --out: the index file must end in .json");
        }
        ModelCard card = Models.card(model);
        try (var c = Models.load(model, new ai.djl.ndarray.types.Shape(card.inputShape()))) {
            int n = WeightsExport.write((DjlClassifier) c, out).size();
            System.out.printf("exported %d parameters of %s to %s%n", n, card.architecture(), out);
        }
        return Main.EXIT_OK;
    }
}
