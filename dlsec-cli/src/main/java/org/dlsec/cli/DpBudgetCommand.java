package org.dlsec.cli;

import java.util.concurrent.Callable;
import org.dlsec.core.DlsecException;
import org.dlsec.defence.training.RdpAccountant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code dlsec dp-budget}: the (ε, δ) of a DP-SGD run from its hyper-parameters (RDP accountant). */
@Command(name = "dp-budget", mixinStandardHelpOptions = true,
        description = "Privacy budget (epsilon at a delta) of DP-SGD from the training-set size, batch size, noise"
                + " multiplier and epochs (RDP accountant of the sampled Gaussian mechanism).")
final class DpBudgetCommand implements Callable<Integer> {
    @Option(names = "--n", required = true, description = "Training-set size.")
    long n;

    @Option(names = "--batch-size", required = true, description = "Expected batch size (sampling rate = batch / n).")
    long batch;

    @Option(names = "--noise", required = true, description = "Noise multiplier sigma.")
    double noise;

    @Option(names = "--epochs", required = true, description = "Epochs (steps = epochs * n / batch, rounded down).")
    double epochs;

    @Option(names = "--delta", defaultValue = "1e-5", description = "Target delta (default: ${DEFAULT-VALUE}).")
    double delta;

    @Override
    public Integer call() {
        if (n <= 0 || batch <= 0 || batch > n) {
            throw new DlsecException("invalid --n/--batch-size: need 0 < batch <= n, got " + batch + " and " + n);
        }
        long steps = (long) Math.floor(epochs * n / batch);
        RdpAccountant.Guarantee g = RdpAccountant.epsilon((double) batch / n, noise, steps, delta);
        System.out.printf("q=%.6g sigma=%s steps=%d: epsilon=%.4f at delta=%s (order %d)%n", (double) batch / n, noise, steps,
                g.epsilon(), delta, g.order());
        return Main.EXIT_OK;
    }
}
