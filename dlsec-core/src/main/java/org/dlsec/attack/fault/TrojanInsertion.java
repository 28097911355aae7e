package org.dlsec.attack.fault;

import java.util.LinkedHashMap;
import java.util.Map;
import org.dlsec.core.DlsecException;
import org.dlsec.data.Dataset;
import org.dlsec.model.DjlClassifier;

/**
 * The hardware-trojan attack: designs a {@link HardwareTrojan} for a model from clean calibration data, to
 * force class {@code target} when its trigger is present.
 *
 * @param target the class the trigger forces
 * @param calibrationSamples clean training samples the designer profiles the activations on
 */
public record TrojanInsertion(int target, int calibrationSamples) implements FaultAttack {
    public TrojanInsertion {
        DlsecException.require(target >= 0, "trojan target", "must be a class index, got " + target);
        DlsecException.require(calibrationSamples >= 1, "calibration samples", "must be at least 1, got " + calibrationSamples);
    }

    @Override
    public String name() {
        return "trojan";
    }

    @Override
    public Map<String, Object> parameters() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("target", target);
        m.put("calibrationSamples", calibrationSamples);
        return m;
    }

    /** Designs the trojan for {@code classifier} from {@code calibration} (clean samples). */
    public HardwareTrojan design(DjlClassifier classifier, Dataset calibration) {
        DlsecException.require(target < classifier.numClasses(), "trojan target",
                "must be below the model's " + classifier.numClasses() + " classes, got " + target);
        return HardwareTrojan.design(classifier, calibration, target);
    }
}
