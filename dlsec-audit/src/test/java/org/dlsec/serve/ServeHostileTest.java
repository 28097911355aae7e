package org.dlsec.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.Shape;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.dlsec.TestSupport;
import org.dlsec.model.Architecture;
import org.dlsec.model.DjlClassifier;
import org.dlsec.model.Models;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The hostile-input suite of {@code dlsec serve}: huge bodies, deep JSON nesting, wrong types,
 * NaN/Infinity, wrong shapes, missing or wrong tokens, and slowloris-style slow headers and bodies.
 * Every probe is answered with a 4xx or a closed connection — never a 5xx — and after each group the
 * server still answers a good request. Raw sockets, so that what the server does on the wire is
 * what is checked. The read timeout is 4 s here (30 s by default, {@code serve --read-timeout}).
 */
class ServeHostileTest {
    static final String TOKEN = "hostile-suite-token";
    static final long MAX_BODY = 256 * 1024;
    /** The read timeout in these tests (30 s in use, {@code serve --read-timeout}), so that slow clients are cut quickly. */
    static final int READ_TIMEOUT = 4;
    static DjlClassifier model;
    static PredictionServer server;
    static String good;

    @BeforeAll
    static void start() {
        // an untrained LeNet-5: what the answers say does not matter here, only that they come
        model = Models.create(Architecture.LENET5, new Shape(1, 28, 28), 10, 1);
        server = PredictionServer.start(model, ServeConfig.defaults().withTokens(List.of(TOKEN)).withLimits(8, MAX_BODY)
                .withReadTimeout(READ_TIMEOUT));
        good = ServeTest.inputs(TestSupport.mnistTest(2), 0, 2);
    }

    @AfterAll
    static void stop() {
        server.close();
        model.close();
    }

    /** Sends {@code head} + {@code body}, then reads the status line: "HTTP/1.1 NNN ..." or "closed". */
    static String send(String head, byte[] body) {
        URI u = server.uri();
        try (Socket so = new Socket(u.getHost(), u.getPort())) {
            so.setSoTimeout(20_000);
            OutputStream out = so.getOutputStream();
            try {
                out.write(head.getBytes(StandardCharsets.ISO_8859_1));
                out.write(body);
                out.flush();
                so.shutdownOutput();
            } catch (IOException e) {
                // the server hung up while we were still sending: read what it said, if anything
            }
            String line = new BufferedReader(new InputStreamReader(so.getInputStream(), StandardCharsets.ISO_8859_1))
                    .readLine();
            return line == null ? "closed" : line;
        } catch (IOException e) {
            return "closed";
        }
    }

    static String post(String body, String auth) {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        return send("POST /v1/predict HTTP/1.1\r\nHost: x\r\n" + (auth == null ? "" : "Authorization: " + auth + "\r\n")
                + "Content-Type: application/json\r\nContent-Length: " + b.length + "\r\n\r\n", b);
    }

    static void assert4xxOrClosed(String probe, String status) {
        System.out.printf("hostile probe %-40s -> %s%n", probe, status);
        assertTrue(status.equals("closed") || status.matches("HTTP/1\\.1 4\\d\\d.*"), probe + " -> " + status);
    }

    static void assertStillServing() {
        assertTrue(post(good, "Bearer " + TOKEN).startsWith("HTTP/1.1 200"), "a good request after the probes");
        assertTrue(send("GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n", new byte[0]).startsWith("HTTP/1.1 200"));
    }

