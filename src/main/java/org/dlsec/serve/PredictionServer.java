package org.dlsec.serve;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Hashing;
import org.dlsec.core.Json;
import org.dlsec.core.Seeds;
import org.dlsec.core.Tensors;
import org.dlsec.defence.detection.Prada;
import org.dlsec.defence.postprocess.OutputPolicy;
import org.dlsec.model.Classifier;
import org.dlsec.model.Engines;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The prediction API ({@code dlsec serve}) on the JDK's {@code com.sun.net.httpserver}.
 *
 * <ul>
 *   <li>{@code POST /v1/predict} with {@code {"inputs": [[v, ...], ...]}}: one array of C·H·W values
 *   (flat, or nested in any way) per input, values inside the model's bounds. Answers
 *   {@code {"output": "...", "predictions": [{"label": L, "classes": [...], "probabilities": [...]}, ...],
 *   "queries": used, "budgetLeft": left}}; {@code classes}/{@code probabilities} are omitted for top1.</li>
 *   <li>{@code GET /v1/health}: status, input shape, classes, bounds, output policy, limits (no token needed).</li>
 *   <li>{@code GET /v1/stats}: per-client requests, queries, rejections, budget and PRADA state (token needed).</li>
 * </ul>
 *
 * <p>Hostile input never reaches the model: bodies are capped before parsing (413), JSON is parsed by
 * a streaming parser that rejects anything but the documented shape (400), tokens are compared in
 * constant time against SHA-256 digests (401), budgets and rate limits answer 429, wrong methods 405,
 * unknown paths 404. Each rejection is logged on one line, without the token. Slow clients are cut by
 * the JDK server's {@code sun.net.httpserver.maxReqTime}/{@code maxRspTime} (set here to 30 s / 60 s
 * unless given).
 */
