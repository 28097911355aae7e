package org.dlsec.experiment;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dlsec.attack.poisoning.FeatureCollisionExperiment;
import org.dlsec.core.NumericalIssue;

/**
 * What a feature-collision experiment found: per target, whether its victim's prediction flipped to the base
 * class, the feature and pixel distances of its poisons and the victim's clean accuracy; and the means.
 *
 * @param result the experiment's per-target results
 * @param trainSamples the victim's clean retraining samples
 * @param testSamples test images
 */
public record FeatureCollisionOutcome(FeatureCollisionExperiment.Result result, int trainSamples, int testSamples) {
    /**
     * The outcome's fields of {@code dlsec poison --attack featurecollision --json} (the command adds the provenance).
     *
     * @return a new mutable map
     */
    public Map<String, Object> json() {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (FeatureCollisionExperiment.Target t : result.targets()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("index", t.index());
            m.put("label", t.label());
            m.put("baselinePrediction", t.baselinePrediction());
            m.put("poisonedPrediction", t.poisonedPrediction());
            m.put("success", t.success());
            m.put("cleanAccuracy", t.cleanAccuracy());
            m.put("featureDistanceBefore", t.meanFeatureDistanceBefore());
            m.put("featureDistanceAfter", t.meanFeatureDistanceAfter());
            m.put("pixelL2", t.meanPixelL2());
            m.put("pixelLinf", t.maxPixelLinf());
            m.put("bases", t.bases());
            m.put("numericalIssues", t.crafted().numericalIssues());
            rows.add(m);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("attack", "featurecollision");
        out.put("poisonedModelAccuracy", PoisoningOutcome.orNull(result.meanCleanAccuracy()));
        out.put("cleanModelAccuracy", result.cleanAccuracyBaseline());
        out.put("attackSuccessRate", PoisoningOutcome.orNull(result.successRate()));
        out.put("poisonRate", result.poisonRate());
        out.put("poisonedSamples", result.poisonsPerTarget());
        out.put("trainSamples", trainSamples);
        out.put("testSamples", testSamples);
        out.put("beta", result.targets().get(0).crafted().beta());
        out.put("targets", rows);
        out.put("seconds", result.seconds());
        return out;
    }

    /**
     * The lines {@code dlsec poison --attack featurecollision} prints: numerical issues and a line per target, then the means.
     *
     * @return the lines, in order
     */
    public List<String> summary() {
        List<String> lines = new ArrayList<>();
        for (FeatureCollisionExperiment.Target t : result.targets()) {
            lines.addAll(NumericalIssue.lines(t.crafted().numericalIssues(), 5));
            lines.add(String.format("target %d (class %d): %d -> %d %s; feature distance %.3f -> %.3f, pixel L2 %.3f to the base",
                    t.index(), t.label(), t.baselinePrediction(), t.poisonedPrediction(), t.success() ? "FLIPPED" : "kept",
                    t.meanFeatureDistanceBefore(), t.meanFeatureDistanceAfter(), t.meanPixelL2()));
        }
        lines.add(String.format("feature collision: %d of %d targets flipped to class %d (%.0f%%) with %d poisons each;"
                + " final-layer accuracy %.2f%% (clean retraining %.2f%%)", result.targets().stream()
                        .filter(FeatureCollisionExperiment.Target::success).count(), result.targets().size(), result.baseClass(),
                100 * result.successRate(), result.poisonsPerTarget(), 100 * result.meanCleanAccuracy(),
                100 * result.cleanAccuracyBaseline()));
        return lines;
    }
}
