package org.dlsec.attack.sidechannel;

import java.util.Objects;
import org.dlsec.data.Dataset;
import org.dlsec.model.Classifier;

/**
 * What a {@link SideChannelAttack} observes.
 *
 * @param model the target model (the power attack extracts its int8 implementation; the timing attack serves it
 *        through {@code deployment} and predicts its depth)
 * @param modelSha256 the model's hash for the provenance
 * @param attackerData images the attacker knows (the power attack's known inputs and the int8 calibration set; the
 *        timing attack's queries)
 * @param testData the data the extracted model's accuracy and fidelity are measured on
 * @param deployment how a model is served and timed (timing attack only; null for the power attack)
 */
public record SideChannelVictim(Classifier model, String modelSha256, Dataset attackerData, Dataset testData,
        Deployment deployment) {
    /**
     * Checks the required components; a null {@code modelSha256} becomes {@code "unknown"}.
     *
     * @throws NullPointerException if {@code model} or {@code attackerData} is null
     */
    public SideChannelVictim {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(attackerData, "attackerData");
        modelSha256 = modelSha256 == null ? "unknown" : modelSha256;
    }
}
