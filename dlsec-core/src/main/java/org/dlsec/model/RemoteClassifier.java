package org.dlsec.model;

import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Json;

/**
 * A black-box {@link org.dlsec.model.Classifier} for a {@code dlsec serve} URL: every prediction is a
 * {@code POST /v1/predict} (split into requests of at most {@code batchSize} inputs), so every query
 * crosses the wire and is counted both here ({@code stats()}) and by the server. The answers are
 * turned into probability vectors: all probabilities as released; for {@code topk:K} the released
 * ones with the rest of the mass spread evenly over the other classes; for {@code top1} a one-hot
 * vector. The released label always stays the argmax.
 */
public final class RemoteClassifier implements BatchPredictor {
    private final HttpClient http;
    private final URI predict;
    private final String token;
    private final int batchSize;
    private final int numClasses;
    private final int sampleSize;
    private final String output;

    private RemoteClassifier(HttpClient http, URI base, String token, int batchSize, int numClasses, int sampleSize,
            String output) {
        this.http = http;
        this.predict = base.resolve("/v1/predict");
        this.token = token;
        this.batchSize = batchSize;
        this.numClasses = numClasses;
        this.sampleSize = sampleSize;
        this.output = output;
    }

    /**
     * Connects to a prediction server (reads {@code GET /v1/health}) and returns it as a classifier. The classifier
     * holds no native memory; closing it releases nothing but is harmless. Safe for one thread at a time.
     *
     * @param base the server's address, {@code http://} or {@code https://}, e.g. {@code http://127.0.0.1:8080}
     * @param token bearer token, or null
     * @param batchSize inputs per request (capped at the server's limit)
     * @return a black-box classifier whose every prediction is a counted request
     * @throws DlsecException when the address is not http(s), the server cannot be reached, or it is not a dlsec
     *     prediction server
     */
    public static BlackBoxClassifier connect(URI base, String token, int batchSize) {
        DlsecException.require(batchSize >= 1, "batch size", "must be at least 1, got " + batchSize);
        String scheme = base.getScheme();
        DlsecException.require("http".equals(scheme) || "https".equals(scheme), "target URL",
                "expected http:// or https://, got " + base);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        JsonNode h = send(http, HttpRequest.newBuilder(base.resolve("/v1/health")).GET(), token, base);
        JsonNode shape = h.get("inputShape");
        if (shape == null || !shape.isArray() || shape.size() != 3 || !h.path("numClasses").isInt()) {
            throw new DlsecException(base + " is not a dlsec prediction server (no input shape in /v1/health)");
        }
        long[] dims = new long[3];
        for (int i = 0; i < 3; i++) {
            dims[i] = shape.get(i).asLong();
        }
        Shape s = new Shape(dims);
        int k = h.get("numClasses").asInt();
        Bounds b = new Bounds((float) h.path("bounds").path(0).asDouble(0), (float) h.path("bounds").path(1).asDouble(1));
        int limit = h.path("maxBatch").asInt(batchSize);
        String output = h.path("output").asText("probs");
        RemoteClassifier rc = new RemoteClassifier(http, base, token, Math.min(batchSize, limit), k, (int) s.size(), output);
        ModelInfo info = new ModelInfo("http", base.toString() + " (" + output + ")", "remote", null);
        return new BlackBoxClassifier(rc, ScoreKind.PROBABILITIES, s, k, b, info);
    }

    /**
     * The server's output policy.
     *
     * @return the policy's name, e.g. {@code top1} or {@code probs}
     */
    public String output() {
        return output;
    }

