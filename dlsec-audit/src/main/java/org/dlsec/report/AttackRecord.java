package org.dlsec.report;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.dlsec.attack.evasion.AttackResult;
import org.dlsec.data.Dataset;

/**
 * One attack run of an audit as stored and reported: its summaries (one per ε), the per-sample
 * results at the largest budget, and an image grid. Written to {@code results/<id>.json} as soon as
 * the attack finishes, so an interrupted audit resumes.
 *
 * @param id unique id within the audit
 * @param key hash of (model, data, configuration) the result belongs to, for {@code --resume}
 * @param attack attack name
 * @param family threat family ({@code evasion})
 * @param knowledge white-box, score-based, label-only or transfer
 * @param norm norm of the budgets
 * @param parameters the attack's parameters at the last budget
 * @param epsilons the budgets
 * @param points the summary at each budget
 * @param samples per-sample results at the last budget
 * @param imageGridPng base64 PNG of originals, perturbations and adversarial examples (images), or null
 * @param featureChanges for feature vectors (tabular data), the features the attack changed most; else null
 * @param started when the run started
 * @param seconds wall time of the whole run (all budgets)
 * @param numericalIssues non-finite losses, gradients or iterates the attack recovered from, over all budgets (empty if none)
 * @param gradients against a defended model (the audit's {@code defence:}): the gradient the attack got — {@code naive}
 *        (exact through the transformation, what a defence-unaware attacker gets), or the adaptive {@code bpda},
 *        {@code eot}, {@code bpda+eot}, or {@code exact} for a differentiable transformation; {@code none} for an attack
 *        without gradients; null without a defence
 * @param masking on a naive run beside an adaptive one: the two robust accuracies and whether the naive one is flagged
 *        as gradient masking; else null
 * @param detection with a detector deployed ({@code defence: detector:}): its verdict on the adversarial examples of the
 *        largest budget — {@code detectionRate} of the successful ones and {@code undetectedSuccessRate}, the share of
 *        the correctly classified samples turned into errors the detector lets through; else null
 */
public record AttackRecord(String id, String key, String attack, String family, String knowledge, String norm,
        Map<String, Object> parameters, List<Double> epsilons, List<AttackResult.Summary> points,
        AttackResult.PerSample samples,
        String imageGridPng, FeatureChanges featureChanges, Instant started, double seconds,
        List<org.dlsec.core.NumericalIssue> numericalIssues, String gradients, Masking masking,
        Map<String, Object> detection) implements StoredResult {
    public AttackRecord {
        numericalIssues = numericalIssues == null ? List.of() : List.copyOf(numericalIssues);
        detection = detection == null ? null : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(detection));
    }

    /** A run against a model without a defence. */
    public AttackRecord(String id, String key, String attack, String family, String knowledge, String norm,
            Map<String, Object> parameters, List<Double> epsilons, List<AttackResult.Summary> points,
            AttackResult.PerSample samples, String imageGridPng, FeatureChanges featureChanges, Instant started,
            double seconds, List<org.dlsec.core.NumericalIssue> numericalIssues) {
        this(id, key, attack, family, knowledge, norm, parameters, epsilons, points, samples, imageGridPng, featureChanges,
                started, seconds, numericalIssues, null, null, null);
    }

    /**
     * A naive run compared with the adaptive run of the same attack (Athalye et al. 2018: a defence evaluated with the
     * gradients it masks looks robust).
     *
     * @param adaptiveId the adaptive run's id
     * @param naiveRobustAccuracy robust accuracy under the naive attack (largest budget)
     * @param adaptiveRobustAccuracy robust accuracy under the adaptive attack (largest budget)
     * @param tolerance the difference above which the naive figure is flagged
     * @param flagged whether the naive figure overstates robustness by more than the tolerance
     */
    public record Masking(String adaptiveId, double naiveRobustAccuracy, double adaptiveRobustAccuracy, double tolerance,
            boolean flagged) {}

    /** This record with the gradient it got against a defended model. */
    public AttackRecord withGradients(String g) {
        return new AttackRecord(id, key, attack, family, knowledge, norm, parameters, epsilons, points, samples, imageGridPng,
                featureChanges, started, seconds, numericalIssues, g, masking, detection);
    }

    /** This record with one more parameter (e.g. the output policy of the API the attack queried). */
    public AttackRecord withParameter(String name, Object value) {
        Map<String, Object> p = new java.util.LinkedHashMap<>(parameters);
        p.put(name, value);
        return new AttackRecord(id, key, attack, family, knowledge, norm, p, epsilons, points, samples, imageGridPng,
                featureChanges, started, seconds, numericalIssues, gradients, masking, detection);
    }

    /** This record with the deployed detector's verdict on its adversarial examples. */
    public AttackRecord withDetection(Map<String, Object> d) {
        return new AttackRecord(id, key, attack, family, knowledge, norm, parameters, epsilons, points, samples, imageGridPng,
                featureChanges, started, seconds, numericalIssues, gradients, masking, d);
    }

    /** With a detector: the share of correctly classified samples turned into undetected errors, else null. */
    public Double undetectedSuccessRate() {
        return detection != null && detection.get("undetectedSuccessRate") instanceof Number n ? n.doubleValue() : null;
    }

    /** This (naive) record compared with {@code adaptive}. */
    public AttackRecord comparedWith(AttackRecord adaptive, double tolerance) {
        double n = last().robustAccuracy();
        double a = adaptive.last().robustAccuracy();
        return new AttackRecord(id, key, attack, family, knowledge, norm, parameters, epsilons, points, samples, imageGridPng,
                featureChanges, started, seconds, numericalIssues, gradients,
                new Masking(adaptive.id(), n, a, tolerance, n > a + tolerance), detection);
    }

    /** Per-sample arrays (index into the audited dataset). */
    public static AttackRecord of(String id, String key, List<Double> epsilons, List<AttackResult> results, String norm,
            Dataset data, Instant started, double seconds) {
        AttackResult last = results.get(results.size() - 1);
        List<AttackResult.Summary> points = new ArrayList<>();
        for (AttackResult r : results) {
            points.add(r.summary());
        }
        // images get a grid of examples; feature vectors a table of the features the attack changed most
        String png = data.isImage() ? Base64.getEncoder().encodeToString(AdversarialGrids.of(last, data, 6).png()) : null;
        FeatureChanges changes = data.isImage() ? null : FeatureChanges.of(last, data);
        return new AttackRecord(id, key, last.attack(), "evasion", last.knowledge().label(), norm, last.parameters(),
                List.copyOf(epsilons), points, last.perSample(), png, changes, started, seconds,
                results.stream().flatMap(r -> r.numericalIssues().stream()).toList());
    }

    /** The summary at the largest budget. */
    public AttackResult.Summary last() {
        return points.get(points.size() - 1);
    }
}
