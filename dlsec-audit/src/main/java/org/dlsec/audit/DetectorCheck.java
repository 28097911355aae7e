package org.dlsec.audit;

import java.util.LinkedHashMap;
import java.util.Map;
import org.dlsec.attack.evasion.AttackResult;
import org.dlsec.data.Dataset;
import org.dlsec.defence.detection.FeatureSqueezingDetector;
import org.dlsec.model.Classifier;

/**
 * The detector a defended model is deployed with ({@code defence: detector:}), calibrated once on clean training images
 * to flag the configured share of them, then run on every evasion run's adversarial examples: an example the detector
 * flags is rejected by the deployed API, so the attack succeeds only where it fools the model and is not flagged.
 *
 * @param detector the feature-squeezing detector on the audited model
 * @param threshold its threshold
 * @param targetFpr the share of clean calibration images it flags
 * @param calibration clean images it was calibrated on
 * @param cleanScores its scores of the audited (clean) samples
 */
record DetectorCheck(FeatureSqueezingDetector detector, double threshold, double targetFpr, int calibration,
        double[] cleanScores) {
    static DetectorCheck calibrate(Classifier model, Dataset train, Dataset audited, AuditConfig.Defence d, long seed) {
        FeatureSqueezingDetector det = FeatureSqueezingDetector.forInput(model);
        Dataset cal = train.sample(Math.min(d.detectorCalibration(), train.size()), seed);
        double t = FeatureSqueezingDetector.threshold(det.scores(cal, cal.size()), d.detectorFpr());
        return new DetectorCheck(det, t, d.detectorFpr(), cal.size(), det.scores(audited, audited.size()));
    }

    /** The detector's verdict on {@code r}'s adversarial examples (the last budget's). */
    Map<String, Object> evaluate(AttackResult r, Dataset data) {
        double[] s = detector.scores(r.adversarial(), data);
        double[] successful = java.util.stream.IntStream.range(0, s.length).filter(i -> r.success()[i]).mapToDouble(i -> s[i])
                .toArray();
        // the command's figures (dlsec attack --detect feature-squeezing), then what the deployed API lets through
        FeatureSqueezingDetector.Evaluation ev = FeatureSqueezingDetector.evaluate(threshold, targetFpr, calibration,
                successful, cleanScores);
        int flagged = (int) java.util.Arrays.stream(successful).filter(v -> v > threshold).count();
        Map<String, Object> m = new LinkedHashMap<>(ev.toMap());
        m.put("detectionRate", successful.length == 0 ? null : ev.detectionRate());
        m.put("successful", successful.length);
        m.put("detectedSuccessful", flagged);
        m.put("correctBefore", r.correctBefore());
        m.put("undetectedSuccessRate", r.correctBefore() == 0 ? null
                : (double) (successful.length - flagged) / r.correctBefore());
        return m;
    }
}
