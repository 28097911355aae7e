package org.dlsec.report;

import java.time.Instant;
import java.util.Map;

/**
 * One poisoning experiment of an audit: the model's architecture trained on clean and on poisoned
 * training data with the same seed and schedule.
 *
 * @param id unique id in the audit
 * @param key what a stored result must match to be reused on resume
 * @param poison {@code badnets} (backdoor with a patch or blended trigger) or {@code labelflip}
 * @param parameters the experiment's parameters (rate, target, trigger, epochs, samples, seed)
 * @param cleanModelAccuracy test accuracy when trained on clean data
 * @param poisonedModelAccuracy test accuracy when trained on the poisoned data
 * @param attackSuccessRate backdoor: triggered non-target test images classified as the target (NaN for label flipping)
 * @param triggerOnCleanModel backdoor: the same rate for the clean model (NaN for label flipping)
 * @param poisonedSamples training samples changed
 * @param trainSamples training samples
 * @param started when it started
 * @param seconds wall time
 * @param imageGridPng backdoor: base64 PNG of test images without and with the trigger and the
 *        poisoned model's answers (null for label flipping)
 * @param triggeredSamples backdoor: the test images that got the trigger (labels other than the target), which the
 *        attack success rate is measured on; null for label flipping and in results stored before it was recorded
 * @param detection the defence run on the victim and what it found, as {@code detection} of {@code dlsec poison --json}
 *        ({@code detector} names it: spectral, ac, strip, fineprune, cleanse), or null without one
 */
public record PoisonRecord(String id, String key, String poison, Map<String, Object> parameters, double cleanModelAccuracy,
        double poisonedModelAccuracy, double attackSuccessRate, double triggerOnCleanModel, int poisonedSamples,
        int trainSamples, Instant started, double seconds, String imageGridPng, Integer triggeredSamples,
        Map<String, Object> detection) implements StoredResult {
    public PoisonRecord {
        parameters = Map.copyOf(parameters);
        detection = detection == null ? null : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(detection));
    }

    /** The figure a defence is judged by, as a number, or null: {@code detection.<path>}. */
    public Double detectionFigure(String... path) {
        Object v = detection;
        for (String k : path) {
            v = v instanceof Map<?, ?> m ? m.get(k) : null;
        }
        return v instanceof Number n ? n.doubleValue() : null;
    }
}
