package org.dlsec.audit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.dlsec.defence.TemperatureScaled;
import org.dlsec.defence.preprocess.PreprocessedClassifier;
import org.dlsec.defence.training.DefensiveDistillation;
import org.dlsec.model.Classifier;
import org.dlsec.model.ModelCard;
import org.dlsec.model.Models;

/**
 * The audited model as it is deployed, and the views of it the attacks get. {@code deployed} answers queries as the
 * deployed model does (behind the {@code defence:} transformation, if any): clean accuracy, the attacks without
 * gradients, extraction, privacy and the backdoor scan query it. Gradient attacks get the adaptive view — BPDA/EOT
 * through the transformation, and the logits divided by the training temperature when the model is a defensively
 * distilled dlsec model (Carlini and Wagner's answer to distillation) — and, when the defence calls for the
 * comparison, the naive view beside it: the exact gradient of the deployed model, which a defence-unaware attacker gets.
 *
 * @param model the model as loaded
 * @param deployed what queries see
 * @param adaptive the adaptive view for gradient attacks, or null when they run naively only
 * @param naive the naive view, or null when no naive run goes beside the adaptive one
 * @param adaptiveGradients what the adaptive gradient is ({@code bpda}, {@code eot}, {@code logits/T}, …), or null
 *        without a defence
 */
record Deployment(Classifier model, Classifier deployed, Classifier adaptive, Classifier naive, String adaptiveGradients) {
    /** Whether the model is attacked as a defended one (records then say which gradients each run got). */
    boolean defended() {
        return adaptiveGradients != null || naive != null;
    }

    /** The view a gradient attack gets when it runs once (the adaptive one, or the naive one when only that runs). */
    Classifier gradientView() {
        return adaptive != null ? adaptive : naive != null ? naive : model;
    }

    static Deployment of(Classifier model, AuditConfig config) {
        AuditConfig.Defence d = config.defence() == null || !config.defence().changesGradients() ? null : config.defence();
        OptionalDouble t = distillationTemperature(model);
        if (d == null && t.isEmpty()) {
            return new Deployment(model, model, null, null, null);
        }
        double temperature = t.orElse(0);
        // the same views a Spark executor builds for the same runs
        Classifier adaptive = d == null || d.adaptive() ? AttackExecutor.view(model, config, false, temperature) : null;
        Classifier naive = d == null || d.naive() ? AttackExecutor.view(model, config, true, 0) : null;
        // predictions do not depend on the gradient mode: queries see the transformation, not the scaled logits nor the
        // attacker's view of a detector
        Classifier deployed = d == null || d.spec() == null ? model : AttackExecutor.view(model, config, false, 0);
        String kind = null;
        if (adaptive != null) {
            String through = adaptive instanceof PreprocessedClassifier p ? p.gradientKind()
                    : adaptive instanceof org.dlsec.defence.detection.DetectorAwareClassifier ? "detector-aware" : null;
            kind = t.isPresent() ? (through == null ? "logits/T" : "logits/T+" + through) : through;
        }
        return new Deployment(model, deployed, adaptive, naive, kind == null ? "naive" : kind);
    }

    /** The card of the dlsec model directory {@code c} was loaded from (behind any wrapper), if it is one. */
    static Optional<ModelCard> cardOf(Classifier c) {
        Classifier model = c;
        while (true) {
            if (model instanceof PreprocessedClassifier p) {
                model = p.inner();
            } else if (model instanceof TemperatureScaled s) {
                model = s.inner();
            } else {
                break;
            }
        }
        if (!"dlsec".equals(model.info().kind()) || model.info().source() == null) {
            return Optional.empty();
        }
        Path dir = Path.of(model.info().source());
        if (!Files.isRegularFile(dir.resolve(ModelCard.FILE))) {
            return Optional.empty();
        }
        ModelCard card = Models.card(dir);
        // the card must describe the weights that were loaded, not a directory rewritten since
        return model.info().sha256().equals(card.weightsSha256()) ? Optional.of(card) : Optional.empty();
    }

    /** The training temperature of a defensively distilled dlsec model, if {@code model} is one. */
    static OptionalDouble distillationTemperature(Classifier model) {
        Optional<ModelCard> card = cardOf(model);
        if (card.isEmpty() || card.get().training() == null || card.get().training().extra() == null
                || !(card.get().training().extra().get("defence") instanceof Map<?, ?> m)) {
            return OptionalDouble.empty();
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> defence = (Map<String, Object>) m;
        return DefensiveDistillation.temperatureOf(defence);
    }
}
