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
 * @param cleanFpr the share of the audited (clean) samples it flags
 */
record DetectorCheck(FeatureSqueezingDetector detector, double threshold, double targetFpr, int calibration,
        double cleanFpr) {
    static DetectorCheck calibrate(Classifier model, Dataset train, Dataset audited, AuditConfig.Defence d, long seed) {
        FeatureSqueezingDetector det = FeatureSqueezingDetector.forInput(model);
        Dataset cal = train.sample(Math.min(d.detectorCalibration(), train.size()), seed);
        double t = FeatureSqueezingDetector.threshold(det.scores(cal, cal.size()), d.detectorFpr());
        double[] clean = det.scores(audited, audited.size());
        int flagged = 0;
        for (double v : clean) {
            flagged += v > t ? 1 : 0;
        }
        return new DetectorCheck(det, t, d.detectorFpr(), cal.size(), clean.length == 0 ? 0 : (double) flagged / clean.length);
    }

    /** The detector's verdict on {@code r}'s adversarial examples (the last budget's). */
    Map<String, Object> evaluate(AttackResult r, Dataset data) {
        double[] s = detector.scores(r.adversarial(), data);
        int successful = 0;
        int flagged = 0;
        for (int i = 0; i < s.length; i++) {
            if (r.success()[i]) {
                successful++;
                flagged += s[i] > threshold ? 1 : 0;
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("detector", "feature-squeezing");
        m.put("paper", "Xu, Evans, Qi, NDSS 2018");
        m.put("threshold", threshold);
        m.put("targetFpr", targetFpr);
        m.put("calibrationSamples", calibration);
        m.put("cleanFlagged", cleanFpr);
        m.put("successful", successful);
        m.put("detectedSuccessful", flagged);
        m.put("detectionRate", successful == 0 ? null : (double) flagged / successful);
        m.put("correctBefore", r.correctBefore());
        m.put("undetectedSuccessRate", r.correctBefore() == 0 ? null : (double) (successful - flagged) / r.correctBefore());
        return m;
    }
}