public final class PredictionServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PredictionServer.class);
    private static final JsonFactory JSON = new JsonFactory();
    private static final String ANONYMOUS = "anonymous";

    static {
        setIfAbsent("sun.net.httpserver.maxReqTime", "30");
        setIfAbsent("sun.net.httpserver.maxRspTime", "60");
        setIfAbsent("sun.net.httpserver.maxReqHeaders", "100");
        // answers are small and written in two parts (headers, body): without TCP_NODELAY, Nagle's
        // algorithm and the client's delayed ACK add ~40 ms to every request
        setIfAbsent("sun.net.httpserver.nodelay", "true");
    }

    private final Classifier model;
    private final ServeConfig config;
    private final HttpServer server;
    private final ExecutorService executor;
    private final NDManager root;
    private final ReentrantLock modelLock = new ReentrantLock();
    private final int sampleSize;
    private final RequestDecoder decoder;
    private final byte[][] tokenDigests;
    private final Map<String, Client> clients = new LinkedHashMap<>();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final long started = System.nanoTime();

    /**
     * Sets the seconds a client has to send a whole request (headers and body) before its
     * connection is closed ({@code sun.net.httpserver.maxReqTime}). The JDK reads the setting once,
     * when the first server of the process starts, so this must be called before that.
     */
    public static void setReadTimeout(int seconds) {
        DlsecException.require(seconds >= 1, "read timeout", "must be at least 1 second, got " + seconds);
        System.setProperty("sun.net.httpserver.maxReqTime", Integer.toString(seconds));
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    /** Per-client accounting; every field is guarded by the client's monitor. */
    private final class Client {
        final String name;
        final Prada prada;
        final SplittableRandom noise;
        long requests;
        long queries;
        long rejected;
        double bucket;
        long bucketTime = System.nanoTime();

        Client(String name, int index) {
            this.name = name;
            this.prada = config.prada() == null ? null : new Prada(config.prada());
            this.noise = new SplittableRandom(Seeds.mix(config.seed(), index));
            this.bucket = Math.max(1, config.rate());
        }

        /** Takes one request from the token bucket; false when empty. */
        boolean allow() {
            if (config.rate() <= 0) {
                return true;
            }
            long now = System.nanoTime();
            double cap = Math.max(1, config.rate());
            bucket = Math.min(cap, bucket + (now - bucketTime) / 1e9 * config.rate());
            bucketTime = now;
            if (bucket >= 1) {
                bucket -= 1;
                return true;
            }
            return false;
        }

        Map<String, Object> stats() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("requests", requests);
            m.put("queries", queries);
            m.put("rejected", rejected);
            m.put("budgetLeft", config.queryBudget() > 0 ? config.queryBudget() - queries : null);
            if (prada != null) {
                Prada.Status s = prada.status();
                m.put("pradaFlagged", s.flagged());
                m.put("pradaDetectedAtQuery", s.detectedAtQuery() >= 0 ? s.detectedAtQuery() : null);
                m.put("pradaW", Double.isNaN(s.w()) ? null : s.w());
                m.put("pradaMinW", Double.isNaN(s.minW()) ? null : s.minW());
                m.put("pradaMinWAtQuery", s.minWAtQuery() >= 0 ? s.minWAtQuery() : null);
                m.put("pradaDistances", s.distances());
            }
            return m;
        }
    }

    /** A request refused with a 4xx status. */
    private static final class Rejection extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;
        final transient Map<String, String> headers;

        Rejection(int status, String message) {
            this(status, message, Map.of());
        }

        Rejection(int status, String message, Map<String, String> headers) {
            super(message, null, false, false);
            this.status = status;
            this.headers = headers;
        }
    }

    private PredictionServer(Classifier model, ServeConfig config) throws IOException {
        this.model = model;
        this.config = config;
        this.sampleSize = (int) model.inputShape().size();
        this.decoder = new RequestDecoder(sampleSize, model.bounds().min(), model.bounds().max(), config.maxBatch(),
                model.inputShape().toString());
        this.tokenDigests = new byte[config.tokens().size()][];
        for (int i = 0; i < tokenDigests.length; i++) {
            tokenDigests[i] = digest(config.tokens().get(i));
            clients.put("client-" + (i + 1), new Client("client-" + (i + 1), i + 1));
        }
        if (tokenDigests.length == 0) {
            clients.put(ANONYMOUS, new Client(ANONYMOUS, 0));
        }
        this.root = Engines.newManager();
        this.server = HttpServer.create(new InetSocketAddress(config.host(), config.port()), 64);
        AtomicInteger n = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(config.threads(), r -> {
            Thread t = new Thread(r, "dlsec-serve-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
    }

    /** Starts serving {@code model} (owned by the caller) with {@code config}. */
    public static PredictionServer start(Classifier model, ServeConfig config) {
        try {
            PredictionServer s = new PredictionServer(model, config);
            s.server.start();
            return s;
        } catch (IOException e) {
            throw new DlsecException("cannot listen on " + config.host() + ":" + config.port() + ": " + e.getMessage(), e);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The base URI, e.g. {@code http://127.0.0.1:8080}. */
    public URI uri() {
        String host = config.host().contains(":") ? "[" + config.host() + "]" : config.host();
        return URI.create("http://" + host + ":" + port());
    }

    public ServeConfig config() {
        return config;
    }

    /** What {@code GET /v1/stats} answers. */
    public Map<String, Object> stats() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("uptimeSeconds", (System.nanoTime() - started) / 1e9);
        m.put("requests", requests.get());
        m.put("rejected", rejected.get());
        Map<String, Object> per = new LinkedHashMap<>();
        for (Client c : clients.values()) {
            synchronized (c) {
                per.put(c.name, c.stats());
            }
        }
        m.put("clients", per);
        return m;
    }

    /** Stops accepting requests, waits up to one second for running ones, and frees native memory. */
    @Override
    public void close() {
        server.stop(1);
        executor.shutdown();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        root.close();
    }

    private void handle(HttpExchange ex) {
        requests.incrementAndGet();
        String client = "-";
        try (ex) {
            try {
                String path = ex.getRequestURI().getPath();
                switch (path) {
                    case "/v1/health" -> {
                        requireMethod(ex, "GET");
                        respond(ex, 200, Json.toString(health()).getBytes(StandardCharsets.UTF_8), Map.of());
                    }
                    case "/v1/stats" -> {
                        requireMethod(ex, "GET");
                        client = authenticate(ex).name;
                        respond(ex, 200, Json.toString(stats()).getBytes(StandardCharsets.UTF_8), Map.of());
                    }
                    case "/v1/predict" -> {
                        requireMethod(ex, "POST");
                        Client c = authenticate(ex);
                        client = c.name;
                        predict(ex, c);
                    }
                    default -> throw new Rejection(404, "no such endpoint: use POST /v1/predict, GET /v1/health or GET /v1/stats");
                }
            } catch (Rejection r) {
                reject(ex, client, r);
            } catch (IOException e) {
                // the client went away or timed out: nothing to answer
                rejected.incrementAndGet();
                LOG.warn("rejected {} {} client={} from {}: connection error: {}", ex.getRequestMethod(),
                        ex.getRequestURI().getPath(), client, remote(ex), e.getMessage());
            } catch (RuntimeException | Error e) {
                LOG.error("internal error on {} {} client={}", ex.getRequestMethod(), ex.getRequestURI().getPath(), client, e);
                try {
                    respond(ex, 500, errorJson("internal error"), Map.of());
                } catch (IOException ignored) {
                    // connection already broken
                }
            }
        }
    }

    private void reject(HttpExchange ex, String client, Rejection r) {
        rejected.incrementAndGet();
        Client c = clients.get(client);
        if (c != null) {
            synchronized (c) {
                c.rejected++;
            }
        }
        LOG.warn("rejected {} {} {} client={} from {}: {}", r.status, ex.getRequestMethod(), ex.getRequestURI().getPath(),
                client, remote(ex), r.getMessage());
        try {
            drain(ex);
            respond(ex, r.status, errorJson(r.getMessage()), r.headers);
        } catch (IOException ignored) {
            // the client went away
        }
    }

    private static String remote(HttpExchange ex) {
        InetSocketAddress a = ex.getRemoteAddress();
        return a == null ? "?" : a.getAddress().getHostAddress();
    }

    /** Reads what is left of a small request body so that the connection can be reused. */
    private void drain(HttpExchange ex) {
        try {
            InputStream in = ex.getRequestBody();
            byte[] buf = new byte[8192];
            long left = 1 << 16;
            int r;
            while (left > 0 && (r = in.read(buf)) > 0) {
                left -= r;
            }
        } catch (IOException ignored) {
            // nothing to drain
        }
    }

    private static void requireMethod(HttpExchange ex, String method) throws Rejection {
        if (!ex.getRequestMethod().equals(method)) {
            throw new Rejection(405, "method " + ex.getRequestMethod() + " not allowed here; use " + method,
                    Map.of("Allow", method));
        }
    }

    private Client authenticate(HttpExchange ex) throws Rejection {
        if (tokenDigests.length == 0) {
            return clients.get(ANONYMOUS);
        }
        List<String> auth = ex.getRequestHeaders().get("Authorization");
        if (auth == null || auth.isEmpty()) {
            throw new Rejection(401, "missing bearer token", Map.of("WWW-Authenticate", "Bearer realm=\"dlsec\""));
        }
        String h = auth.get(0);
        if (auth.size() != 1 || !h.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new Rejection(401, "expected 'Authorization: Bearer TOKEN'",
                    Map.of("WWW-Authenticate", "Bearer realm=\"dlsec\""));
        }
        byte[] presented = digest(h.substring(7).strip());
        int match = -1;
        for (int i = 0; i < tokenDigests.length; i++) {
            // constant time per comparison, and every token is compared
            if (MessageDigest.isEqual(tokenDigests[i], presented)) {
                match = i;
            }
        }
        if (match < 0) {
            throw new Rejection(401, "invalid token", Map.of("WWW-Authenticate", "Bearer realm=\"dlsec\", error=\"invalid_token\""));
        }
        return clients.get("client-" + (match + 1));
    }

    private static byte[] digest(String token) {
        MessageDigest md = Hashing.sha256();
        return md.digest(token.getBytes(StandardCharsets.UTF_8));
    }

    private Map<String, Object> health() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", "ok");
        m.put("inputShape", model.inputShape().getShape());
        m.put("numClasses", model.numClasses());
        m.put("bounds", new double[] {model.bounds().min(), model.bounds().max()});
        m.put("output", config.output().spec());
        m.put("maxBatch", config.maxBatch());
        m.put("maxBodyBytes", config.maxBodyBytes());
        m.put("auth", tokenDigests.length > 0 ? "bearer" : "none");
        m.put("queryBudget", config.queryBudget() > 0 ? config.queryBudget() : null);
        return m;
    }

    private void predict(HttpExchange ex, Client c) throws Rejection, IOException {
        synchronized (c) {
            c.requests++;
            if (!c.allow()) {
                throw new Rejection(429, "rate limit of " + config.rate() + " requests/s exceeded",
                        Map.of("Retry-After", "1"));
            }
        }
        byte[] body = readBody(ex);
        float[] x = parse(body);
        int n = x.length / sampleSize;
        long used;
        synchronized (c) {
            if (config.queryBudget() > 0 && c.queries + n > config.queryBudget()) {
                throw new Rejection(429, "query budget spent: " + c.queries + " of " + config.queryBudget()
                        + " used, this batch needs " + n);
            }
            c.queries += n;
            used = c.queries;
        }
        float[] proba = classify(x, n);
        int k = model.numClasses();
        OutputPolicy.Answer[] answers = new OutputPolicy.Answer[n];
        synchronized (c) {
            for (int i = 0; i < n; i++) {
                float[] row = new float[k];
                System.arraycopy(proba, i * k, row, 0, k);
                answers[i] = config.output().apply(row, c.noise);
                if (c.prada != null) {
                    c.prada.observe(x, i * sampleSize, sampleSize, answers[i].label());
                }
            }
            if (c.prada != null) {
                Prada.Status s = c.prada.check();
                if (s.flagged() && s.detectedAtQuery() > used - n) {
                    LOG.warn("PRADA flagged client={} after {} queries (W={})", c.name, s.detectedAtQuery(),
                            String.format("%.4f", s.w()));
                }
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 + n * k * 16);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("output", config.output().spec());
            g.writeArrayFieldStart("predictions");
            for (OutputPolicy.Answer a : answers) {
                g.writeStartObject();
                g.writeNumberField("label", a.label());
                if (a.classes().length > 0) {
                    g.writeFieldName("classes");
                    g.writeArray(a.classes(), 0, a.classes().length);
                    g.writeArrayFieldStart("probabilities");
                    for (float v : a.probabilities()) {
                        g.writeNumber(v);
                    }
                    g.writeEndArray();
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeNumberField("queries", used);
            if (config.queryBudget() > 0) {
                g.writeNumberField("budgetLeft", config.queryBudget() - used);
            }
            g.writeEndObject();
        }
        respond(ex, 200, out.toByteArray(), Map.of());
    }

    private float[] classify(float[] x, int n) {
        modelLock.lock();
        try (NDManager m = root.newSubManager()) {
            NDArray in = Tensors.floats(m, x, new Shape(n).addAll(model.inputShape()));
            return model.predictProba(in).toFloatArray();
        } finally {
            modelLock.unlock();
        }
    }

    private byte[] readBody(HttpExchange ex) throws Rejection, IOException {
        long declared;
        try {
            declared = RequestDecoder.contentLength(ex.getRequestHeaders().getFirst("Content-Length"), config.maxBodyBytes());
        } catch (RequestDecoder.BadRequest e) {
            throw new Rejection(e.status(), e.getMessage());
        }
        InputStream in = ex.getRequestBody();
        ByteArrayOutputStream buf = new ByteArrayOutputStream(declared < 0 ? 8192 : (int) Math.min(declared, 1 << 24));
        byte[] chunk = new byte[65536];
        long total = 0;
        int r;
        while ((r = in.read(chunk)) > 0) {
            total += r;
            if (total > config.maxBodyBytes()) {
                throw new Rejection(413, "body exceeds the limit of " + config.maxBodyBytes() + " bytes");
            }
            buf.write(chunk, 0, r);
        }
        return buf.toByteArray();
    }

    /** Parses {"inputs": [...]} into a flat array of n·C·H·W validated values (see {@link RequestDecoder}). */
    float[] parse(byte[] body) throws Rejection {
        try {
            return decoder.decode(body);
        } catch (RequestDecoder.BadRequest e) {
            throw new Rejection(e.status(), e.getMessage());
        }
    }

    private static byte[] errorJson(String message) {
        return Json.toString(Map.of("error", message)).getBytes(StandardCharsets.UTF_8);
    }

    private static void respond(HttpExchange ex, int status, byte[] body, Map<String, String> headers) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        headers.forEach((k, v) -> ex.getResponseHeaders().set(k, v));
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    /** A list of the clients' names, for tests and logs. */
    public List<String> clientNames() {
        return new ArrayList<>(clients.keySet());
    }
}
