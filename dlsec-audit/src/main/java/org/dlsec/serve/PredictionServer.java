package org.dlsec.serve;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Hashing;
import org.dlsec.core.Json;
import org.dlsec.core.Seeds;
import org.dlsec.core.Tensors;
import org.dlsec.core.Text;
import org.dlsec.defence.detection.Prada;
import org.dlsec.defence.postprocess.OutputPolicy;
import org.dlsec.model.Classifier;
import org.dlsec.model.Engines;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The prediction API ({@code dlsec serve}) on Jetty's non-blocking HTTP/1.1 server.
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
 * <p>Hostile input never reaches the model: bodies are capped while they are read (413), JSON is
 * parsed by a streaming parser that rejects anything but the documented shape (400), tokens are
 * compared in constant time against SHA-256 digests (401), budgets and rate limits answer 429, wrong
 * methods 405, unknown paths 404, and malformed HTTP gets Jetty's 4xx. Each rejection is logged on one
 * line, control characters escaped, without the token.
 *
 * <p>Slow clients cost no thread: Jetty reads every connection on its selector and hands a request
 * to a handler only once its headers are in; the body is read asynchronously, and only a complete,
 * authenticated request reaches one of the {@code threads} prediction workers. A connection that
 * takes longer than {@link ServeConfig#readTimeout} seconds to send a request's headers (or, once
 * they are in, its body), or that stays idle that long, is closed by a sweep every 250 ms; a client
 * address holding {@link ServeConfig#maxConnectionsPerClient} connections has further ones closed
 * as soon as they open. Health checks therefore stay fast while slow clients are cut.
 */
public final class PredictionServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PredictionServer.class);
    private static final JsonFactory JSON = new JsonFactory();
    private static final String ANONYMOUS = "anonymous";
    private static final long SWEEP_MILLIS = 250;

    static {
        // Jetty's own warnings (a failed write to a client that went away, with a stack trace) may
        // quote request data unescaped; dlsec logs every rejection itself, escaped, on one line
        if (System.getProperty("org.slf4j.simpleLogger.log.org.eclipse.jetty") == null) {
            System.setProperty("org.slf4j.simpleLogger.log.org.eclipse.jetty", "error");
        }
    }

    private final Classifier model;
    private final ServeConfig config;
    private final Server server;
    private final ServerConnector connector;
    private final ExecutorService executor;
    private final ScheduledExecutorService sweeper;
    private final NDManager root;
    private final ReentrantLock modelLock = new ReentrantLock();
    private final int sampleSize;
    private final RequestDecoder decoder;
    private final byte[][] tokenDigests;
    private final Map<String, Client> clients = new LinkedHashMap<>();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong connectionsRefused = new AtomicLong();
    private final AtomicLong connectionsCut = new AtomicLong();
    private final Map<Connection, Watch> open = new ConcurrentHashMap<>();
    private final Map<String, Integer> perAddress = new ConcurrentHashMap<>();
    private final Map<String, Long> lastRefusalLog = new ConcurrentHashMap<>();
    private final long started = System.nanoTime();

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

    /** What the deadline sweep knows about one open connection. */
    private static final class Watch {
        final String address;
        long message = -1;
        long since = -1;

        Watch(String address) {
            this.address = address;
        }
    }

    private PredictionServer(Classifier model, ServeConfig config) {
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
        AtomicInteger n = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(config.threads(), r -> {
            Thread t = new Thread(r, "dlsec-serve-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dlsec-serve-deadlines");
            t.setDaemon(true);
            return t;
        });
        // Jetty's own threads: one acceptor, one selector, and handlers that never block on a client
        QueuedThreadPool pool = new QueuedThreadPool(32, 4, 60_000);
        pool.setName("dlsec-serve-io");
        pool.setDaemon(true);
        pool.setStopTimeout(500);
        this.server = new Server(pool);
        server.setStopTimeout(500);
        server.setStopAtShutdown(false);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        http.setRequestHeaderSize(16 * 1024);
        http.setIdleTimeout(config.readTimeout() * 1000L);
        this.connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
        connector.setHost(config.host());
        connector.setPort(config.port());
        connector.setIdleTimeout(config.readTimeout() * 1000L);
        connector.setAcceptQueueSize(256);
        connector.addBean(new Guard());
        server.addConnector(connector);
        server.setHandler(new Api());
        server.setErrorHandler(new Errors());
    }

    /** Starts serving {@code model} (owned by the caller) with {@code config}. */
    public static PredictionServer start(Classifier model, ServeConfig config) {
        PredictionServer s = new PredictionServer(model, config);
        try {
            s.server.start();
        } catch (Exception e) {
            s.close();
            throw new DlsecException("cannot listen on " + config.host() + ":" + config.port() + ": " + e.getMessage(), e);
        }
        s.sweeper.scheduleWithFixedDelay(s::sweep, SWEEP_MILLIS, SWEEP_MILLIS, TimeUnit.MILLISECONDS);
        return s;
    }

    public int port() {
        return connector.getLocalPort();
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
        m.put("openConnections", open.size());
        m.put("connectionsRefused", connectionsRefused.get());
        m.put("slowConnectionsCut", connectionsCut.get());
        Map<String, Object> per = new LinkedHashMap<>();
        for (Client c : clients.values()) {
            synchronized (c) {
                per.put(c.name, c.stats());
            }
        }
        m.put("clients", per);
        return m;
    }

    /**
     * Stops at once, without the half second of drain {@link #close()} grants: for a caller that knows no request is
     * in flight, such as the timing attack, whose single client is idle when it stops a server (an idle kept-alive
     * connection held every other {@code close()} for the whole half second: 500 ms per served model).
     */
    public void closeNow() {
        server.setStopTimeout(0);
        close();
    }

    /** Stops accepting requests, gives running ones half a second, and frees native memory. */
    @Override
    public void close() {
        sweeper.shutdownNow();
        try {
            server.stop();
        } catch (Exception e) {
            LOG.debug("stopping the HTTP server", e);
        }
        executor.shutdown();
        try {
            if (!executor.awaitTermination(500, TimeUnit.MILLISECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        modelLock.lock();
        try {
            root.close();
        } finally {
            modelLock.unlock();
        }
    }

    /** Counts connections per client address and refuses those beyond the limit; registers them for the sweep. */
    private final class Guard implements Connection.Listener {
        @Override
        public void onOpened(Connection c) {
            String address = address(c.getEndPoint().getRemoteSocketAddress());
            open.put(c, new Watch(address));
            int count = perAddress.merge(address, 1, Integer::sum);
            if (count > config.maxConnectionsPerClient()) {
                connectionsRefused.incrementAndGet();
                long now = System.nanoTime();
                Long last = lastRefusalLog.get(address);
                // one line per address and 10 s, not one per refused connection
                if (last == null || now - last > 10_000_000_000L) {
                    lastRefusalLog.put(address, now);
                    LOG.warn("refused connection from {}: it already holds {} connections (limit {})", Text.echo(address),
                            count - 1, config.maxConnectionsPerClient());
                }
                c.getEndPoint().close();
            }
        }

        @Override
        public void onClosed(Connection c) {
            Watch w = open.remove(c);
            if (w != null) {
                perAddress.computeIfPresent(w.address, (k, v) -> v <= 1 ? null : v - 1);
            }
        }
    }

    private static String address(SocketAddress a) {
        if (a instanceof InetSocketAddress i && i.getAddress() != null) {
            return i.getAddress().getHostAddress();
        }
        return String.valueOf(a);
    }

    /**
     * Closes every connection that has been receiving one request's headers for longer than the read
     * timeout (or its body for two seconds more: a body that is late is first answered 408 by its own
     * deadline). Idle connections are Jetty's idle timeout's job.
     */
    private void sweep() {
        try {
            long now = System.nanoTime();
            long limit = config.readTimeout() * 1_000_000_000L;
            for (Map.Entry<Connection, Watch> e : open.entrySet()) {
                if (!(e.getKey() instanceof HttpConnection h)) {
                    continue;
                }
                Watch w = e.getValue();
                HttpParser p = h.getParser();
                boolean reading = !p.isStart() && (p.inHeaderState() || p.inContentState());
                // a new request starts a new clock: headers and body are timed apart
                long message = h.getMessagesIn() * 2 + (p.inContentState() ? 1 : 0);
                if (!reading) {
                    w.since = -1;
                } else if (w.since < 0 || w.message != message) {
                    w.since = now;
                    w.message = message;
                } else if (now - w.since > limit + (p.inContentState() ? 2_000_000_000L : 0)) {
                    connectionsCut.incrementAndGet();
                    LOG.warn("closed a slow connection from {}: the request's {} did not arrive within {} s",
                            Text.echo(w.address), p.inContentState() ? "body" : "headers", config.readTimeout());
                    w.since = -1;
                    h.getEndPoint().close();
                }
            }
        } catch (RuntimeException e) {
            LOG.error("deadline sweep failed", e);
        }
    }

    /** One request in flight: what the rejection log and the answer need. */
    private final class Exchange {
        final Request request;
        final Response response;
        final Callback callback;
        String client = "-";

        Exchange(Request request, Response response, Callback callback) {
            this.request = request;
            this.response = response;
            this.callback = callback;
        }

        String path() {
            String decoded = request.getHttpURI().getDecodedPath();
            return decoded != null ? decoded : String.valueOf(request.getHttpURI().getPath());
        }
    }

    /** The API's routes. */
    private final class Api extends Handler.Abstract {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            requests.incrementAndGet();
            Exchange ex = new Exchange(request, response, callback);
            try {
                String path = ex.path();
                switch (path) {
                    case "/v1/health" -> {
                        requireMethod(ex, "GET");
                        respond(ex, 200, Json.toString(health()).getBytes(StandardCharsets.UTF_8), Map.of());
                    }
                    case "/v1/stats" -> {
                        requireMethod(ex, "GET");
                        ex.client = authenticate(ex).name;
                        respond(ex, 200, Json.toString(stats()).getBytes(StandardCharsets.UTF_8), Map.of());
                    }
                    case "/v1/predict" -> {
                        requireMethod(ex, "POST");
                        Client c = authenticate(ex);
                        ex.client = c.name;
                        admit(c);
                        readBody(ex, c);
                    }
                    default -> throw new Rejection(404, "no such endpoint: use POST /v1/predict, GET /v1/health or GET /v1/stats");
                }
            } catch (Rejection r) {
                reject(ex, r);
            } catch (RuntimeException | Error e) {
                internalError(ex, e);
            }
            return true;
        }
    }

    /** Malformed HTTP that Jetty refuses before any handler runs: a JSON body and one escaped log line. */
    private final class Errors implements Request.Handler {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            Object st = request.getAttribute(ErrorHandler.ERROR_STATUS);
            int status = st instanceof Integer i ? i : response.getStatus();
            Object msg = request.getAttribute(ErrorHandler.ERROR_MESSAGE);
            String message = msg == null ? "bad request" : msg.toString();
            if (status >= 500 && request.getAttribute(ErrorHandler.ERROR_EXCEPTION) instanceof Throwable t
                    && (t instanceof IOException || t.getCause() instanceof IOException)) {
                // a connection that broke while a request was read: logged where it broke, nobody to answer
                callback.failed(t);
                return true;
            }
            rejected.incrementAndGet();
            String path;
            try {
                path = request.getHttpURI() == null ? "?" : String.valueOf(request.getHttpURI().getPath());
            } catch (RuntimeException e) {
                path = "?";
            }
            LOG.warn("rejected {} {} {} from {}: {}", status, Text.echo(request.getMethod(), 16), Text.echo(path, 200),
                    Text.echo(Request.getRemoteAddr(request)), Text.echo(message, 200));
            response.setStatus(status);
            HttpFields.Mutable h = response.getHeaders();
            h.put("Content-Type", "application/json");
            h.put("Cache-Control", "no-store");
            response.write(true, ByteBuffer.wrap(errorJson(message)), callback);
            return true;
        }
    }

    private void internalError(Exchange ex, Throwable e) {
        LOG.error("internal error on {} {} client={}", Text.echo(ex.request.getMethod(), 16), Text.echo(ex.path(), 200),
                ex.client, e);
        try {
            respond(ex, 500, errorJson("internal error"), Map.of());
        } catch (RuntimeException ignored) {
            ex.callback.failed(e);
        }
    }

    private void reject(Exchange ex, Rejection r) {
        rejected.incrementAndGet();
        Client c = clients.get(ex.client);
        if (c != null) {
            synchronized (c) {
                c.rejected++;
            }
        }
        LOG.warn("rejected {} {} {} client={} from {}: {}", r.status, Text.echo(ex.request.getMethod(), 16),
                Text.echo(ex.path(), 200), ex.client, Text.echo(Request.getRemoteAddr(ex.request)), Text.echo(r.getMessage(), 300));
        respond(ex, r.status, errorJson(r.getMessage()), r.headers);
    }

    private static void requireMethod(Exchange ex, String method) throws Rejection {
        if (!ex.request.getMethod().equals(method)) {
            throw new Rejection(405, "method " + Text.echo(ex.request.getMethod(), 16) + " not allowed here; use " + method,
                    Map.of("Allow", method));
        }
    }

    private Client authenticate(Exchange ex) throws Rejection {
        if (tokenDigests.length == 0) {
            return clients.get(ANONYMOUS);
        }
        List<String> auth = ex.request.getHeaders().getValuesList("Authorization");
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

    /** Counts the request and applies the client's rate limit (429). */
    private void admit(Client c) throws Rejection {
        synchronized (c) {
            c.requests++;
            if (!c.allow()) {
                throw new Rejection(429, "rate limit of " + config.rate() + " requests/s exceeded", Map.of("Retry-After", "1"));
            }
        }
    }

    /**
     * Reads the body without holding a thread while waiting for the client (Jetty calls back when
     * bytes arrive), capped at the body limit; a complete body goes to a prediction worker.
     *
     * <p>A body over the limit is read on and discarded (never buffered) up to {@link #drainLimit}
     * bytes before the 413 goes out: a server that answers and closes while the client is still
     * sending makes the client's TCP stack reset the connection, and a client without
     * {@code Expect: 100-continue} then sees "connection reset" instead of the 413. A declared or
     * actual body beyond the drain limit gets the 413 at once, with {@code Connection: close}.
     */
    private void readBody(Exchange ex, Client c) throws Rejection {
        long max = config.maxBodyBytes();
        long declared;
        try {
            declared = RequestDecoder.contentLength(ex.request.getHeaders().get("Content-Length"));
        } catch (RequestDecoder.BadRequest e) {
            throw new Rejection(e.status(), e.getMessage());
        }
        if (declared > drainLimit()) {
            throw new Rejection(413, RequestDecoder.tooLarge(declared, max), Map.of("Connection", "close"));
        }
        ByteArrayOutputStream buf = new ByteArrayOutputStream(declared < 0 || declared > max ? 8192 : (int) declared);
        java.util.concurrent.atomic.AtomicBoolean finished = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicBoolean draining = new java.util.concurrent.atomic.AtomicBoolean(declared > max);
        String tooLarge = declared > max ? RequestDecoder.tooLarge(declared, max) : "body exceeds the limit of " + max + " bytes";
        // the body has the read timeout to arrive; then the client gets 408 (413 if it was already
        // too large) and the connection is closed
        java.util.function.Function<String, Rejection> timedOut = why -> draining.get()
                ? new Rejection(413, tooLarge, Map.of("Connection", "close"))
                : new Rejection(408, "the request body " + why + " " + config.readTimeout() + " s", Map.of("Connection", "close"));
        java.util.concurrent.ScheduledFuture<?> deadline;
        try {
            deadline = sweeper.schedule(() -> {
                if (finished.compareAndSet(false, true)) {
                    reject(ex, timedOut.apply("did not arrive within"));
                }
            }, config.readTimeout(), TimeUnit.SECONDS);
        } catch (RejectedExecutionException e) {
            throw new Rejection(503, "the server is shutting down");
        }
        new Runnable() {
            long total;

            @Override
            public void run() {
                try {
                    while (!finished.get()) {
                        Content.Chunk chunk = ex.request.read();
                        if (chunk == null) {
                            ex.request.demand(this);
                            return;
                        }
                        if (Content.Chunk.isFailure(chunk)) {
                            failed(chunk.getFailure());
                            return;
                        }
                        ByteBuffer b = chunk.getByteBuffer();
                        total += b.remaining();
                        boolean last = chunk.isLast();
                        if (total > max && !draining.getAndSet(true)) {
                            buf.reset();
                        }
                        if (draining.get()) {
                            chunk.release();
                            if (total > drainLimit() || last) {
                                finish(new Rejection(413, tooLarge, total > drainLimit() ? Map.of("Connection", "close")
                                        : Map.of()));
                                return;
                            }
                            continue;
                        }
                        byte[] part = new byte[b.remaining()];
                        b.get(part);
                        buf.write(part, 0, part.length);
                        chunk.release();
                        if (last) {
                            if (finished.compareAndSet(false, true)) {
                                deadline.cancel(false);
                                dispatch(ex, c, buf.toByteArray());
                            }
                            return;
                        }
                    }
                } catch (RuntimeException | Error e) {
                    if (finished.compareAndSet(false, true)) {
                        deadline.cancel(false);
                        internalError(ex, e);
                    }
                }
            }

            private void finish(Rejection r) {
                if (finished.compareAndSet(false, true)) {
                    deadline.cancel(false);
                    reject(ex, r);
                }
            }

            private void failed(Throwable f) {
                if (f instanceof java.util.concurrent.TimeoutException) {
                    finish(timedOut.apply("stalled for"));
                } else if (finished.compareAndSet(false, true)) {
                    deadline.cancel(false);
                    // the connection is gone: nothing can be answered
                    rejected.incrementAndGet();
                    LOG.warn("rejected {} {} client={} from {}: connection closed while the body was read ({})",
                            Text.echo(ex.request.getMethod(), 16), Text.echo(ex.path(), 200), ex.client,
                            Text.echo(Request.getRemoteAddr(ex.request)), Text.echo(f.getClass().getSimpleName()));
                    ex.callback.failed(f);
                }
            }
        }.run();
    }

    /** How many bytes of a too-large body are read and discarded before the 413 (see {@link #readBody}). */
    private long drainLimit() {
        return Math.max(1L << 20, 4 * config.maxBodyBytes());
    }

    private void dispatch(Exchange ex, Client c, byte[] body) {
        try {
            executor.execute(() -> {
                try {
                    predict(ex, c, body);
                } catch (Rejection r) {
                    reject(ex, r);
                } catch (RuntimeException | Error e) {
                    internalError(ex, e);
                }
            });
        } catch (RejectedExecutionException e) {
            reject(ex, new Rejection(503, "the server is shutting down"));
        }
    }

    private void predict(Exchange ex, Client c, byte[] body) throws Rejection {
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
        } catch (IOException e) {
            throw new IllegalStateException("writing JSON to memory", e);
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

    private static void respond(Exchange ex, int status, byte[] body, Map<String, String> headers) {
        Response r = ex.response;
        r.setStatus(status);
        HttpFields.Mutable h = r.getHeaders();
        h.put("Content-Type", "application/json");
        h.put("Cache-Control", "no-store");
        headers.forEach(h::put);
        r.write(true, ByteBuffer.wrap(body), ex.callback);
    }

    /** A list of the clients' names, for tests and logs. */
    public List<String> clientNames() {
        return new ArrayList<>(clients.keySet());
    }
}
