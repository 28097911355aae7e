package org.dlsec.core;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Where a result comes from: the model (by hash), the data, the parameters, the seed, the versions
 * of dlsec and its engine, and when it ran. Every result record carries one, so that a figure in a
 * report can be traced and reproduced.
 *
 * @param modelSha256 SHA-256 of the model's weights file
 * @param model a short description of the model (path, kind, architecture)
 * @param data dataset name, split and subset
 * @param parameters the attack/defence/training parameters, as name → value
 * @param seed the seed the run was started from
 * @param versions dlsec, DJL, PyTorch, Java versions
 * @param started when the run started (UTC)
 * @param finished when it finished (UTC)
 */
public record Provenance(
        String modelSha256,
        String model,
        String data,
        Map<String, Object> parameters,
        long seed,
        Map<String, String> versions,
        Instant started,
        Instant finished) {

    /**
     * Copies the maps (immutable afterwards) and checks that the identifying components are present.
     *
     * @param modelSha256 SHA-256 of the model's weights file
     * @param model a short description of the model (path, kind, architecture)
     * @param data dataset name, split and subset
     * @param parameters the attack/defence/training parameters, as name → value
     * @param seed the seed the run was started from
     * @param versions dlsec, DJL, PyTorch, Java versions
     * @param started when the run started (UTC)
     * @param finished when it finished (UTC)
     * @throws NullPointerException when {@code modelSha256}, {@code model}, {@code data}, {@code parameters},
     *         {@code versions}, {@code started} or {@code finished} is null, or a map holds a null key or value
     */
    public Provenance {
        Objects.requireNonNull(modelSha256, "modelSha256");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(data, "data");
        parameters = Map.copyOf(new LinkedHashMap<>(parameters));
        versions = Map.copyOf(versions);
        Objects.requireNonNull(started, "started");
        Objects.requireNonNull(finished, "finished");
    }

    /**
     * A provenance for a run that starts now; {@link #finishedNow()} stamps its end.
     *
     * @param modelSha256 SHA-256 of the model's weights file (lowercase hex)
     * @param model a short description of the model
     * @param data dataset name, split and subset
     * @param parameters the run's parameters as name → value; copied, no null keys or values
     * @param seed the seed the run starts from
     * @return a provenance stamped with the current versions ({@link Versions#all()}), started and finished now
     */
    public static Provenance start(String modelSha256, String model, String data, Map<String, Object> parameters,
            long seed) {
        Instant now = Instant.now();
        return new Provenance(modelSha256, model, data, parameters, seed, Versions.all(), now, now);
    }

    /**
     * A copy with one more entry in {@code versions}, e.g. the kernels that computed the numbers.
     *
     * @param key the entry's name
     * @param value its value; null leaves the provenance as it is
     * @return a new provenance, or this one when {@code value} is null
     */
    public Provenance withVersion(String key, String value) {
        if (value == null) {
            return this;
        }
        Map<String, String> v = new java.util.LinkedHashMap<>(versions);
        v.put(key, value);
        return new Provenance(modelSha256, model, data, parameters, seed, v, started, finished);
    }

    /**
     * A copy whose {@code finished} time is now.
     *
     * @return a new provenance; this one is unchanged
     */
    public Provenance finishedNow() {
        return new Provenance(modelSha256, model, data, parameters, seed, versions, started, Instant.now());
    }
}
