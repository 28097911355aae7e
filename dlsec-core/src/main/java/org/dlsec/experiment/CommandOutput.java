package org.dlsec.experiment;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import org.dlsec.attack.evasion.AttackResult;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Json;
import org.dlsec.core.Provenance;
import org.dlsec.data.Dataset;
import org.dlsec.model.Classifier;
import org.dlsec.model.ModelInfo;
import org.dlsec.model.NormalizedClassifier;

/**
 * What {@code --json} of a dlsec command writes, one shape for every command: the outcome's own fields (as the
 * family's outcome record gives them), then the command's name, the model it ran on (and how its inputs were
 * normalised or defended), the data and the provenance. Described by {@code $defs/commandOutput} of
 * {@code docs/report-schema.json}. Immutable: each {@code with} method returns a new value.
 *
 * @param command the command's name (attack, eval, fault, …)
 * @param outcome the outcome's fields, in order
 * @param modelKey the key the model goes under ({@code model}, or {@code target} for a model reached over HTTP)
 * @param model the model, or null (commands that train their own)
 * @param normalize the normalisation dlsec applied in front of the model, or null
 * @param defence the input defence wrapped around the model, or null
 * @param dataset the dataset's name, or null
 * @param split the dataset's split, or null
 * @param samples samples the outcome is over, or null (then the outcome says it)
 * @param provenance what ran, on what, with which seed, when; null only where the outcome carries its own
 */
