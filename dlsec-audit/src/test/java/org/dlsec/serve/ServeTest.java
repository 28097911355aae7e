package org.dlsec.serve;

import org.dlsec.model.RemoteClassifier;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.dlsec.TestModels;
import org.dlsec.TestSupport;
import org.dlsec.core.Json;
import org.dlsec.data.Dataset;
import org.dlsec.defence.postprocess.OutputPolicy;
import org.dlsec.model.Classifier;
import org.dlsec.model.DjlClassifier;
import org.dlsec.model.Engines;
import org.junit.jupiter.api.Test;

/** The prediction API over loopback: faithful answers, output policies, and 4xx (never 500) for hostile input. */
class ServeTest {
    static final String TOKEN = "s3cret-token-A";
    static final String OTHER = "s3cret-token-B";
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    record Reply(int status, String body) {}

    static Reply post(URI base, String path, String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r.body());
    }

    static Reply get(URI base, String path, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).GET();
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r.body());
    }

    static String inputs(Dataset d, int from, int n) {
        StringBuilder s = new StringBuilder("{\"inputs\":[");
        for (int i = from; i < from + n; i++) {
            s.append(i == from ? "" : ",").append(java.util.Arrays.toString(d.image(i)));
        }
        return s.append("]}").toString();
    }

    @Test
    void remoteClassifierMatchesTheLocalModelAndEveryQueryIsCounted() {
        DjlClassifier model = TestModels.mnistLenet();
        Dataset test = TestSupport.mnistTest(70);
        try (PredictionServer server = PredictionServer.start(model, ServeConfig.defaults().withTokens(List.of(TOKEN)));
                Classifier remote = RemoteClassifier.connect(server.uri(), TOKEN, 32);
                NDManager m = Engines.newManager()) {
            float[] local = model.predictProba(test.images(m, 0, 70)).toFloatArray();
            float[] far = remote.predictProba(test.images(m, 0, 70)).toFloatArray();
            assertEquals(local.length, far.length);
            for (int i = 0; i < local.length; i++) {
                assertEquals(local[i], far[i], 1e-6, "probability " + i);
            }
            assertEquals(70, remote.stats().queries());
            JsonNode client = Json.MAPPER.valueToTree(server.stats()).get("clients").get("client-1");
            assertEquals(70, client.get("queries").asLong());
            assertEquals(3, client.get("requests").asLong(), "70 inputs in batches of 32");
        }
    }

    @Test
    void outputPoliciesReleaseOnlyWhatTheySay() throws Exception {
        DjlClassifier model = TestModels.mnistLenet();
        Dataset test = TestSupport.mnistTest(20);
        String body = inputs(test, 0, 20);
        try (PredictionServer s = PredictionServer.start(model, ServeConfig.defaults().withOutput(OutputPolicy.parse("top1")))) {
            JsonNode p = Json.MAPPER.readTree(post(s.uri(), "/v1/predict", null, body).body()).get("predictions").get(0);
            assertTrue(p.has("label") && !p.has("probabilities"), p.toString());
        }
        try (PredictionServer s = PredictionServer.start(model, ServeConfig.defaults().withOutput(OutputPolicy.parse("topk:3")))) {
            JsonNode p = Json.MAPPER.readTree(post(s.uri(), "/v1/predict", null, body).body()).get("predictions").get(0);
            assertEquals(3, p.get("classes").size());
            assertEquals(p.get("label").asInt(), p.get("classes").get(0).asInt());
        }
        try (PredictionServer s = PredictionServer.start(model, ServeConfig.defaults().withOutput(OutputPolicy.parse("rounded:2")));
                Classifier remote = RemoteClassifier.connect(s.uri(), null, 8);
                NDManager m = Engines.newManager()) {
            JsonNode p = Json.MAPPER.readTree(post(s.uri(), "/v1/predict", null, body).body()).get("predictions").get(0);
            for (JsonNode v : p.get("probabilities")) {
                assertEquals(Math.round(v.asDouble() * 100) / 100.0, v.asDouble(), 1e-6);
            }
            long[] local = model.predictLabels(test.images(m, 0, 20)).toLongArray();
            long[] far = remote.predictLabels(test.images(m, 0, 20)).toLongArray();
            assertEquals(java.util.Arrays.toString(local), java.util.Arrays.toString(far), "rounding keeps the label");
        }
    }

    @Test
    void hostileRequestsGetTheRight4xxAndTheServerKeepsServing() throws Exception {
        DjlClassifier model = TestModels.mnistLenet();
        Dataset test = TestSupport.mnistTest(10);
        String good = inputs(test, 0, 2);
        ServeConfig cfg = ServeConfig.defaults().withTokens(List.of(TOKEN, OTHER)).withLimits(4, 64 * 1024)
                .withQueryBudget(10);
        try (PredictionServer s = PredictionServer.start(model, cfg)) {
            URI u = s.uri();
            assertEquals(401, post(u, "/v1/predict", null, good).status(), "missing token");
            assertEquals(401, post(u, "/v1/predict", "wrong-token-xyz", good).status(), "wrong token");
            assertEquals(401, post(u, "/v1/predict", TOKEN + "x", good).status(), "token with a suffix");
            assertEquals(401, get(u, "/v1/stats", null).status(), "stats need a token");
            String[] malformed = {"", "{", "[]", "null", "{\"inputs\":", "{\"inputs\": 3}", "{\"inputs\": [[1, 2,]]}",
                "{\"inputs\": [\"a\"]}", "{\"inputs\": [[\"0.5\"]]}", "{\"inputs\": [[NaN]]}", "{\"inputs\": []}",
                "{\"x\": []}", "{\"inputs\": [[0]]} trailing", "\u0000\u0001binary", "{\"inputs\": [[[[[[0]]]]]]}",
                "{\"inputs\": [[1e999]]}", "{\"inputs\": [[0, {}]]}"};
            for (String bad : malformed) {
                Reply r = post(u, "/v1/predict", TOKEN, bad);
                assertEquals(400, r.status(), "body " + bad + " -> " + r.body());
                assertTrue(Json.MAPPER.readTree(r.body()).has("error"), r.body());
            }
            float[] img = test.image(0);
            String shortInput = "{\"inputs\": [" + java.util.Arrays.toString(java.util.Arrays.copyOf(img, 783)) + "]}";
            assertEquals(400, post(u, "/v1/predict", TOKEN, shortInput).status(), "783 values");
            String longInput = "{\"inputs\": [" + java.util.Arrays.toString(java.util.Arrays.copyOf(img, 785)) + "]}";
            assertEquals(400, post(u, "/v1/predict", TOKEN, longInput).status(), "785 values");
            img[5] = 1.5f;
            assertEquals(400, post(u, "/v1/predict", TOKEN, "{\"inputs\": [" + java.util.Arrays.toString(img) + "]}")
                    .status(), "value out of range");
            assertEquals(413, post(u, "/v1/predict", TOKEN, inputs(test, 0, 5)).status(), "5 inputs > batch limit 4");
            assertEquals(413, post(u, "/v1/predict", TOKEN, "{\"inputs\": [[" + "0,".repeat(40_000) + "0]]}").status(),
                    "body over 64 KiB");
            assertEquals(405, get(u, "/v1/predict", TOKEN).status());
            assertEquals(404, get(u, "/admin", TOKEN).status());
            // the budget of 10 queries per token: 4 + 4 pass, the next 4 would exceed it
            assertEquals(200, post(u, "/v1/predict", TOKEN, inputs(test, 0, 4)).status());
            assertEquals(200, post(u, "/v1/predict", TOKEN, inputs(test, 0, 4)).status());
            assertEquals(429, post(u, "/v1/predict", TOKEN, inputs(test, 0, 4)).status(), "budget spent");
            assertEquals(200, post(u, "/v1/predict", TOKEN, good).status(), "2 more fit exactly");
            assertEquals(200, post(u, "/v1/predict", OTHER, good).status(), "the other client has its own budget");
            JsonNode stats = Json.MAPPER.readTree(get(u, "/v1/stats", OTHER).body());
            assertEquals(10, stats.get("clients").get("client-1").get("queries").asLong());
            assertEquals(0, stats.get("clients").get("client-1").get("budgetLeft").asLong());
            assertEquals(2, stats.get("clients").get("client-2").get("queries").asLong());
            assertTrue(stats.get("rejected").asLong() >= 20);
            assertEquals(200, get(u, "/v1/health", null).status());
            assertTrue(!stats.toString().contains(TOKEN), "tokens never appear in stats");
        }
    }

    /**
     * A client that sends a too-large body without {@code Expect: 100-continue} reads the 413, not a
     * connection reset: before the server drained such bodies, 27 of 400 of these posts failed with
     * "header parser received no bytes" (and one CI run of the whole suite).
     */
    @Test
    void anOversizeBodyGets413AndNeverAReset() throws Exception {
        ServeConfig cfg = ServeConfig.defaults().withTokens(List.of(TOKEN)).withLimits(4, 64 * 1024);
        String big = "{\"inputs\": [[" + "0,".repeat(40_000) + "0]]}";
        try (PredictionServer s = PredictionServer.start(TestModels.mnistLenet(), cfg)) {
            URI u = s.uri();
            for (int i = 0; i < 150; i++) {
                Reply r = post(u, "/v1/predict", TOKEN, big);
                assertEquals(413, r.status(), "post " + i);
                assertTrue(r.body().contains("exceeds the limit of 65536"), r.body());
            }
            assertEquals(200, post(u, "/v1/predict", TOKEN, inputs(TestSupport.mnistTest(2), 0, 2)).status(),
                    "the server keeps serving");
        }
    }

    /** The status line of a raw request, or "closed" when the server hung up without answering. */
    static String raw(URI u, String request) throws Exception {
        try (java.net.Socket so = new java.net.Socket(u.getHost(), u.getPort())) {
            so.setSoTimeout(10_000);
            so.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            so.getOutputStream().flush();
            so.shutdownOutput();
            String line = new java.io.BufferedReader(new java.io.InputStreamReader(so.getInputStream(),
                    java.nio.charset.StandardCharsets.ISO_8859_1)).readLine();
            return line == null ? "closed" : line;
        } catch (java.net.SocketException e) {
            return "closed";
        }
    }

    @Test
    void brokenHttpNeverGetsA5xx() throws Exception {
        try (PredictionServer s = PredictionServer.start(TestModels.mnistLenet(), ServeConfig.defaults())) {
            URI u = s.uri();
            String[] requests = {
                "POST /v1/predict HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
                "POST /v1/predict HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
                "POST /v1/predict HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"inputs\"",
                "POST /v1/predict HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
                "GARBAGE\r\n\r\n",
                "POST /v1/predict?x=%zz HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}",
            };
            for (String r : requests) {
                String line = raw(u, r);
                assertTrue(line.equals("closed") || line.matches("HTTP/1\\.1 4\\d\\d.*"), r + " -> " + line);
            }
            assertEquals(200, post(u, "/v1/predict", null, inputs(TestSupport.mnistTest(1), 0, 1)).status());
        }
    }

    @Test
    void rateLimitAnswers429() throws Exception {
        DjlClassifier model = TestModels.mnistLenet();
        String good = inputs(TestSupport.mnistTest(1), 0, 1);
        try (PredictionServer s = PredictionServer.start(model, ServeConfig.defaults().withRate(2))) {
            int limited = 0;
            for (int i = 0; i < 6; i++) {
                int st = post(s.uri(), "/v1/predict", null, good).status();
                assertTrue(st == 200 || st == 429, "status " + st);
                limited += st == 429 ? 1 : 0;
            }
            assertTrue(limited >= 2, "a burst of 6 at 2 requests/s must be limited, got " + limited + " rejections");
        }
    }

    @Test
    void remoteErrorsAreClearUserErrors() {
        DjlClassifier model = TestModels.mnistLenet();
        try (PredictionServer s = PredictionServer.start(model, ServeConfig.defaults().withTokens(List.of(TOKEN)))) {
            Classifier c = RemoteClassifier.connect(s.uri(), "not-the-token", 8);
            try (NDManager m = Engines.newManager()) {
                RemoteClassifier.RemoteException e = assertThrows(RemoteClassifier.RemoteException.class,
                        () -> c.predictLabels(TestSupport.mnistTest(2).images(m, 0, 2)));
                assertEquals(401, e.status());
            }
        }
        assertThrows(org.dlsec.core.DlsecException.class,
                () -> RemoteClassifier.connect(URI.create("http://127.0.0.1:1"), null, 8));
    }

    @Test
    void outputPerturbationsChangeScoresButMostlyKeepLabels() {
        float[] p = {0.7f, 0.2f, 0.05f, 0.05f};
        OutputPolicy rs = OutputPolicy.probs().withReverseSigmoid(0.5, 0.5);
        OutputPolicy.Answer a = rs.apply(p, new java.util.SplittableRandom(1));
        assertEquals(0, a.label());
        assertNotEquals(0.7f, a.probabilities()[0], 1e-3);
        double sum = 0;
        for (float v : a.probabilities()) {
            assertTrue(v >= 0);
            sum += v;
        }
        assertEquals(1.0, sum, 1e-5);
        OutputPolicy noisy = OutputPolicy.probs().withNoise(0.05);
        float[] n1 = noisy.apply(p, new java.util.SplittableRandom(7)).probabilities();
        float[] n2 = noisy.apply(p, new java.util.SplittableRandom(7)).probabilities();
        assertEquals(java.util.Arrays.toString(n1), java.util.Arrays.toString(n2), "seeded noise is reproducible");
        assertNotEquals(p[0], n1[0]);
        assertThrows(org.dlsec.core.DlsecException.class, () -> OutputPolicy.parse("topk:x"));
        assertThrows(org.dlsec.core.DlsecException.class, () -> OutputPolicy.parse("everything"));
        assertThrows(org.dlsec.core.DlsecException.class, () -> OutputPolicy.probs().withNoise(-1));
    }
}
