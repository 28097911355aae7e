package org.dlsec.attack.inference;

import java.util.LinkedHashMap;
import java.util.Map;
import org.dlsec.core.DlsecException;
import org.dlsec.model.Architecture;
import org.dlsec.model.ModelCard;
import org.dlsec.train.TrainConfig;

/**
 * How shadow / reference models are trained: the target's architecture and training recipe (read
 * from its model card, or given), and how many models.
 *
 * @param architecture the architecture of every shadow model
 * @param config the training recipe (its seed is the base; shadow s uses seed + s)
 * @param count number of shadow models (≥ 1; LiRA online needs ≥ 2)
 */
public record ShadowSpec(Architecture architecture, TrainConfig config, int count) {
    /**
     * Checks every parameter.
     *
     * @param architecture the architecture of every shadow model
     * @param config the training recipe (its seed is the base; shadow s uses seed + s)
     * @param count number of shadow models (≥ 1; LiRA online needs ≥ 2)
     * @throws org.dlsec.core.DlsecException when a parameter is out of range; the message names it
     */
    public ShadowSpec {
        DlsecException.require(architecture != null, "architecture", "must be given");
        DlsecException.require(config != null, "config", "must be given");
        DlsecException.require(count >= 1 && count <= 1024, "shadows", "must be in 1..1024, got " + count);
    }

    /**
     * The target's recipe from its card, with overrides: {@code arch}, {@code epochs}, {@code batchSize},
     * {@code lr}, {@code optimizer}, {@code schedule}.
     *
     * @param card the target's card
     * @param count the number of models
     * @param overrides recipe overrides, possibly empty
     * @param seed the base seed
     * @return the spec
     * @throws org.dlsec.core.DlsecException when an override is unknown or invalid
     */
    public static ShadowSpec fromCard(ModelCard card, int count, Map<String, String> overrides, long seed) {
        Map<String, String> o = new LinkedHashMap<>(overrides);
        String arch = o.remove("arch");
        if (arch == null && card == null) {
            throw new DlsecException("shadow models need the target's architecture and recipe: use a dlsec model directory or"
                    + " give --param arch=lenet5 (and epochs=, batchSize=, lr=)");
        }
        ModelCard.Training t = card == null ? null : card.training();
        int epochs = intParam(o.remove("epochs"), t == null ? 10 : t.epochs(), "epochs");
        int batch = intParam(o.remove("batchSize"), t == null ? 128 : t.batchSize(), "batchSize");
        double lr = o.containsKey("lr") ? parse(o.remove("lr"), "lr") : t == null ? 2e-3 : t.learningRate();
        String opt = o.containsKey("optimizer") ? o.remove("optimizer") : t == null ? "adam" : t.optimizer();
        String schedule = o.containsKey("schedule") ? o.remove("schedule") : t == null ? "cosine" : t.schedule();
        Architecture a = Architecture.parse(arch != null ? arch : card.architecture());
        if (!o.isEmpty()) {
            throw new DlsecException("unknown --param option(s) " + o.keySet() + " for shadow models (known: arch, epochs,"
                    + " batchSize, lr, optimizer, schedule, and the attack's own)");
        }
        return new ShadowSpec(a, new TrainConfig(epochs, batch, opt, lr, seed, schedule), count);
    }

    private static int intParam(String v, int dflt, String name) {
        return v == null ? dflt : (int) parse(v, name);
    }

    static double parse(String v, String name) {
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new DlsecException("invalid --param " + name + "=" + v + ": not a number");
        }
    }

    /**
     * What results record about the shadow models.
     *
     * @return a new mutable map
     */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("shadows", count);
        m.put("architecture", architecture.cliName());
        m.put("epochs", config.epochs());
        m.put("batchSize", config.batchSize());
        m.put("optimizer", config.optimizer());
        m.put("learningRate", config.learningRate());
        m.put("schedule", config.schedule());
        m.put("seed", config.seed());
        return m;
    }
}
