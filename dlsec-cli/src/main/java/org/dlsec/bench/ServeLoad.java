package org.dlsec.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.dlsec.core.DlsecException;
import org.dlsec.data.Dataset;

/**
 * A bounded load test of {@code POST /v1/predict} (fixed batch, several client threads, stop after a
 * time or a request count) and a hostile-input check (each malformed, oversize, wrong-shape or
 * unauthenticated request must get its 4xx, never a 5xx or a dropped connection).
 */
public final class ServeLoad {
    private ServeLoad() {}

    /** Requests, errors, throughput and latency percentiles (milliseconds). */
    public record Result(long requests, long errors, double seconds, double requestsPerSecond, double samplesPerSecond,
            double p50Ms, double p99Ms, double maxMs, Map<String, Long> statuses) {}

    /** One hostile probe and what came back. */
    public record Probe(String name, int expected, int got, boolean ok) {}

    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    /** The JSON body for images [from, from + n) of {@code d}. */
    static String body(Dataset d, int from, int n) {
        StringBuilder s = new StringBuilder("{\"inputs\":[");
        for (int i = 0; i < n; i++) {
            float[] x = d.image((from + i) % d.size());
            s.append(i == 0 ? "[" : ",[");
            for (int j = 0; j < x.length; j++) {
                s.append(j == 0 ? "" : ",").append(x[j] == 0f ? "0" : Float.toString(x[j]));
            }
            s.append(']');
        }
        return s.append("]}").toString();
    }

    public static Result load(URI base, String token, Dataset data, int batch, int threads, double seconds,
            long maxRequests) {
        DlsecException.require(batch >= 1 && threads >= 1 && seconds > 0 && maxRequests >= 1, "load test",
                "batch, threads, seconds and max requests must be positive");
        String[] bodies = new String[Math.min(16, Math.max(1, data.size() / batch))];
        for (int i = 0; i < bodies.length; i++) {
            bodies[i] = body(data, i * batch, batch);
        }
        Traffic traffic = new Traffic(base.resolve("/v1/predict"), token, bodies, maxRequests);
        ConcurrentLinkedQueue<long[]> lat = new ConcurrentLinkedQueue<>();
        long start = System.nanoTime();
        long deadline = start + (long) (seconds * 1e9);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int first = t;
            Thread w = new Thread(() -> lat.add(traffic.drive(first, deadline)), "load-" + t);
            w.start();
            workers.add(w);
        }
        for (Thread w : workers) {
            try {
                w.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        double secs = (System.nanoTime() - start) / 1e9;
        long[] all = lat.stream().flatMapToLong(Arrays::stream).sorted().toArray();
        long n = all.length;
        Map<String, Long> st = new LinkedHashMap<>();
        traffic.statuses().forEach((k, v) -> st.put(k, v.get()));
        return new Result(n, traffic.errors().get(), secs, n / secs, n * batch / secs, pct(all, 0.50), pct(all, 0.99),
                n == 0 ? 0 : all[all.length - 1] / 1e6, st);
    }

    /** What the load threads share: the requests to send, the budget and the counters. */
    private record Traffic(URI predict, String token, String[] bodies, long maxRequests, Map<String, AtomicLong> statuses,
            AtomicLong sent, AtomicLong errors) {
        Traffic(URI predict, String token, String[] bodies, long maxRequests) {
            this(predict, token, bodies, maxRequests, new java.util.concurrent.ConcurrentHashMap<>(), new AtomicLong(),
                    new AtomicLong());
        }

        /** One thread's requests, bodies in turn from {@code first}, until the deadline or the budget: latencies (ns). */
        long[] drive(int first, long deadline) {
            List<Long> mine = new ArrayList<>();
            int i = first;
            while (System.nanoTime() < deadline && sent.incrementAndGet() <= maxRequests) {
                long t0 = System.nanoTime();
                String key = send(bodies[i++ % bodies.length]);
                if (Thread.currentThread().isInterrupted()) {
                    break;
                }
                mine.add(System.nanoTime() - t0);
                statuses.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
            }
            return mine.stream().mapToLong(Long::longValue).toArray();
        }

        /** Sends one request: its status code, or the name of the exception it failed with (counted as errors). */
        private String send(String body) {
            HttpRequest.Builder r = HttpRequest.newBuilder(predict).timeout(Duration.ofSeconds(60))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
            if (token != null) {
                r.header("Authorization", "Bearer " + token);
            }
            try {
                HttpResponse<byte[]> resp = HTTP.send(r.build(), HttpResponse.BodyHandlers.ofByteArray());
                if (resp.statusCode() != 200) {
                    errors.incrementAndGet();
                }
                return Integer.toString(resp.statusCode());
            } catch (Exception e) {
                errors.incrementAndGet();
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                return e.getClass().getSimpleName();
            }
        }
    }

    private static double pct(long[] sorted, double q) {
        if (sorted.length == 0) {
            return 0;
        }
        int i = (int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
        return sorted[Math.max(0, i)] / 1e6;
    }

    /**
     * Sends each hostile request once; {@code ok} when the answer is the expected 4xx (for an
     * oversize body, or a closed connection: {@code got} is -1 when no status came back).
     */
    public static List<Probe> hostile(URI base, String token, Dataset data, long maxBodyBytes, int maxBatch) {
        String good = body(data, 0, 1);
        List<Probe> out = new ArrayList<>();
        Object[][] cases = {
            {"malformed JSON", "{\"inputs\": [[0.1, ", token, 400},
            {"not an object", "[1,2,3]", token, 400},
            {"binary garbage", "\u0000\u00ff\u0013garbage", token, 400},
            {"NaN value", "{\"inputs\": [[NaN]]}", token, 400},
            {"string value", "{\"inputs\": [[\"0.5\"]]}", token, 400},
            {"wrong shape (10 values)", "{\"inputs\": [[0,0,0,0,0,0,0,0,0,0]]}", token, 400},
            {"value out of range", good.replaceFirst("\\[\\[0", "[[7"), token, 400},
            {"empty batch", "{\"inputs\": []}", token, 400},
            {"batch over the limit", body(data, 0, maxBatch + 1), token, 413},
            {"oversize body", "{\"inputs\": [[" + "0,".repeat((int) Math.min(maxBodyBytes / 2 + 10, 1 << 26)) + "0]]}", token, 413},
        };
        for (Object[] c : cases) {
            out.add(probe(base, (String) c[0], (String) c[1], (String) c[2], (int) c[3]));
        }
        if (token != null) {
            out.add(probe(base, "missing token", good, null, 401));
            out.add(probe(base, "wrong token", good, token + "-wrong", 401));
        }
        out.add(probe(base, "good request", good, token, 200));
        return out;
    }

    private static Probe probe(URI base, String name, String body, String token, int expected) {
        HttpRequest.Builder r = HttpRequest.newBuilder(base.resolve("/v1/predict")).timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            r.header("Authorization", "Bearer " + token);
        }
        int got;
        try {
            got = HTTP.send(r.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            got = -1;
        }
        // a body over the limit may also be refused by closing the connection before the client has
        // sent it all (the server does not read what it will not accept); the client then sees no status
        return new Probe(name, expected, got, got == expected || (expected == 413 && got == -1));
    }
}
