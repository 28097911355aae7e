package org.dlsec.defence.postprocess;

import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import org.dlsec.core.DlsecException;

/**
 * What a prediction API releases for one input, given the model's class probabilities. Immutable and
 * validated; parsed from the CLI forms {@code probs}, {@code top1}, {@code topk:K}, {@code rounded:D}.
 *
 * <p>Two optional perturbations are applied first, in this order, each followed by renormalisation:
 * <ul>
 *   <li>reverse sigmoid (Lee, Edraki, Qi, Chan, "Defending Against NN Model Stealing Attacks Using
 *   Deceptive Perturbations", IEEE S&amp;P Workshops 2019): {@code p - β·(σ(γ·logit(p)) - 1/2)}, clipped
 *   at zero; it flattens the confident end of the scores so that their logarithms no longer reveal
 *   the logits, while mostly keeping the top class;</li>
 *   <li>Gaussian noise of standard deviation σ added to every probability, clipped at zero.</li>
 * </ul>
 * Then the truncation: all probabilities, rounded to D decimals, only the K most probable classes
 * with their probabilities, or only the label. The released label is the argmax after perturbation.
 */
public final class OutputPolicy {
    /** The truncation applied last. */
    public enum Kind {
        /** All probabilities. */
        PROBS,
        /** The label only. */
        TOP1,
        /** The K most probable classes with their probabilities. */
        TOPK,
        /** All probabilities, rounded to D decimals. */
        ROUNDED
    }

    /** One released answer: the label, and the classes whose probabilities are released (empty for top1). */
    public record Answer(int label, int[] classes, float[] probabilities) {}

    private final Kind kind;
    private final int k;
    private final double beta;
    private final double gamma;
    private final double sigma;

    private OutputPolicy(Kind kind, int k, double beta, double gamma, double sigma) {
        DlsecException.require(kind != Kind.TOPK || (k >= 1 && k <= 1000), "output", "topk needs K in 1..1000, got " + k);
        DlsecException.require(kind != Kind.ROUNDED || (k >= 0 && k <= 8), "output", "rounded needs 0..8 decimals, got " + k);
        DlsecException.require(Double.isFinite(beta) && beta >= 0 && beta <= 1, "reverse-sigmoid beta",
                "must be in [0, 1], got " + beta);
        DlsecException.require(Double.isFinite(gamma) && gamma > 0 && gamma <= 100, "reverse-sigmoid gamma",
                "must be in (0, 100], got " + gamma);
        DlsecException.require(Double.isFinite(sigma) && sigma >= 0 && sigma <= 1, "noise sigma",
                "must be in [0, 1], got " + sigma);
        this.kind = kind;
        this.k = k;
        this.beta = beta;
        this.gamma = gamma;
        this.sigma = sigma;
    }

    /**
     * All probabilities, unchanged.
     *
     * @return the identity policy
     */
    public static OutputPolicy probs() {
        return new OutputPolicy(Kind.PROBS, 0, 0, 1, 0);
    }

    /**
     * Parses {@code probs}, {@code top1}, {@code topk:K} or {@code rounded:D}.
     *
     * @param spec the truncation's CLI form
     * @return the policy, without perturbation
     * @throws org.dlsec.core.DlsecException when the form is unknown or K or D is out of range
     */
    public static OutputPolicy parse(String spec) {
        String s = spec == null ? "" : spec.trim().toLowerCase(Locale.ROOT);
        try {
            if (s.equals("probs")) {
                return probs();
            }
            if (s.equals("top1") || s.equals("label")) {
                return new OutputPolicy(Kind.TOP1, 1, 0, 1, 0);
            }
            if (s.startsWith("topk:")) {
                return new OutputPolicy(Kind.TOPK, Integer.parseInt(s.substring(5)), 0, 1, 0);
            }
            if (s.startsWith("rounded:")) {
                return new OutputPolicy(Kind.ROUNDED, Integer.parseInt(s.substring(8)), 0, 1, 0);
            }
        } catch (NumberFormatException e) {
            throw new DlsecException("invalid output: '" + org.dlsec.core.Text.echo(spec) + "' has a non-integer parameter");
        }
        throw new DlsecException("invalid output: '" + org.dlsec.core.Text.echo(spec) + "': expected probs, top1, topk:K or rounded:D");
    }

