package org.dlsec.attack.sidechannel;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.function.BiFunction;
import org.dlsec.core.DlsecException;
import org.dlsec.model.Classifier;

/**
 * A {@link Deployment} over HTTP: a server factory (the command and the audit pass {@code dlsec serve}'s, on loopback,
 * with the serving countermeasure applied to the model) and the JDK's HTTP client, which times each single-image
 * {@code POST /v1/predict} from sending the request to receiving the whole answer, on one kept-alive connection.
 */
public final class HttpDeployment implements Deployment {
    /** A running server: its base URI; closing it stops it. */
    public interface Server extends AutoCloseable {
        /**
         * Where the server listens.
         *
         * @return the server's base URI, e.g. {@code http://127.0.0.1:PORT/}; {@code /v1/predict} is resolved against
         *         it
         */
        URI uri();

        /** Stops the server and frees its port and threads. Throws no checked exception. */
        @Override
        void close();
    }

    private final String description;
    private final BiFunction<Classifier, ServingDefence, Server> start;

    /**
     * A deployment that starts servers with {@code start} and times them with a fresh HTTP/1.1 client per endpoint
     * (10 s connect timeout, 60 s per query). Each endpoint it serves counts its queries without synchronisation: use
     * it from one thread.
     *
     * @param description the short description the reports show, e.g. "dlsec serve over loopback HTTP"
     * @param start starts a prediction server for a model wrapped in a serving countermeasure; the endpoint closes the
     *        server it returns
     */
    public HttpDeployment(String description, BiFunction<Classifier, ServingDefence, Server> start) {
        this.description = description;
        this.start = start;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public Endpoint serve(Classifier model, ServingDefence defence) {
        Server server = start.apply(model, defence);
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        URI predict = server.uri().resolve("/v1/predict");
        return new Endpoint() {
            private long queries;

            @Override
            public long timeQuery(float[] sample) {
                StringBuilder body = new StringBuilder(sample.length * 8 + 16).append("{\"inputs\":[[");
                for (int i = 0; i < sample.length; i++) {
                    if (i > 0) {
                        body.append(',');
                    }
                    body.append(String.format(Locale.ROOT, "%.4f", sample[i]));
                }
                body.append("]]}");
                HttpRequest req = HttpRequest.newBuilder(predict).timeout(Duration.ofSeconds(60))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
                try {
                    long t0 = System.nanoTime();
                    HttpResponse<byte[]> r = client.send(req, HttpResponse.BodyHandlers.ofByteArray());
                    long dt = System.nanoTime() - t0;
                    if (r.statusCode() != 200) {
                        throw new DlsecException("the prediction server at " + predict + " answered " + r.statusCode());
                    }
                    queries++;
                    return dt;
                } catch (IOException e) {
                    throw new DlsecException("the prediction server at " + predict + " failed: " + e.getMessage(), e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new DlsecException("interrupted while timing " + predict, e);
                }
            }

            @Override
            public long queries() {
                return queries;
            }

            @Override
            public void close() {
                server.close();
            }
        };
    }
}
