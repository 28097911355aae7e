package org.dlsec.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Json;
import org.dlsec.data.Dataset;
import org.dlsec.data.DatasetId;
import org.dlsec.data.Datasets;
import org.dlsec.metric.Evaluation;
import org.dlsec.model.Architecture;
import org.dlsec.model.Classifier;
import org.dlsec.model.DjlClassifier;
import org.dlsec.model.ModelCard;
import org.dlsec.model.Models;
import org.dlsec.train.ModelTrainer;
import org.dlsec.train.TrainConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code dlsec bench}: runnable benchmarks that print a table; the bench/ scripts add the PyTorch reference. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks: train-speed, memory, serve-load, soak, gradients (see bench/ for the PyTorch comparisons).",
        subcommands = {BenchCommand.TrainSpeed.class, BenchCommand.Memory.class, ServeLoadCommand.class, SoakCommand.class,
            GradientsCommand.class})
public final class BenchCommand {
    /** One or more LeNet-5 training epochs on MNIST, timed without evaluation. */
    @Command(name = "train-speed", mixinStandardHelpOptions = true,
            description = "Time LeNet-5 training epochs on MNIST (training pass only, batch 128, Adam).")
    static final class TrainSpeed implements Callable<Integer> {
        @Option(names = "--epochs", defaultValue = "1")
        int epochs;

        @Option(names = "--batch-size", defaultValue = "128")
        int batchSize;

        @Option(names = "--json")
        Path json;

        @Override
        public Integer call() {
            Dataset train = Datasets.load(DatasetId.MNIST, "train", Optional.empty());
            Dataset test = Datasets.load(DatasetId.MNIST, "test", Optional.empty());
            List<Map<String, Object>> rows = new ArrayList<>();
            try (DjlClassifier model = Models.create(Architecture.LENET5, train.sampleShape(), 10, 0)) {
                List<ModelCard.EpochRecord> epochsSeen = new ArrayList<>();
                new ModelTrainer(new TrainConfig(epochs, batchSize, "adam", 1e-3, 0, "constant"), null, epochsSeen::add, false)
                        .train(model, train, null, null, Map.of());
                double acc = Evaluation.accuracy(model, test);
                System.out.printf("%-8s %-10s %-14s%n", "epoch", "seconds", "test accuracy");
                for (ModelCard.EpochRecord e : epochsSeen) {
                    System.out.printf("%-8d %-10.3f %s%n", e.epoch(), e.seconds(),
                            e.epoch() == epochs ? String.format("%.4f", acc) : "");
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("epoch", e.epoch());
                    row.put("seconds", e.seconds());
                    rows.add(row);
                }
                if (json != null) {
                    Json.write(json, Map.of("epochs", rows, "testAccuracy", acc));
                }
            }
            return 0;
        }
    }

    /** Repeated evaluation passes over the MNIST test set, recording process RSS after each. */
    @Command(name = "memory", mixinStandardHelpOptions = true,
            description = "Evaluate a model over the MNIST test set N times and record the RSS after each pass.")
    static final class Memory implements Callable<Integer> {
        @Option(names = "--model", description = "Model to evaluate (default: a fresh LeNet-5).")
        Path model;

        @Option(names = "--passes", defaultValue = "20")
        int passes;

        @Option(names = "--json")
        Path json;

        @Override
        public Integer call() {
            DlsecException.require(passes >= 2 && passes <= 10_000, "passes", "must be in 2..10000, got " + passes);
            Dataset test = Datasets.load(DatasetId.MNIST, "test", Optional.empty());
            List<Double> rss = new ArrayList<>();
            try (Classifier c = model == null ? Models.create(Architecture.LENET5, test.sampleShape(), 10, 0)
                    : Models.load(model, test.sampleShape())) {
                System.out.printf("%-6s %-10s %-10s%n", "pass", "RSS MiB", "accuracy");
                for (int p = 1; p <= passes; p++) {
                    double acc = Evaluation.accuracy(c, test);
                    double r = Rss.mib();
                    rss.add(r);
                    System.out.printf("%-6d %-10.1f %.4f%n", p, r, acc);
                }
            }
            // A leak grows with every pass; the allocator's arenas settle after a few passes and then move
            // up and down. So compare the peak of the second half of the passes with the peak of the first.
            int half = passes / 2;
            double first = rss.get(0);
            double peakFirstHalf = rss.subList(0, half).stream().mapToDouble(Double::doubleValue).max().orElseThrow();
            double peakSecondHalf = rss.subList(half, passes).stream().mapToDouble(Double::doubleValue).max().orElseThrow();
            double growth = (peakSecondHalf - peakFirstHalf) / peakFirstHalf;
            double growthFromFirst = (Math.max(peakFirstHalf, peakSecondHalf) - first) / first;
            System.out.printf("RSS after pass 1: %.1f MiB; peak of passes 1-%d: %.1f MiB, of passes %d-%d: %.1f MiB;"
                    + " growth between the halves %.1f%% (from pass 1 to the peak %.1f%%)%n", first, half,
                    peakFirstHalf, half + 1, passes, peakSecondHalf, 100 * growth, 100 * growthFromFirst);
            if (json != null) {
                Json.write(json, Map.of("rssMiB", rss, "growth", growth, "growthFromFirstPass", growthFromFirst,
                        "passes", passes));
            }
            return 0;
        }
    }
}
