package org.dlsec.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.dlsec.audit.AuditConfig;
import org.dlsec.audit.AuditRunner;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Json;
import org.dlsec.data.Dataset;
import org.dlsec.data.DatasetId;
import org.dlsec.data.Datasets;
import org.dlsec.model.Classifier;
import org.dlsec.model.Models;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The soak test: the audit (its attacks and hardware-fault experiments, the report included) run
 * over and over on one loaded model for a fixed time, while a sampler records the JVM heap in use
 * and the process RSS ({@code /proc/self/status}). Native memory that outlives its NDManager scope
 * shows as RSS that keeps growing; the verdict compares the largest RSS after the warm-up with the
 * RSS at the end of the warm-up.
 */
@Command(name = "soak", mixinStandardHelpOptions = true,
        description = "Run the audit in a loop for N minutes, sampling JVM heap and RSS; PASS if RSS grows < 10% after warm-up.")
final class SoakCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "Model to audit (a dlsec model directory for the fault experiments).")
    Path model;

    @Option(names = "--dataset", defaultValue = "mnist", description = "Dataset (default: ${DEFAULT-VALUE}).")
    String dataset;

    @Option(names = "--config", description = "Audit configuration (default: the bundled default audit).")
    Path config;

    @Option(names = "--limit", defaultValue = "20", description = "Samples per audit (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--minutes", defaultValue = "10", description = "How long to run (default: ${DEFAULT-VALUE}).")
    double minutes;

    @Option(names = "--warmup", defaultValue = "2", description = "Minutes of warm-up before the growth is measured"
            + " (default: ${DEFAULT-VALUE}).")
    double warmup;

    @Option(names = "--sample-seconds", defaultValue = "15", description = "Seconds between samples (default: ${DEFAULT-VALUE}).")
    int sampleSeconds;

    @Option(names = "--out", description = "Directory for the audit outputs (default: a temporary directory).")
    Path out;

    @Option(names = "--json", description = "Write the samples and the verdict as JSON to this file.")
    Path json;

    record Sample(double minutes, int audits, double heapMiB, double rssMiB) {}

    @Override
    public Integer call() throws Exception {
        DlsecException.require(limit >= 1 && limit <= 100_000, "--limit", "must be in 1..100000, got " + limit);
        DlsecException.require(minutes > 0 && minutes <= 24 * 60, "--minutes", "must be in (0, 1440], got " + minutes);
        DlsecException.require(warmup >= 0 && warmup < minutes, "--warmup", "must be in [0, --minutes), got " + warmup);
        DlsecException.require(sampleSeconds >= 1 && sampleSeconds <= 3600, "--sample-seconds", "must be in 1..3600");
        org.dlsec.core.Progress.setEnabled(false);
        DatasetId id = DatasetId.parse(dataset);
        AuditConfig cfg = config == null ? AuditConfig.defaults() : AuditConfig.read(config);
        Dataset data = Datasets.load(id, cfg.split(), Optional.empty()).first(limit);
        Path dir = out != null ? out : Files.createTempDirectory("dlsec-soak");
        MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
        List<Sample> samples = java.util.Collections.synchronizedList(new ArrayList<>());
        long t0 = System.nanoTime();
        int[] audits = {0};
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dlsec-soak-sampler");
            t.setDaemon(true);
            return t;
        });
        System.out.printf("%-8s %-7s %-10s %-10s%n", "minutes", "audits", "heap MiB", "RSS MiB");
        sampler.scheduleAtFixedRate(() -> {
            Sample s = new Sample((System.nanoTime() - t0) / 6e10, audits[0],
                    mem.getHeapMemoryUsage().getUsed() / 1048576.0, Rss.mib());
            samples.add(s);
            System.out.printf("%-8.2f %-7d %-10.1f %-10.1f%n", s.minutes(), s.audits(), s.heapMiB(), s.rssMiB());
        }, 0, sampleSeconds, TimeUnit.SECONDS);
        try (Classifier c = Models.load(model, data.sampleShape())) {
            while ((System.nanoTime() - t0) / 6e10 < minutes) {
                AuditRunner.run(c, data, () -> Datasets.load(id, "train", Optional.empty()), false, cfg,
                        config == null ? "default" : config.toString(), dir, false, false);
                synchronized (audits) {
                    audits[0]++;
                }
            }
        } finally {
            sampler.shutdown();
            sampler.awaitTermination(10, TimeUnit.SECONDS);
        }
        return verdict(samples, audits[0], t0);
    }

    /** RSS growth after the warm-up: printed, written with --json; exit 0 below 10%, 1 otherwise. */
    private int verdict(List<Sample> samples, int audits, long t0) {
        List<Sample> after = samples.stream().filter(s -> s.minutes() >= warmup).toList();
        DlsecException.require(after.size() >= 2, "--minutes", "too short to measure: fewer than two samples after warm-up");
        double base = after.get(0).rssMiB();
        double maxRss = after.stream().mapToDouble(Sample::rssMiB).max().orElse(base);
        double last = after.get(after.size() - 1).rssMiB();
        double growth = (maxRss - base) / base;
        boolean pass = growth < 0.10;
        System.out.printf("%d audits in %.1f min; RSS at %.1f min %.1f MiB, max after %.1f MiB, last %.1f MiB: growth %.1f%% -> %s%n",
                audits, (System.nanoTime() - t0) / 6e10, after.get(0).minutes(), base, maxRss, last, 100 * growth,
                pass ? "PASS (< 10%)" : "FAIL (>= 10%)");
        if (json != null) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("model", model.toString());
            m.put("limit", limit);
            m.put("minutes", minutes);
            m.put("warmupMinutes", warmup);
            m.put("audits", audits);
            m.put("samples", samples);
            m.put("rssAfterWarmupMiB", base);
            m.put("rssMaxAfterWarmupMiB", maxRss);
            m.put("rssGrowth", growth);
            m.put("pass", pass);
            Json.write(json, m);
        }
        return pass ? 0 : 1;
    }
}
