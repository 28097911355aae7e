package org.dlsec.cli;

import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.dlsec.core.DlsecException;
import org.dlsec.defence.detection.Prada;
import org.dlsec.defence.postprocess.OutputPolicy;
import org.dlsec.model.Classifier;
import org.dlsec.model.Models;
import org.dlsec.serve.PredictionServer;
import org.dlsec.serve.ServeConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code dlsec serve}: a model behind the HTTP prediction API, until interrupted. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve a model as an HTTP JSON prediction API (POST /v1/predict, GET /v1/health, GET /v1/stats)"
                + " on loopback, with optional bearer tokens, output defences, query budgets, rate limit and PRADA.")
final class ServeCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "dlsec model directory, TorchScript .pt or .onnx file.")
    Path model;

    @Option(names = "--input-shape", defaultValue = "1,28,28", description = "Shape of one input, for .pt and .onnx"
            + " files: C,H,W for images, D for feature vectors (default: ${DEFAULT-VALUE}).")
    String inputShape;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "8080", description = "Port (0 = any free port) (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--token-file", description = "File with one bearer token per line (one client each); without it"
            + " the API is open.")
    Path tokenFile;

    @Option(names = "--output", defaultValue = "probs", description = "probs, top1, topk:K or rounded:D (default: ${DEFAULT-VALUE}).")
    String output;

    @Option(names = "--reverse-sigmoid", description = "Reverse-sigmoid perturbation strength beta in (0, 1].")
    Double reverseSigmoid;

    @Option(names = "--reverse-sigmoid-gamma", defaultValue = "1", description = "Reverse-sigmoid gamma (default: ${DEFAULT-VALUE}).")
    double gamma;

    @Option(names = "--noise", description = "Standard deviation of Gaussian noise added to the probabilities.")
    Double noise;

    @Option(names = "--query-budget", defaultValue = "0", description = "Inputs each client may send (0 = unlimited).")
    long budget;

    @Option(names = "--rate", defaultValue = "0", description = "Requests per second per client, e.g. 20 or 20/s"
            + " (0 = unlimited).")
    String rate;

    @Option(names = "--max-batch", defaultValue = "256", description = "Inputs per request (default: ${DEFAULT-VALUE}).")
    int maxBatch;

    @Option(names = "--max-body-bytes", defaultValue = "33554432", description = "Request size limit (default: ${DEFAULT-VALUE}).")
    long maxBody;

    @Option(names = "--prada", description = "Run the PRADA extraction detector per client (see /v1/stats).")
    boolean prada;

    @Option(names = "--prada-delta", defaultValue = "0.9", description = "PRADA flags a client when Shapiro-Wilk W <"
            + " delta (default: ${DEFAULT-VALUE}).")
    double pradaDelta;

    @Option(names = "--threads", defaultValue = "4", description = "Threads that run predictions (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the output noise (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--read-timeout", defaultValue = "30", description = "Seconds a client has to send a request's headers,"
            + " and again its body, and the longest a connection may stay idle; slower connections are closed without"
            + " holding a thread (default: ${DEFAULT-VALUE}).")
    int readTimeout;

    @Option(names = "--max-connections-per-client", defaultValue = "64", description = "Open connections allowed per"
            + " client address; further ones are closed at once (default: ${DEFAULT-VALUE}).")
    int maxConnections;

    @picocli.CommandLine.Mixin
    ModelFlags modelFlags = new ModelFlags();

    /** The served model: the file, for inputs of {@code --input-shape}, behind {@code --normalize} if given. */
    Classifier classifier() {
        var n = modelFlags.normalization();
        Shape shape = Files.isDirectory(model) ? null : parseShape(inputShape);
        return ModelFlags.wrap(Models.load(model, shape), n);
    }

    @Override
    public Integer call() throws InterruptedException {
        OutputPolicy policy = OutputPolicy.parse(output);
        if (reverseSigmoid != null) {
            policy = policy.withReverseSigmoid(reverseSigmoid, gamma);
        }
        if (noise != null) {
            policy = policy.withNoise(noise);
        }
        List<String> tokens = tokenFile == null ? List.of() : TokenFiles.read(tokenFile);
        Prada.Config pc = prada ? new Prada.Config(pradaDelta, 100, 5000) : null;
        double perSecond = parseRate(rate);
        DlsecException.require(readTimeout >= 1 && readTimeout <= 3600, "--read-timeout", "must be in 1..3600 seconds, got "
                + readTimeout);
        DlsecException.require(maxConnections >= 1 && maxConnections <= 10_000, "--max-connections-per-client",
                "must be in 1..10000, got " + maxConnections);
        ServeConfig cfg = new ServeConfig(host, port, tokens, policy, budget, perSecond, maxBatch, maxBody, pc, seed, threads,
                readTimeout, maxConnections);
        Classifier c = classifier();
        PredictionServer server;
        try {
            server = PredictionServer.start(c, cfg);
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            c.close();
            stop.countDown();
        }, "dlsec-serve-stop"));
        if (!isLoopback(host)) {
            System.err.println("dlsec: warning: serving on " + host + ", which is not a loopback address");
        }
        System.out.printf("dlsec serve: %s%s on %s (output %s, %s, budget %s, rate %s, PRADA %s); Ctrl-C stops%n",
                c.info().describe(), modelFlags.normalize == null ? "" : " behind --normalize " + modelFlags.normalize,
                server.uri(), policy, tokens.isEmpty() ? "no auth" : tokens.size() + " token(s)",
                budget > 0 ? budget : "unlimited", perSecond > 0 ? perSecond + "/s" : "unlimited", prada ? "on" : "off");
        System.out.flush();
        stop.await();
        return Main.EXIT_OK;
    }

    static double parseRate(String r) {
        String t = r.strip();
        if (t.endsWith("/s")) {
            t = t.substring(0, t.length() - 2).strip();
        }
        try {
            double v = Double.parseDouble(t);
            DlsecException.require(Double.isFinite(v) && v >= 0, "--rate", "must be >= 0, got " + r);
            return v;
        } catch (NumberFormatException e) {
            throw new DlsecException("invalid --rate '" + org.dlsec.core.Text.echo(r) + "': expected requests per second, e.g. 20 or 20/s");
        }
    }

    static Shape parseShape(String s) {
        String[] parts = s.split(",", -1);
        if (parts.length < 1 || parts.length > 3) {
            throw new DlsecException("invalid --input-shape '" + org.dlsec.core.Text.echo(s)
                    + "': expected C,H,W (images) or D (feature vectors)");
        }
        long[] d = new long[parts.length];
        try {
            for (int i = 0; i < d.length; i++) {
                d[i] = Long.parseLong(parts[i].strip());
                DlsecException.require(d[i] >= 1 && d[i] <= (d.length == 1 ? 1 << 24 : 4096), "--input-shape",
                        "dimensions must be in 1..4096 (a feature vector's length in 1..16777216)");
            }
        } catch (NumberFormatException e) {
            throw new DlsecException("invalid --input-shape '" + org.dlsec.core.Text.echo(s) + "': expected C,H,W or D, integers");
        }
        return new Shape(d);
    }

    private static boolean isLoopback(String h) {
        try {
            return InetAddress.getByName(h).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