    /**
     * This policy with a reverse-sigmoid perturbation (β = 0 switches it off).
     *
     * @param beta β of the reverse sigmoid, in [0, 1]
     * @param gamma γ of the reverse sigmoid, in (0, 100]
     * @return a new policy
     * @throws org.dlsec.core.DlsecException when a value is out of range
     */
    public OutputPolicy withReverseSigmoid(double beta, double gamma) {
        return new OutputPolicy(kind, k, beta, gamma, sigma);
    }

    /**
     * This policy with Gaussian noise of standard deviation σ on the probabilities (0 switches it off).
     *
     * @param sigma σ, in [0, 1]
     * @return a new policy
     * @throws org.dlsec.core.DlsecException when {@code sigma} is outside [0, 1]
     */
    public OutputPolicy withNoise(double sigma) {
        return new OutputPolicy(kind, k, beta, gamma, sigma);
    }

    /**
     * The truncation.
     *
     * @return the kind
     */
    public Kind kind() {
        return kind;
    }

    /**
     * K for topk, decimals for rounded, 1 for top1, 0 for probs.
     *
     * @return the number
     */
    public int k() {
        return k;
    }

    /**
     * Whether answers are random (noise on).
     *
     * @return true when σ is positive
     */
    public boolean randomised() {
        return sigma > 0;
    }

    /**
     * The CLI form of the truncation, e.g. {@code topk:3}.
     *
     * @return the form {@link #parse} reads
     */
    public String spec() {
        return switch (kind) {
            case PROBS -> "probs";
            case TOP1 -> "top1";
            case TOPK -> "topk:" + k;
            case ROUNDED -> "rounded:" + k;
        };
    }

    @Override
    public String toString() {
        return spec() + (beta > 0 ? " reverse-sigmoid(beta=" + beta + ", gamma=" + gamma + ")" : "")
                + (sigma > 0 ? " noise(sigma=" + sigma + ")" : "");
    }

    /**
     * Applies the policy to one probability vector; {@code rnd} is used only when noise is on.
     *
     * @param probs one probability vector (K); not modified
     * @param rnd the generator for the noise; advanced only when noise is on
     * @return the released answer
     */
    public Answer apply(float[] probs, SplittableRandom rnd) {
        double[] p = new double[probs.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = probs[i];
        }
        if (beta > 0) {
            for (int i = 0; i < p.length; i++) {
                double q = Math.min(Math.max(p[i], 1e-12), 1 - 1e-12);
                double logit = Math.log(q / (1 - q));
                p[i] = Math.max(0, p[i] - beta * (1 / (1 + Math.exp(-gamma * logit)) - 0.5));
            }
            normalise(p);
        }
        if (sigma > 0) {
            for (int i = 0; i < p.length; i++) {
                p[i] = Math.max(0, p[i] + sigma * rnd.nextGaussian());
            }
            normalise(p);
        }
        int label = argMax(p);
        return switch (kind) {
            case TOP1 -> new Answer(label, new int[0], new float[0]);
            case PROBS -> new Answer(label, allClasses(p.length), toFloats(p, -1));
            case ROUNDED -> new Answer(label, allClasses(p.length), toFloats(p, k));
            case TOPK -> {
                int n = Math.min(k, p.length);
                Integer[] order = new Integer[p.length];
                Arrays.setAll(order, i -> i);
                Arrays.sort(order, (a, b) -> p[a] != p[b] ? Double.compare(p[b], p[a]) : Integer.compare(a, b));
                int[] cls = new int[n];
                float[] val = new float[n];
                for (int i = 0; i < n; i++) {
                    cls[i] = order[i];
                    val[i] = (float) p[order[i]];
                }
                yield new Answer(label, cls, val);
            }
        };
    }

    private static void normalise(double[] p) {
        double sum = 0;
        for (double v : p) {
            sum += v;
        }
        if (sum <= 0) {
            Arrays.fill(p, 1.0 / p.length);
            return;
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= sum;
        }
    }

    private static int argMax(double[] p) {
        int best = 0;
        for (int i = 1; i < p.length; i++) {
            if (p[i] > p[best]) {
                best = i;
            }
        }
        return best;
    }

    private static int[] allClasses(int n) {
        int[] c = new int[n];
        Arrays.setAll(c, i -> i);
        return c;
    }

    private static float[] toFloats(double[] p, int decimals) {
        float[] out = new float[p.length];
        double scale = decimals < 0 ? 0 : Math.pow(10, decimals);
        for (int i = 0; i < p.length; i++) {
            out[i] = (float) (decimals < 0 ? p[i] : Math.round(p[i] * scale) / scale);
        }
        return out;
    }
}
