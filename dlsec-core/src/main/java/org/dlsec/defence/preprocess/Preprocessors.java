package org.dlsec.defence.preprocess;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.dlsec.core.DlsecException;
import org.dlsec.model.Classifier;

/**
 * The registry of input transformations by CLI name, parsed from {@code NAME[:key=value,...]}:
 * {@code squeeze:bits=4}, {@code median:k=2}, {@code quantize:levels=2[,thresholds=0.3/0.6]},
 * {@code smooth:k=3}, {@code noise:sigma=0.1}. The key {@code eot=K} (any defence) sets the number
 * of draws an adaptive attack averages over.
 */
public final class Preprocessors {
    /**
     * The transformations' CLI names.
     */
    public static final List<String> NAMES = List.of("squeeze", "median", "quantize", "smooth", "noise");
    /**
     * EOT draws when {@code eot=K} is not given.
     */
    public static final int DEFAULT_EOT = 10;

    private Preprocessors() {}

    /** A parsed defence spec: the transformation and the EOT draw count. */
    public record Spec(Preprocessor preprocessor, int eotSamples) {
        /**
         * f(g(x)) with naive or adaptive (BPDA/EOT) gradients.
         *
         * @param model the model to defend; not owned, not closed
         * @param adaptive true for BPDA/EOT gradients, false for the naive autograd gradient
         * @param seed seed of the random draws
         * @return the defended classifier
         */
        public PreprocessedClassifier wrap(Classifier model, boolean adaptive, long seed) {
            return new PreprocessedClassifier(model, preprocessor,
                    adaptive ? PreprocessedClassifier.GradientMode.ADAPTIVE : PreprocessedClassifier.GradientMode.NAIVE,
                    eotSamples, seed);
        }
    }

    /**
     * Parses a defence spec.
     *
     * @param spec {@code NAME[:key=value,...]}, e.g. {@code squeeze:bits=4}
     * @return the transformation and its EOT draw count
     * @throws org.dlsec.core.DlsecException when the name or a key is unknown or a value is out of range
     */
    public static Spec parse(String spec) {
        if (spec == null || spec.isBlank()) {
            throw new DlsecException("invalid --defence: empty; expected NAME[:key=value,...] with NAME one of "
                    + String.join(", ", NAMES));
        }
        String s = spec.trim();
        int colon = s.indexOf(':');
        String name = (colon < 0 ? s : s.substring(0, colon)).toLowerCase(Locale.ROOT);
        Map<String, String> kv = new LinkedHashMap<>();
        if (colon >= 0 && colon < s.length() - 1) {
            for (String part : s.substring(colon + 1).split(",")) {
                int eq = part.indexOf('=');
                if (eq <= 0) {
                    throw new DlsecException("invalid --defence parameter '" + org.dlsec.core.Text.echo(part) + "' in '" + org.dlsec.core.Text.echo(spec) + "': expected key=value");
                }
                kv.put(part.substring(0, eq).trim().toLowerCase(Locale.ROOT), part.substring(eq + 1).trim());
            }
        }
        int eot = intParam(kv, "eot", DEFAULT_EOT, spec);
        Preprocessor p = switch (name) {
            case "squeeze" -> new BitDepthReduction(intParam(kv, "bits", 4, spec));
            case "median" -> new MedianSmoothing(intParam(kv, "k", 2, spec));
            case "quantize" -> new Quantisation(intParam(kv, "levels", 2, spec), thresholds(kv.remove("thresholds"), spec));
            case "smooth" -> new SpatialSmoothing(intParam(kv, "k", 3, spec));
            case "noise" -> new GaussianNoise(doubleParam(kv, "sigma", 0.1, spec));
            default -> throw new DlsecException("unknown defence '" + org.dlsec.core.Text.echo(name) + "': expected one of " + String.join(", ", NAMES));
        };
        if (!kv.isEmpty()) {
            throw new DlsecException("invalid --defence '" + org.dlsec.core.Text.echo(spec) + "': unknown parameter(s) " + kv.keySet() + " for " + name);
        }
        return new Spec(p, eot);
    }

    private static int intParam(Map<String, String> kv, String key, int dflt, String spec) {
        String v = kv.remove(key);
        if (v == null) {
            return dflt;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new DlsecException("invalid --defence '" + org.dlsec.core.Text.echo(spec) + "': " + key + " must be an integer, got '" + org.dlsec.core.Text.echo(v) + "'");
        }
    }

    private static double doubleParam(Map<String, String> kv, String key, double dflt, String spec) {
        String v = kv.remove(key);
        if (v == null) {
            return dflt;
        }
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new DlsecException("invalid --defence '" + org.dlsec.core.Text.echo(spec) + "': " + key + " must be a number, got '" + org.dlsec.core.Text.echo(v) + "'");
        }
    }

    private static double[] thresholds(String v, String spec) {
        if (v == null) {
            return null;
        }
        String[] parts = v.split("/");
        double[] t = new double[parts.length];
        try {
            for (int i = 0; i < parts.length; i++) {
                t[i] = Double.parseDouble(parts[i].trim());
            }
        } catch (NumberFormatException e) {
            throw new DlsecException("invalid --defence '" + org.dlsec.core.Text.echo(spec) + "': thresholds must be numbers separated by '/'");
        }
        return t;
    }
}
