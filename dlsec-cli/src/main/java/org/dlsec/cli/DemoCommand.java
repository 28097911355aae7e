package org.dlsec.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.dlsec.audit.AuditConfig;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Progress;
import org.dlsec.data.DatasetId;
import org.dlsec.model.Architecture;
import org.dlsec.model.Models;
import org.dlsec.report.AuditReport;
import org.dlsec.train.TrainConfig;
import org.dlsec.train.TrainingRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code dlsec demo}: the README's first command. Trains LeNet-5 on the bundled MNIST (5 epochs,
 * seed 0) or reuses the cached model, runs the default audit and prints the report's path.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Train (or reuse) LeNet-5 on the bundled MNIST, run the default audit, print the report's path.")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--out", defaultValue = "dlsec-demo", description = "Report directory (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--cache", description = "Where the trained demo model is kept (default: $DLSEC_CACHE or"
            + " ~/.cache/dlsec).")
    Path cache;

    @Option(names = "--quiet", description = "No progress bars.")
    boolean quiet;

    @Override
    public Integer call() {
        Progress.setEnabled(!quiet);
        long start = System.nanoTime();
        Path dir = cacheDir().resolve("demo-lenet5-mnist-seed0");
        if (!usable(dir)) {
            System.out.println("[1/2] training LeNet-5 on MNIST (cached in " + dir + " for the next run)");
            TrainingRun.run(Architecture.LENET5, DatasetId.MNIST, Optional.empty(), null, 0, TrainConfig.defaults(5, 0), dir,
                    !quiet, System.out::println);
        } else {
            System.out.println("[1/2] reusing the trained LeNet-5 in " + dir);
        }
        System.out.println("[2/2] auditing it with the default configuration");
        AuditReport r = AuditCommand.audit(dir, "mnist", org.dlsec.data.SourceOptions.of("test", Optional.empty()), AuditConfig.defaults(),
                "default-audit.yaml", null, out, false, true, !quiet);
        AuditCommand.printVerdicts(r);
        System.out.printf("done in %.0f s; report: %s%n", (System.nanoTime() - start) / 1e9,
                out.resolve("index.html").toAbsolutePath());
        return Main.EXIT_OK;
    }

    private Path cacheDir() {
        if (cache != null) {
            return cache;
        }
        String env = System.getenv("DLSEC_CACHE");
        return env != null && !env.isBlank() ? Path.of(env) : Path.of(System.getProperty("user.home"), ".cache", "dlsec");
    }

    /** A cached model is reused only if its card and weights load (the weights' hash is checked). */
    private static boolean usable(Path dir) {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (var c = Models.load(dir, new ai.djl.ndarray.types.Shape(1, 28, 28))) {
            return c.numClasses() == 10;
        } catch (DlsecException e) {
            System.out.println("the cached demo model is unusable (" + e.getMessage() + "): training again");
            return false;
        }
    }
}
