package org.dlsec.attack.fault;

import ai.djl.nn.Parameter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.dlsec.core.DlsecException;
import org.dlsec.model.DjlClassifier;

/**
 * A DJL classifier whose convolution and linear weights are held as int8 codes with scales
 * ({@link QuantizedTensor}) and written into the model, dequantised, so that the classifier
 * computes with exactly the values the codes represent. Biases (and any other parameter, such as
 * batch-norm statistics) stay float32: they are a small fraction of the weights, and integer
 * accelerators usually keep them at higher precision too.
 *
 * <p>Faults change codes through {@link #setCode} or {@link #flip}, which update the model at once.
 * The caller's float weights are saved at construction and restored by {@link #close()}.
 */
public final class QuantizedModel implements AutoCloseable {
    private final DjlClassifier classifier;
    private final Granularity granularity;
    private final WeightSnapshot original;
    private final List<QuantizedTensor> tensors = new ArrayList<>();
    private final List<Parameter> parameters = new ArrayList<>();
    private final byte[][] cleanCodes;

    private QuantizedModel(DjlClassifier classifier, Granularity granularity) {
        this.classifier = classifier;
        this.granularity = granularity;
        this.original = WeightSnapshot.of(classifier);
        try {
            for (String name : original.names()) {
                Parameter p = original.parameter(name);
                if (isQuantisable(p)) {
                    tensors.add(QuantizedTensor.quantize(name, original.saved(name), p.getArray().getShape().getShape(),
                            granularity));
                    parameters.add(p);
                }
            }
            if (tensors.isEmpty()) {
                throw new DlsecException("the model has no convolution or linear weights to quantise");
            }
            cleanCodes = new byte[tensors.size()][];
            for (int l = 0; l < tensors.size(); l++) {
                cleanCodes[l] = tensors.get(l).codes();
                sync(l);
            }
        } catch (RuntimeException e) {
            original.restore();
            throw e;
        }
    }

    /**
     * Quantises the weights of {@code classifier} in place; {@link #close()} restores the float weights.
     *
     * @param classifier a dlsec or TorchScript network; its weights are replaced until {@link #close()}
     * @param granularity per-layer or per-channel scales
     * @return the quantised model; close it to restore the float weights
     */
    public static QuantizedModel quantize(DjlClassifier classifier, Granularity granularity) {
        return new QuantizedModel(classifier, granularity);
    }

    /** Weights (not biases) with at least two dimensions: convolution kernels and linear matrices. */
    static boolean isQuantisable(Parameter p) {
        return p.getType() == Parameter.Type.WEIGHT && p.getArray().getShape().dimension() >= 2;
    }

    /**
     * The classifier, computing with the dequantised codes.
     *
     * @return the classifier
     */
    public DjlClassifier classifier() {
        return classifier;
    }

    /**
     * The scales' granularity.
     *
     * @return per layer or per channel
     */
    public Granularity granularity() {
        return granularity;
    }

    /**
     * The number of quantised tensors (convolution and linear weights).
     *
     * @return the count
     */
    public int layers() {
        return tensors.size();
    }

    /**
     * One quantised tensor.
     *
     * @param layer its index, 0 to {@link #layers()}−1
     * @return the tensor (live: its codes are the model's)
     */
    public QuantizedTensor tensor(int layer) {
        return tensors.get(layer);
    }

    /**
     * All quantised tensors.
     *
     * @return an immutable list, in layer order
     */
    public List<QuantizedTensor> tensors() {
        return Collections.unmodifiableList(tensors);
    }

    /**
     * Total number of quantised weights.
     *
     * @return the count
     */
    public long weights() {
        long n = 0;
        for (QuantizedTensor t : tensors) {
            n += t.size();
        }
        return n;
    }

    /**
     * Sets one code and updates the model's weight tensor.
     *
     * @param layer the tensor's index
     * @param index the weight's flat index
     * @param code the new code
     */
    public void setCode(int layer, int index, byte code) {
        tensors.get(layer).setCode(index, code);
        sync(layer);
    }

    /**
     * Flips one bit of one code and updates the model; returns the new code.
     *
     * @param layer the tensor's index
     * @param index the weight's flat index
     * @param bit the bit, 0 to 7
     * @return the new code
     */
    public byte flip(int layer, int index, int bit) {
        byte c = Bits.flip(tensors.get(layer).code(index), bit);
        setCode(layer, index, c);
        return c;
    }

    /**
     * A copy of every layer's current codes.
     *
     * @return a new array per layer
     */
    public byte[][] codes() {
        byte[][] out = new byte[tensors.size()][];
        for (int l = 0; l < out.length; l++) {
            out[l] = tensors.get(l).codes();
        }
        return out;
    }

    /**
     * The codes right after quantisation, before any fault.
     *
     * @return a new array per layer
     */
    public byte[][] cleanCodes() {
        byte[][] out = new byte[cleanCodes.length][];
        for (int l = 0; l < out.length; l++) {
            out[l] = cleanCodes[l].clone();
        }
        return out;
    }

    /**
     * Replaces all codes and updates the model.
     *
     * @param codes one array per layer, each of the layer's size; copied
     */
    public void setCodes(byte[][] codes) {
        if (codes.length != tensors.size()) {
            throw new IllegalArgumentException("expected codes for " + tensors.size() + " layers, got " + codes.length);
        }
        for (int l = 0; l < codes.length; l++) {
            tensors.get(l).setCodes(codes[l]);
            sync(l);
        }
    }

    /** Undoes every fault: back to the codes produced by quantisation. */
    public void resetCodes() {
        setCodes(cleanCodes);
    }

    /**
     * Number of code bits that differ from the clean quantised model.
     *
     * @return the count
     */
    public int flippedBits() {
        int n = 0;
        for (int l = 0; l < tensors.size(); l++) {
            QuantizedTensor t = tensors.get(l);
            for (int i = 0; i < t.size(); i++) {
                n += Integer.bitCount((t.code(i) ^ cleanCodes[l][i]) & 0xff);
            }
        }
        return n;
    }

    /**
     * Writes the dequantised values of one layer into the model.
     *
     * @param layer the tensor's index
     */
    public void sync(int layer) {
        WeightSnapshot.write(parameters.get(layer), tensors.get(layer).dequantize());
    }

    /**
     * The model's float weights as they were before quantisation.
     *
     * @return the snapshot taken before quantisation
     */
    public WeightSnapshot original() {
        return original;
    }

    /** Restores the caller's float weights. */
    @Override
    public void close() {
        original.restore();
    }
}
