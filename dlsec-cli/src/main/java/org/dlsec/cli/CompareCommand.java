package org.dlsec.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.dlsec.core.AtomicFiles;
import org.dlsec.core.Json;
import org.dlsec.report.Comparison;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code dlsec compare}: two audits side by side, with the change of every shared figure and its significance. */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = {"Compare two audits (e.g. undefended vs adversarially trained, fp32 vs int8): every figure both"
                + " measured, side by side with its 95% interval, the change, and whether the intervals overlap.",
                "Writes compare.json and index.html to --out."})
final class CompareCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "BEFORE", description = "The first audit's --out directory (or its report.json).")
    Path before;

    @Parameters(index = "1", paramLabel = "AFTER", description = "The second audit's --out directory (or its report.json).")
    Path after;

    @Option(names = "--out", required = true, description = "Directory for compare.json and index.html.")
    Path out;

    @Override
    public Integer call() {
        Outputs.dir(out, "--out");
        Comparison c = Comparison.of(before, after);
        AtomicFiles.directory(out, "compare output directory");
        Json.write(out.resolve("compare.json"), c);
        AtomicFiles.writeString(out.resolve("index.html"), c.html());
        long changed = c.rows().stream().filter(r -> Boolean.FALSE.equals(r.overlap())).count();
        System.out.printf("%d figures in both audits; %d changed beyond their 95%% intervals%n", c.rows().size(), changed);
        for (Comparison.Row r : c.rows()) {
            if (Boolean.FALSE.equals(r.overlap()) && !r.metric().contains("@")) {
                System.out.printf("  %s: %.4g -> %.4g%n", r.path(), r.before(), r.after());
            }
        }
        System.out.println("comparison: " + out.resolve("index.html").toAbsolutePath());
        return Main.EXIT_OK;
    }
}
