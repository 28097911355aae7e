package org.dlsec.bench;

import ai.djl.ndarray.NDManager;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.dlsec.model.Classifier;
import org.dlsec.model.Engines;
import org.dlsec.model.RemoteClassifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code dlsec bench serve-load}: load test and hostile-input check of a running {@code dlsec serve}, or a benign replay. */
@Command(name = "serve-load", mixinStandardHelpOptions = true,
        description = "Load-test POST /v1/predict of a running `dlsec serve` (bounded by time and requests), check that"
                + " hostile requests get their 4xx, or (--replay N) send the first N MNIST test images as a benign client.")
final class ServeLoadCommand implements Callable<Integer> {
    @Option(names = "--url", required = true, description = "Base URL of the server.")
    URI url;

    @Option(names = "--token-file", description = "Bearer token (first line).")
    Path tokenFile;

    @Option(names = "--seconds", defaultValue = "60", description = "Duration (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--max-requests", defaultValue = "1000000", description = "Request cap (default: ${DEFAULT-VALUE}).")
    long maxRequests;

    @Option(names = "--batch", defaultValue = "32", description = "Inputs per request (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--threads", defaultValue = "4", description = "Client threads (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--replay", description = "Instead: classify the first N MNIST test images in order (a benign client).")
    Integer replay;

    @Option(names = "--json", description = "Write the results as JSON.")
    Path json;

    @Override
    public Integer call() throws Exception {
        if (json != null) {
            org.dlsec.core.AtomicFiles.checkTarget(json, "--json");
        }
        String token = null;
        if (tokenFile != null) {
            List<String> t = org.dlsec.core.BoundedReads.lines(tokenFile, 64 * 1024, "token file").stream().map(String::strip)
                    .filter(s -> !s.isEmpty()).toList();
            if (t.isEmpty()) {
                throw new DlsecException("token file " + tokenFile + " holds no token");
            }
            token = t.get(0);
        }
        Dataset test = Datasets.load(DatasetId.MNIST, "test", Optional.empty());
        Map<String, Object> out = new LinkedHashMap<>();
        if (replay != null) {
            DlsecException.require(replay >= 1 && replay <= test.size(), "--replay", "must be in 1.." + test.size());
            try (Classifier c = RemoteClassifier.connect(url, token, batch); NDManager m = Engines.newManager()) {
                for (int from = 0; from < replay; from += 500) {
                    try (NDManager s = m.newSubManager()) {
                        c.predictLabels(test.images(s, from, Math.min(replay, from + 500)));
                    }
                }
                out.put("replayed", c.stats().queries());
                System.out.printf("replayed %d MNIST test images%n", c.stats().queries());
            }
        } else {
            com.fasterxml.jackson.databind.JsonNode health = Json.MAPPER.readTree(ServeLoad.HTTP.send(
                    java.net.http.HttpRequest.newBuilder(url.resolve("/v1/health")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body());
            ServeLoad.Result r = ServeLoad.load(url, token, test, batch, threads, seconds, maxRequests);
            System.out.printf("load: %d requests of %d in %.1f s with %d threads: %.1f requests/s (%.0f images/s),"
                    + " p50 %.1f ms, p99 %.1f ms, max %.1f ms, errors %d, statuses %s%n", r.requests(), batch, r.seconds(),
                    threads, r.requestsPerSecond(), r.samplesPerSecond(), r.p50Ms(), r.p99Ms(), r.maxMs(), r.errors(),
                    r.statuses());
            List<ServeLoad.Probe> probes = ServeLoad.hostile(url, token, test, health.path("maxBodyBytes").asLong(1 << 20),
                    health.path("maxBatch").asInt(256));
            int bad = 0;
            for (ServeLoad.Probe p : probes) {
                System.out.printf("  %-26s expected %d, got %s %s%n", p.name(), p.expected(),
                        p.got() < 0 ? "a closed connection" : Integer.toString(p.got()), p.ok() ? "ok" : "WRONG");
                bad += p.ok() ? 0 : 1;
            }
            out.put("load", r);
            out.put("batch", batch);
            out.put("threads", threads);
            out.put("hostile", probes);
            out.put("hostileWrong", bad);
        }
        if (json != null) {
            Json.write(json, out);
        }
        return 0;
    }
}