public record CommandOutput(String command, Map<String, Object> outcome, String modelKey, ModelInfo model,
        Map<String, Object> normalize, Map<String, Object> defence, String dataset, String split, Integer samples,
        Provenance provenance) {
    /**
     * Copies the maps (immutable afterwards).
     *
     * @param command the command's name (attack, eval, fault, …)
     * @param outcome the outcome's fields, in order
     * @param modelKey the key the model goes under ({@code model}, or {@code target} for a model reached over HTTP)
     * @param model the model, or null (commands that train their own)
     * @param normalize the normalisation dlsec applied in front of the model, or null
     * @param defence the input defence wrapped around the model, or null
     * @param dataset the dataset's name, or null
     * @param split the dataset's split, or null
     * @param samples samples the outcome is over, or null (then the outcome says it)
     * @param provenance what ran, on what, with which seed, when; null only where the outcome carries its own
     * @throws org.dlsec.core.DlsecException when {@code command} is missing
     */
    public CommandOutput {
        DlsecException.require(command != null && !command.isBlank(), "command", "is missing");
        outcome = Collections.unmodifiableMap(new LinkedHashMap<>(outcome));
        normalize = normalize == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(normalize));
        defence = defence == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(defence));
    }

    /**
     * The output of {@code command} with the outcome's fields and nothing else yet.
     *
     * @param command the command's name, e.g. {@code attack}
     * @param outcome the outcome's fields, in order; copied
     * @return the output
     */
    public static CommandOutput of(String command, Map<String, Object> outcome) {
        return new CommandOutput(command, outcome, "model", null, null, null, null, null, null, null);
    }

    /**
     * What {@code dlsec attack --json} writes, for an attack a library user ran
     * ({@link org.dlsec.attack.evasion.EvasionAttack#run(Classifier, Dataset)}): the same fields, the model, the data
     * and the result's provenance.
     *
     * <pre>{@code
     * AttackResult r = Pgd.linf(0.3).build().run(model, test);
     * CommandOutput.attack(r, model, test).write(Path.of("pgd.json"));
     * }</pre>
     *
     * @param result the result, with its provenance (from {@code run}); a result of {@code generate} on tensors has
     *     none, and is refused
     * @param model the model it ran on
     * @param data the data it ran on
     * @return the output; {@link #write(Path)} writes it
     * @throws org.dlsec.core.DlsecException when the result carries no provenance
     */
    public static CommandOutput attack(AttackResult result, Classifier model, Dataset data) {
        org.dlsec.core.DlsecException.require(result.provenance() != null, "result",
                "has no provenance: run the attack with run(model, data) rather than generate on tensors");
        Object eps = result.parameters().get("eps");
        Object norm = result.parameters().get("norm");
        List<Double> budgets = new ArrayList<>();
        budgets.add(eps instanceof Number n ? n.doubleValue() : null);
        Map<String, Object> fields = EvasionOutcome.fields(List.of(result), budgets, norm == null ? null : norm.toString());
        Map<String, Object> normalization = model instanceof NormalizedClassifier nc ? nc.describe() : null;
        return new CommandOutput("attack", fields, "model", model.info(), normalization, null, data.name(), data.split(), null,
                result.provenance());
    }

    /**
     * With the model it ran on and the normalisation in front of it (null when none).
     *
     * @param info the model's provenance
     * @param normalization the normalisation's description, or null
     * @return a new output
     */
    public CommandOutput withModel(ModelInfo info, Map<String, Object> normalization) {
        return new CommandOutput(command, outcome, modelKey, info, normalization, defence, dataset, split, samples,
                provenance);
    }

    /**
     * With the model reached over HTTP, recorded as {@code target}.
     *
     * @param info the remote model's provenance
     * @param normalization the normalisation's description, or null
     * @return a new output
     */
    public CommandOutput withTarget(ModelInfo info, Map<String, Object> normalization) {
        return new CommandOutput(command, outcome, "target", info, normalization, defence, dataset, split, samples,
                provenance);
    }

    /**
     * With the input defence wrapped around the model (null when none).
     *
     * @param description the defence's description, or null
     * @return a new output
     */
    public CommandOutput withDefence(Map<String, Object> description) {
        return new CommandOutput(command, outcome, modelKey, model, normalize, description, dataset, split, samples,
                provenance);
    }

    /**
     * With the data: its name and split, and how many samples when {@code count} is set.
     *
     * @param data the data the outcome is over
     * @param count whether to record its size as {@code samples}
     * @return a new output
     */
    public CommandOutput withData(Dataset data, boolean count) {
        return new CommandOutput(command, outcome, modelKey, model, normalize, defence, data.name(), data.split(),
                count ? data.size() : null, provenance);
    }

    /**
     * With the data's name only (commands over two splits, whose outcome records the split).
     *
     * @param name the data's name
     * @return a new output
     */
    public CommandOutput withDataName(String name) {
        return new CommandOutput(command, outcome, modelKey, model, normalize, defence, name, split, samples, provenance);
    }

    /**
     * With the number of samples the outcome is over.
     *
     * @param count the number of samples, at least 0
     * @return a new output
     */
    public CommandOutput withSamples(int count) {
        return new CommandOutput(command, outcome, modelKey, model, normalize, defence, dataset, split, count, provenance);
    }

    /**
     * With the provenance, finished now.
     *
     * @param started the provenance stamped when the command started
     * @return a new output
     */
    public CommandOutput finishing(Provenance started) {
        return new CommandOutput(command, outcome, modelKey, model, normalize, defence, dataset, split, samples,
                started.finishedNow());
    }

    /**
     * The JSON object: the outcome's fields, then command, model, normalisation, defence, data and provenance.
     *
     * @return a new mutable map in that order, ready for the JSON mapper
     */
    public Map<String, Object> json() {
        Map<String, Object> out = new LinkedHashMap<>(outcome);
        out.put("command", command);
        putIf(out, modelKey, model);
        putIf(out, "normalize", normalize);
        putIf(out, "defence", defence);
        putIf(out, "dataset", dataset);
        putIf(out, "split", split);
        putIf(out, "samples", samples);
        putIf(out, "provenance", provenance);
        return out;
    }

    /**
     * Writes {@link #json()} to {@code file} (atomically); does nothing when {@code file} is null.
     * Writes {@link #json()} to {@code file} atomically.
     *
     * @param file the output path; an existing regular file is replaced
     * @throws org.dlsec.core.DlsecException when the file cannot be written
     */
    public void write(Path file) {
        if (file != null) {
            Json.write(file, json());
        }
    }

    private static void putIf(Map<String, Object> out, String key, Object value) {
        if (value != null) {
            out.put(key, value);
        }
    }
}
