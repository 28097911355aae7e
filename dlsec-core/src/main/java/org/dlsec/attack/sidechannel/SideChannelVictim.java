package org.dlsec.attack.sidechannel;

import java.util.Objects;
import org.dlsec.data.Dataset;
import org.dlsec.model.Classifier;

/**
 * What a {@link SideChannelAttack} observes.
 *
 * @param model the target model, not null; the attacks read it but neither change nor close it: the caller owns it
 *        and its native memory (the power attack extracts its int8 implementation; the timing attack takes its input
 *        shape (C, H, W) and classes for its candidate architectures, whose held-out instances it serves through
 *        {@code deployment} and whose depth it predicts)
 * @param modelSha256 the model's SHA-256 for the provenance; null becomes {@code "unknown"}
 * @param attackerData images the attacker knows, not null (the power attack's known inputs and the int8 calibration
 *        set; the timing attack's queries)
 * @param testData the data the extracted model's accuracy and fidelity are measured on (power attack on all layers;
 *        null: no comparison)
 * @param deployment how a model is served and timed (timing attack only; null for the power attack)
 */
public record SideChannelVictim(Classifier model, String modelSha256, Dataset attackerData, Dataset testData,
        Deployment deployment) {
    /**
     * Checks the required components; a null {@code modelSha256} becomes {@code "unknown"}.
     *
     * @param model the target model, not null; the attacks read it but neither change nor close it: the caller owns it
     *        and its native memory (the power attack extracts its int8 implementation; the timing attack takes its
     *        input shape (C, H, W) and classes for its candidate architectures, whose held-out instances it serves
     *        through {@code deployment} and whose depth it predicts)
     * @param modelSha256 the model's SHA-256 for the provenance; null becomes {@code "unknown"}
     * @param attackerData images the attacker knows, not null (the power attack's known inputs and the int8 calibration
     *        set; the timing attack's queries)
     * @param testData the data the extracted model's accuracy and fidelity are measured on (power attack on all layers;
     *        null: no comparison)
     * @param deployment how a model is served and timed (timing attack only; null for the power attack)
     * @throws NullPointerException if {@code model} or {@code attackerData} is null
     */
    public SideChannelVictim {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(attackerData, "attackerData");
        modelSha256 = modelSha256 == null ? "unknown" : modelSha256;
    }
}
