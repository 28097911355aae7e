package org.dlsec.attack.fault;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Tensors;
import org.dlsec.model.DjlClassifier;

/**
 * A copy of every parameter of a DJL model, taken before a fault experiment changes the weights in
 * place, and written back by {@link #restore()} (or {@link #close()}). Experiments open one in a
 * try-with-resources block so that the caller's model is the same afterwards, even on failure.
 */
public final class WeightSnapshot implements AutoCloseable {
    private final DjlClassifier classifier;
    private final Map<String, Parameter> parameters = new LinkedHashMap<>();
    private final Map<String, float[]> values = new LinkedHashMap<>();

    private WeightSnapshot(DjlClassifier classifier) {
        this.classifier = classifier;
        for (Pair<String, Parameter> p : classifier.model().getBlock().getParameters()) {
            Parameter param = p.getValue();
            if (!param.isInitialized()) {
                throw new DlsecException("the model's parameter " + p.getKey() + " is not initialised");
            }
            parameters.put(p.getKey(), param);
            values.put(p.getKey(), param.getArray().toFloatArray());
        }
    }

    /**
     * Copies the current values of all parameters of {@code classifier}.
     *
     * @param classifier the network; its parameters are read, not changed
     * @return the snapshot, on the Java heap
     */
    public static WeightSnapshot of(DjlClassifier classifier) {
        return new WeightSnapshot(classifier);
    }

    /**
     * The network the snapshot was taken of.
     *
     * @return the network
     */
    public DjlClassifier classifier() {
        return classifier;
    }

    /**
     * The parameter names, in the block's order.
     *
     * @return an immutable list
     */
    public List<String> names() {
        return Collections.unmodifiableList(new ArrayList<>(parameters.keySet()));
    }

    /**
     * The live parameter of that name.
     *
     * @param name a name from {@link #names()}
     * @return the parameter
     * @throws org.dlsec.core.DlsecException when the name is unknown
     */
    public Parameter parameter(String name) {
        Parameter p = parameters.get(name);
        if (p == null) {
            throw new DlsecException("unknown parameter " + name);
        }
        return p;
    }

    /**
     * A copy of the saved values of one parameter.
     *
     * @param name a name from {@link #names()}
     * @return a new array
     */
    public float[] saved(String name) {
        parameter(name);
        return values.get(name).clone();
    }

    /** Writes all saved values back into the model's parameters. */
    public void restore() {
        for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
            write(e.getValue(), values.get(e.getKey()));
        }
    }

    /**
     * True when every parameter of the model currently equals its saved value, bit for bit.
     *
     * @return true when nothing changed
     */
    public boolean matchesModel() {
        for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
            float[] now = e.getValue().getArray().toFloatArray();
            float[] was = values.get(e.getKey());
            if (now.length != was.length) {
                return false;
            }
            for (int i = 0; i < now.length; i++) {
                if (Float.floatToRawIntBits(now[i]) != Float.floatToRawIntBits(was[i])) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Overwrites a parameter's values in place (same shape). */
    static void write(Parameter p, float[] data) {
        NDArray a = p.getArray();
        if (a.size() != data.length) {
            throw new IllegalArgumentException("size mismatch for " + p.getName() + ": " + a.size() + " vs " + data.length);
        }
        Tensors.overwrite(a, data);
    }

    @Override
    public void close() {
        restore();
    }

    @Override
    public String toString() {
        return "WeightSnapshot" + Arrays.toString(values.keySet().toArray());
    }
}
