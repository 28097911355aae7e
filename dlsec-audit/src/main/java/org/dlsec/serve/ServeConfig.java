package org.dlsec.serve;

import java.util.List;
import org.dlsec.core.DlsecException;
import org.dlsec.defence.detection.Prada;
import org.dlsec.defence.postprocess.OutputPolicy;

/**
 * Immutable, validated settings of a prediction server.
 *
 * @param host address to bind (loopback by default)
 * @param port TCP port (0 = any free port)
 * @param tokens accepted bearer tokens, one per client; empty = no authentication (one anonymous client)
 * @param output what is released per input
 * @param queryBudget samples each client may have classified (0 = unlimited); a batch that would exceed it gets 429
 * @param rate requests per second per client (0 = unlimited), a token bucket with a burst of max(1, rate)
 * @param maxBatch inputs per request
 * @param maxBodyBytes request body size limit (413 beyond)
 * @param prada PRADA settings, or null for none
 * @param seed seed of the output noise
 * @param threads threads that run predictions (reading requests and answering health checks does not need them)
 * @param readTimeout seconds a client has to send a request's headers, and again its body; slower
 *     connections are closed, and so are connections idle that long
 * @param maxConnectionsPerClient open connections allowed per client address; more are closed at once
 */
public record ServeConfig(String host, int port, List<String> tokens, OutputPolicy output, long queryBudget,
        double rate, int maxBatch, long maxBodyBytes, Prada.Config prada, long seed, int threads, int readTimeout,
        int maxConnectionsPerClient) {
    /** The default of {@link #readTimeout}, seconds. */
    public static final int DEFAULT_READ_TIMEOUT = 30;
    /** The default of {@link #maxConnectionsPerClient}. */
    public static final int DEFAULT_MAX_CONNECTIONS_PER_CLIENT = 64;

    /** As the canonical constructor, with the default read timeout and connection limit. */
    public ServeConfig(String host, int port, List<String> tokens, OutputPolicy output, long queryBudget, double rate,
            int maxBatch, long maxBodyBytes, Prada.Config prada, long seed, int threads) {
        this(host, port, tokens, output, queryBudget, rate, maxBatch, maxBodyBytes, prada, seed, threads,
                DEFAULT_READ_TIMEOUT, DEFAULT_MAX_CONNECTIONS_PER_CLIENT);
    }

    public ServeConfig {
        DlsecException.require(host != null && !host.isBlank(), "host", "must not be empty");
        DlsecException.require(port >= 0 && port <= 65_535, "port", "must be in 0..65535, got " + port);
        tokens = tokens == null ? List.of() : List.copyOf(tokens);
        for (String t : tokens) {
            DlsecException.require(t.length() >= 8 && t.strip().equals(t) && t.chars().allMatch(ch -> ch > 32 && ch < 127),
                    "token", "tokens must be at least 8 printable characters without spaces");
        }
        DlsecException.require(tokens.stream().distinct().count() == tokens.size(), "token", "duplicate tokens");
        DlsecException.require(output != null, "output", "must be given");
        DlsecException.require(queryBudget >= 0, "query budget", "must be >= 0, got " + queryBudget);
        DlsecException.require(Double.isFinite(rate) && rate >= 0, "rate", "must be >= 0, got " + rate);
        DlsecException.require(maxBatch >= 1 && maxBatch <= 4096, "max batch", "must be in 1..4096, got " + maxBatch);
        DlsecException.require(maxBodyBytes >= 1024 && maxBodyBytes <= (1L << 30), "max body bytes",
                "must be in 1024..1 GiB, got " + maxBodyBytes);
        DlsecException.require(threads >= 1 && threads <= 64, "threads", "must be in 1..64, got " + threads);
        DlsecException.require(readTimeout >= 1 && readTimeout <= 3600, "read timeout", "must be in 1..3600 seconds, got "
                + readTimeout);
        DlsecException.require(maxConnectionsPerClient >= 1 && maxConnectionsPerClient <= 10_000, "max connections per client",
                "must be in 1..10000, got " + maxConnectionsPerClient);
    }

    /** Loopback, an ephemeral port, no tokens, all probabilities, no limits beyond the size checks. */
    public static ServeConfig defaults() {
        return new ServeConfig("127.0.0.1", 0, List.of(), OutputPolicy.probs(), 0, 0, 256, 32L << 20, null, 0, 4);
    }

    public ServeConfig withPort(int p) {
        return new ServeConfig(host, p, tokens, output, queryBudget, rate, maxBatch, maxBodyBytes, prada, seed, threads, readTimeout,
                maxConnectionsPerClient);
    }

    public ServeConfig withTokens(List<String> t) {
        return new ServeConfig(host, port, t, output, queryBudget, rate, maxBatch, maxBodyBytes, prada, seed, threads, readTimeout,
                maxConnectionsPerClient);
    }

    public ServeConfig withOutput(OutputPolicy o) {
        return new ServeConfig(host, port, tokens, o, queryBudget, rate, maxBatch, maxBodyBytes, prada, seed, threads, readTimeout,
                maxConnectionsPerClient);
    }

    public ServeConfig withQueryBudget(long b) {
        return new ServeConfig(host, port, tokens, output, b, rate, maxBatch, maxBodyBytes, prada, seed, threads, readTimeout,
                maxConnectionsPerClient);
    }

    public ServeConfig withRate(double r) {
        return new ServeConfig(host, port, tokens, output, queryBudget, r, maxBatch, maxBodyBytes, prada, seed, threads, readTimeout,
                maxConnectionsPerClient);
    }

    public ServeConfig withLimits(int batch, long bodyBytes) {
        return new ServeConfig(host, port, tokens, output, queryBudget, rate, batch, bodyBytes, prada, seed, threads, readTimeout,
                maxConnectionsPerClient);
    }

    public ServeConfig withPrada(Prada.Config p) {
        return new ServeConfig(host, port, tokens, output, queryBudget, rate, maxBatch, maxBodyBytes, p, seed, threads, readTimeout,
                maxConnectionsPerClient);
    }

    public ServeConfig withHost(String h) {
        return new ServeConfig(h, port, tokens, output, queryBudget, rate, maxBatch, maxBodyBytes, prada, seed, threads, readTimeout,
                maxConnectionsPerClient);
    }

    public ServeConfig withReadTimeout(int seconds) {
        return new ServeConfig(host, port, tokens, output, queryBudget, rate, maxBatch, maxBodyBytes, prada, seed, threads,
                seconds, maxConnectionsPerClient);
    }

    public ServeConfig withMaxConnectionsPerClient(int n) {
        return new ServeConfig(host, port, tokens, output, queryBudget, rate, maxBatch, maxBodyBytes, prada, seed, threads,
                readTimeout, n);
    }
}