    @Override
    public float[][] predict(float[] inputs, int n) {
        float[][] out = new float[n][];
        for (int from = 0; from < n; from += batchSize) {
            int to = Math.min(n, from + batchSize);
            StringBuilder b = new StringBuilder(32 + (to - from) * sampleSize * 8);
            b.append("{\"inputs\":[");
            for (int i = from; i < to; i++) {
                b.append(i == from ? "[" : ",[");
                int off = i * sampleSize;
                for (int j = 0; j < sampleSize; j++) {
                    if (j > 0) {
                        b.append(',');
                    }
                    float v = inputs[off + j];
                    if (v == 0f) {
                        b.append('0');
                    } else {
                        b.append(v);
                    }
                }
                b.append(']');
            }
            b.append("]}");
            HttpRequest.Builder req = HttpRequest.newBuilder(predict).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(b.toString(), StandardCharsets.UTF_8));
            JsonNode answer = send(http, req, token, predict);
            JsonNode preds = answer.get("predictions");
            if (preds == null || !preds.isArray() || preds.size() != to - from) {
                throw new DlsecException(predict + " answered " + (preds == null ? "no" : preds.size())
                        + " predictions for " + (to - from) + " inputs");
            }
            for (int i = from; i < to; i++) {
                out[i] = toProbabilities(preds.get(i - from));
            }
        }
        return out;
    }

    private float[] toProbabilities(JsonNode p) {
        int label = p.path("label").asInt(-1);
        if (label < 0 || label >= numClasses) {
            throw new DlsecException(predict + " answered an invalid label " + p.path("label"));
        }
        float[] v = new float[numClasses];
        JsonNode cls = p.get("classes");
        JsonNode pr = p.get("probabilities");
        if (cls == null || pr == null || cls.size() == 0) {
            v[label] = 1f;
            return v;
        }
        boolean[] given = new boolean[numClasses];
        double mass = 0;
        for (int i = 0; i < cls.size(); i++) {
            int c = cls.get(i).asInt(-1);
            if (c < 0 || c >= numClasses) {
                throw new DlsecException(predict + " answered an invalid class " + cls.get(i));
            }
            v[c] = (float) pr.path(i).asDouble(0);
            given[c] = true;
            mass += v[c];
        }
        int rest = numClasses - cls.size();
        if (rest > 0) {
            float share = (float) (Math.max(0, 1 - mass) / rest);
            float cap = Float.MAX_VALUE;
            for (int i = 0; i < cls.size(); i++) {
                cap = Math.min(cap, v[cls.get(i).asInt()]);
            }
            share = Math.min(share, cap);
            for (int c = 0; c < numClasses; c++) {
                if (!given[c]) {
                    v[c] = share;
                }
            }
        }
        float max = v[0];
        for (float f : v) {
            max = Math.max(max, f);
        }
        if (v[label] < max || countOf(v, max) > 1) {
            v[label] = Math.nextUp(max);
        }
        return v;
    }

    private static int countOf(float[] v, float x) {
        int n = 0;
        for (float f : v) {
            n += f == x ? 1 : 0;
        }
        return n;
    }

    private static JsonNode send(HttpClient http, HttpRequest.Builder req, String token, URI where) {
        if (token != null) {
            req.header("Authorization", "Bearer " + token);
        }
        req.timeout(Duration.ofSeconds(120));
        HttpResponse<String> r;
        try {
            r = http.send(req.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (ConnectException e) {
            throw new DlsecException("cannot connect to " + where + ": is `dlsec serve` running there?", e);
        } catch (IOException e) {
            throw new DlsecException("request to " + where + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DlsecException("interrupted while waiting for " + where, e);
        }
        JsonNode body;
        try {
            body = Json.MAPPER.readTree(r.body());
        } catch (IOException e) {
            body = null;
        }
        if (r.statusCode() != 200) {
            String msg = body != null && body.has("error") ? body.get("error").asText() : "HTTP " + r.statusCode();
            throw new RemoteException(r.statusCode(), where + " answered " + r.statusCode() + ": " + msg);
        }
        if (body == null) {
            throw new DlsecException(where + " answered with a body that is not JSON");
        }
        return body;
    }

    /** A refusal by the server (4xx/5xx), with its status: 429 means budget spent or rate limited. */
    public static final class RemoteException extends DlsecException {
        private static final long serialVersionUID = 1L;
        /** The HTTP status of the refusal. */
        private final int status;

        /**
         * A refusal.
         *
         * @param status the HTTP status
         * @param message what the server said
         */
        public RemoteException(int status, String message) {
            super(message);
            this.status = status;
        }

        /**
         * The HTTP status of the refusal.
         *
         * @return the status, e.g. 429 when the budget is spent or the client is rate limited
         */
        public int status() {
            return status;
        }
    }
}
