package org.dlsec.cli;

import java.nio.file.Path;
import org.dlsec.core.DlsecException;
import org.dlsec.data.Dataset;
import org.dlsec.model.Classifier;
import org.dlsec.model.Models;

/** Loads a model for a dataset and checks that the two fit together. */
final class Loading {
    private Loading() {}

    /** {@code path} for {@code data}: its shape and class count checked, with the data's input bounds. */
    static Classifier model(Path path, Dataset data) {
        Classifier c = Models.load(path, data.sampleShape(), ModelFlags.bounds(data.bounds()));
        if (c.numClasses() != data.numClasses()) {
            int k = c.numClasses();
            c.close();
            throw new DlsecException("the model has " + k + " outputs but " + data.name() + " has "
                    + data.numClasses() + " classes");
        }
        return c;
    }

    /** The parsed {@code --defence} and {@code --gradients} options; bad values fail here, before any loading. */
    record Defence(org.dlsec.defence.preprocess.Preprocessors.Spec spec, boolean adaptive) {
        static Defence parse(String spec, String gradients) {
            String g = gradients == null ? "adaptive" : gradients.trim().toLowerCase(java.util.Locale.ROOT);
            if (!g.equals("adaptive") && !g.equals("naive")) {
                throw new DlsecException("unknown --gradients '" + org.dlsec.core.Text.echo(gradients) + "': expected adaptive or naive");
            }
            return new Defence(spec == null ? null : org.dlsec.defence.preprocess.Preprocessors.parse(spec), g.equals("adaptive"));
        }

        /** The model behind the transformation (or the model itself without one); the wrapper does not close it. */
        Classifier wrap(Classifier model, long seed) {
            return spec == null ? model : spec.wrap(model, adaptive, seed);
        }

        /**
         * As {@link #wrap(Classifier, long)}, and when {@code path} is a defensively distilled dlsec
         * model and gradients are adaptive, the attacker sees its logits divided by the training
         * temperature (Carlini &amp; Wagner's answer to distillation); predictions are unchanged.
         */
        Classifier wrap(Classifier model, Path path, long seed) {
            java.util.OptionalDouble t = distillationTemperature(path);
            Classifier inner = model;
            if (t.isPresent()) {
                System.out.printf("defensively distilled model (T = %s): %s%n", t.getAsDouble(), adaptive
                        ? "attacking its logits / T (adaptive; --gradients naive attacks it as deployed)"
                        : "attacking it as deployed (naive; its softmax saturates and gradients vanish)");
                if (adaptive) {
                    inner = new org.dlsec.defence.TemperatureScaled(model, t.getAsDouble());
                }
            }
            return wrap(inner, seed);
        }

        /** What the JSON records of a distilled target, or null when {@code path} is not one. */
        java.util.Map<String, Object> distillation(Path path) {
            java.util.OptionalDouble t = distillationTemperature(path);
            if (t.isEmpty()) {
                return null;
            }
            java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
            m.put("temperature", t.getAsDouble());
            m.put("gradients", adaptive ? "adaptive (logits / T)" : "naive");
            return m;
        }
    }

    /** The training temperature of a defensively distilled dlsec model directory, if {@code path} is one. */
    static java.util.OptionalDouble distillationTemperature(Path path) {
        if (path == null || !java.nio.file.Files.isRegularFile(path.resolve(org.dlsec.model.ModelCard.FILE))) {
            return java.util.OptionalDouble.empty();
        }
        org.dlsec.model.ModelCard card = Models.card(path);
        if (card.training() == null || card.training().extra() == null
                || !(card.training().extra().get("defence") instanceof java.util.Map<?, ?> d)) {
            return java.util.OptionalDouble.empty();
        }
        @SuppressWarnings("unchecked")
        java.util.Map<String, Object> defence = (java.util.Map<String, Object>) d;
        return org.dlsec.defence.training.DefensiveDistillation.temperatureOf(defence);
    }
}