    @Test
    void hugeBodies() {
        String auth = "Authorization: Bearer " + TOKEN + "\r\n";
        assert4xxOrClosed("declared 1 TB body", send("POST /v1/predict HTTP/1.1\r\nHost: x\r\n" + auth
                + "Content-Length: 1000000000000\r\n\r\n", "{\"inputs\":".getBytes(StandardCharsets.UTF_8)));
        assert4xxOrClosed("declared 2^63 body", send("POST /v1/predict HTTP/1.1\r\nHost: x\r\n" + auth
                + "Content-Length: 99999999999999999999\r\n\r\n", new byte[0]));
        byte[] big = new byte[(int) (4 * MAX_BODY)];
        Arrays.fill(big, (byte) '[');
        assert4xxOrClosed("4x the limit, sent", send("POST /v1/predict HTTP/1.1\r\nHost: x\r\n" + auth
                + "Content-Length: " + big.length + "\r\n\r\n", big));
        StringBuilder chunked = new StringBuilder();
        for (int i = 0; i < 64; i++) {
            chunked.append("4000\r\n").append("0,".repeat(0x2000)).append("\r\n");
        }
        chunked.append("0\r\n\r\n");
        assert4xxOrClosed("1 MiB chunked, no length", send("POST /v1/predict HTTP/1.1\r\nHost: x\r\n" + auth
                + "Transfer-Encoding: chunked\r\n\r\n", chunked.toString().getBytes(StandardCharsets.US_ASCII)));
        assert4xxOrClosed("9 inputs > batch limit 8", post(ServeTest.inputs(TestSupport.mnistTest(9), 0, 9), "Bearer " + TOKEN));
        assertStillServing();
    }

    @Test
    void deepJsonNesting() {
        String auth = "Bearer " + TOKEN;
        int d = 50_000;
        assert4xxOrClosed("inputs nested 50,000 deep", post("{\"inputs\":" + "[".repeat(d) + "]".repeat(d) + "}", auth));
        assert4xxOrClosed("top-level array 50,000 deep", post("[".repeat(d) + "]".repeat(d), auth));
        assert4xxOrClosed("objects nested 20,000 deep", post("{\"a\":".repeat(20_000) + "0" + "}".repeat(20_000), auth));
        assert4xxOrClosed("inputs nested 5 deep", post("{\"inputs\":[[[[[0]]]]]}", auth));
        assert4xxOrClosed("unclosed nesting", post("{\"inputs\":" + "[".repeat(1000), auth));
        assertStillServing();
    }

    @Test
    void wrongTypes() {
        String auth = "Bearer " + TOKEN;
        for (String body : new String[] {"{\"inputs\": {\"a\": 1}}", "{\"inputs\": \"0,0,0\"}", "{\"inputs\": [true]}",
            "{\"inputs\": [[null]]}", "{\"inputs\": [[\"0.5\"]]}", "{\"inputs\": [[{}]]}", "{\"inputs\": 7}", "\"inputs\"",
            "{\"inputs\": [[0]], \"inputs\": [[0]]}", "{\"model\": \"other\"}", "\u00ff\u00fe\u0000binary", "{\"inputs\": [[0x10]]}"}) {
            assert4xxOrClosed(body.length() > 40 ? body.substring(0, 40) : body, post(body, auth));
        }
        assertStillServing();
    }

    @Test
    void nanAndInfinity() {
        String auth = "Bearer " + TOKEN;
        for (String v : new String[] {"NaN", "Infinity", "-Infinity", "1e999", "-1e999", "\"NaN\"", "1e-99999", "2"}) {
            float[] x = new float[784];
            String row = Arrays.toString(x);
            String body = "{\"inputs\": [[" + v + row.substring(row.indexOf(',')) + "]}";
            String status = post(body, auth);
            if (v.equals("1e-99999")) {
                // underflows to 0: a legal value, answered normally
                assertTrue(status.startsWith("HTTP/1.1 200"), v + " -> " + status);
            } else {
                assert4xxOrClosed("value " + v, status);
            }
        }
        assertStillServing();
    }

    @Test
    void wrongShapes() {
        String auth = "Bearer " + TOKEN;
        for (int n : new int[] {0, 1, 783, 785, 784 * 2}) {
            assert4xxOrClosed(n + " values", post("{\"inputs\": [" + Arrays.toString(new float[n]) + "]}", auth));
        }
        assert4xxOrClosed("empty inputs list", post("{\"inputs\": []}", auth));
        assert4xxOrClosed("a bare number per input", post("{\"inputs\": [0.5, 0.5]}", auth));
        // 28 rows of 28 is a legal nesting of one image
        StringBuilder rows = new StringBuilder("{\"inputs\": [[");
        for (int r = 0; r < 28; r++) {
            rows.append(r == 0 ? "" : ",").append(Arrays.toString(new float[28]));
        }
        assertTrue(post(rows.append("]]}").toString(), auth).startsWith("HTTP/1.1 200"), "28 rows of 28");
        assertStillServing();
    }

