package org.dlsec.cli;

import java.nio.file.Path;
import java.util.Map;
import org.dlsec.core.DlsecException;
import org.dlsec.data.DataBounds;
import org.dlsec.data.Dataset;
import org.dlsec.model.Normalization;
import org.dlsec.model.NormalizedClassifier;
import org.dlsec.model.Bounds;
import org.dlsec.model.Classifier;

/**
 * How every command that loads a model sees it: with the data's input bounds and, given
 * {@code --normalize mean=…,std=…}, behind the normalisation the model was trained with, so that
 * attacks, budgets and bounds stay in the data's own units while the model sees normalised inputs.
 */
public final class ModelFlags {
    @picocli.CommandLine.Option(names = "--normalize", paramLabel = "mean=...,std=...", description = "The model expects"
            + " (x - mean) / std: one value, one per channel or one per feature, e.g. mean=0.485,0.456,0.406,"
            + "std=0.229,0.224,0.225. Attacks and budgets stay in the data's units; recorded in the JSON.")
    String normalize;

    /** The parsed {@code --normalize}, or null without it; a bad value fails here, before any file is opened. */
    public Normalization normalization() {
        return normalize == null ? null : Normalization.parse(normalize);
    }

    /**
     * Loads {@code path} for {@code data}: checks that its input shape and class count fit the data,
     * gives it the data's bounds and, with {@code --normalize}, wraps it (closing the result closes the model).
     */
    public Classifier load(Path path, Dataset data) {
        Normalization n = normalization();
        return wrap(Loading.model(path, data), n);
    }

    /** {@code c} behind {@code n} (owning it), or {@code c} itself when {@code n} is null. */
    static Classifier wrap(Classifier c, Normalization n) {
        return n == null ? c : NormalizedClassifier.owning(c, n, c.bounds());
    }

    /** The model's bounds for the data's: one interval, or one per feature. */
    static Bounds bounds(DataBounds b) {
        if (b.isUniform()) {
            return b.lower()[0] == 0f && b.upper()[0] == 1f ? Bounds.UNIT : new Bounds(b.lower()[0], b.upper()[0]);
        }
        return Bounds.perFeature(b.lower(), b.upper());
    }

    /**
     * What the JSON records of how the model saw its inputs: {@code mean}, {@code std} and {@code per}
     * (all, channel or feature), or null without {@code --normalize}.
     */
    public static Map<String, Object> describe(Classifier c) {
        return c instanceof NormalizedClassifier n ? n.describe() : null;
    }

    /** Fails when {@code --normalize} is given to something that cannot honour it. */
    public void refuse(String why) {
        if (normalize != null) {
            throw new DlsecException("--normalize " + why);
        }
    }
}