    @Test
    void missingOrWrongToken() {
        for (String auth : new String[] {null, "Bearer", "Bearer ", "Bearer wrong-token-123", "Basic " + TOKEN,
            TOKEN, "Bearer " + TOKEN + "x", "Bearer " + TOKEN.substring(1), "Bearer " + "A".repeat(100_000)}) {
            String status = post(good, auth);
            assert4xxOrClosed("token " + (auth == null ? "missing" : auth.length() > 30 ? auth.substring(0, 30) : auth),
                    status);
        }
        assert4xxOrClosed("two Authorization headers", send("POST /v1/predict HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                + TOKEN + "\r\nAuthorization: Bearer " + TOKEN + "\r\nContent-Length: " + good.length() + "\r\n\r\n",
                good.getBytes(StandardCharsets.UTF_8)));
        assert4xxOrClosed("stats without token", send("GET /v1/stats HTTP/1.1\r\nHost: x\r\n\r\n", new byte[0]));
        assertStillServing();
    }

    /**
     * Slow clients: one sends its headers a byte at a time, one declares a body and sends a byte
     * every 300 ms. Each is cut within the read timeout (plus the 250 ms sweep and some slack), and
     * good requests are served while they hang on.
     */
    @Test
    void slowClientsAreCutAndDoNotBlockOthers() throws Exception {
        int timeout = server.config().readTimeout();
        byte[] headers = ("POST /v1/predict HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TOKEN
                + "\r\nContent-Length: 100000\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<Double>> slow = new ArrayList<>();
            slow.add(pool.submit(() -> drip(headers, 0, timeout)));
            slow.add(pool.submit(() -> drip(headers, headers.length, timeout)));
            slow.add(pool.submit(() -> drip(headers, headers.length, timeout)));
            Thread.sleep(1000);
            for (int i = 0; i < 3; i++) {
                assertTrue(post(good, "Bearer " + TOKEN).startsWith("HTTP/1.1 200"), "served while slow clients hang on");
            }
            for (Future<Double> f : slow) {
                double cut = f.get(timeout + 30, TimeUnit.SECONDS);
                System.out.printf("hostile probe %-40s -> closed after %.1f s (timeout %d s)%n", "slowloris", cut, timeout);
                assertTrue(cut <= timeout + 6, "slow client cut after " + cut + " s; the timeout is " + timeout + " s");
            }
        } finally {
            pool.shutdownNow();
        }
        assertStillServing();
    }

    /**
     * Sends the first {@code fast} bytes of the request at once, then the rest (and then an endless
     * body) one byte every 300 ms, until the server closes the connection; returns the seconds that
     * took. Fails if the server answers with a status other than 4xx, or never closes.
     */
    static double drip(byte[] request, int fast, int timeout) throws IOException {
        URI u = server.uri();
        long t0 = System.nanoTime();
        try (Socket so = new Socket(u.getHost(), u.getPort())) {
            so.setSoTimeout(300);
            OutputStream out = so.getOutputStream();
            out.write(request, 0, fast);
            out.flush();
            int i = fast;
            while ((System.nanoTime() - t0) / 1e9 < timeout + 20) {
                try {
                    out.write(i < request.length ? request[i] : '0');
                    out.flush();
                    i++;
                } catch (IOException e) {
                    return (System.nanoTime() - t0) / 1e9;
                }
                try {
                    int r = so.getInputStream().read();
                    if (r < 0) {
                        return (System.nanoTime() - t0) / 1e9;
                    }
                    String rest = new BufferedReader(new InputStreamReader(so.getInputStream(), StandardCharsets.ISO_8859_1))
                            .readLine();
                    String status = (char) r + (rest == null ? "" : rest);
                    assertTrue(status.matches("HTTP/1\\.1 4\\d\\d.*"), "slow client answered " + status);
                    return (System.nanoTime() - t0) / 1e9;
                } catch (java.net.SocketTimeoutException e) {
                    // nothing from the server yet: keep dripping
                }
            }
        } catch (IOException e) {
            return (System.nanoTime() - t0) / 1e9;
        }
        throw new AssertionError("the server never closed a slow connection");
    }
}
