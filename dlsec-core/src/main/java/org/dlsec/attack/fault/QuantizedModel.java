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

    /** Quantises the weights of {@code classifier} in place; {@link #close()} restores the float weights. */
    public static QuantizedModel quantize(DjlClassifier classifier, Granularity granularity) {
        return new QuantizedModel(classifier, granularity);
    }

    /** Weights (not biases) with at least two dimensions: convolution kernels and linear matrices. */
    static boolean isQuantisable(Parameter p) {
        return p.getType() == Parameter.Type.WEIGHT && p.getArray().getShape().dimension() >= 2;
    }

    /** The classifier, computing with the dequantised codes. */
    public DjlClassifier classifier() {
        return classifier;
    }

    public Granularity granularity() {
        return granularity;
    }

    public int layers() {
        return tensors.size();
    }

    public QuantizedTensor tensor(int layer) {
        return tensors.get(layer);
    }

    public List<QuantizedTensor> tensors() {
        return Collections.unmodifiableList(tensors);
    }

    /** Total number of quantised weights. */
    public long weights() {
        long n = 0;
        for (QuantizedTensor t : tensors) {
            n += t.size();
        }
        return n;
    }

    /** Sets one code and updates the model's weight tensor. */
    public void setCode(int layer, int index, byte code) {
        tensors.get(layer).setCode(index, code);
        sync(layer);
    }

    /** Flips one bit of one code and updates the model; returns the new code. */
    public byte flip(int layer, int index, int bit) {
        byte c = Bits.flip(tensors.get(layer).code(index), bit);
        setCode(layer, index, c);
        return c;
    }

    /** A copy of every layer's current codes. */
    public byte[][] codes() {
        byte[][] out = new byte[tensors.size()][];
        for (int l = 0; l < out.length; l++) {
            out[l] = tensors.get(l).codes();
        }
        return out;
    }

    /** The codes right after quantisation, before any fault. */
    public byte[][] cleanCodes() {
        byte[][] out = new byte[cleanCodes.length][];
        for (int l = 0; l < out.length; l++) {
            out[l] = cleanCodes[l].clone();
        }
        return out;
    }

    /** Replaces all codes and updates the model. */
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

    /** Number of code bits that differ from the clean quantised model. */
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

    /** Writes the dequantised values of one layer into the model. */
    public void sync(int layer) {
        WeightSnapshot.write(parameters.get(layer), tensors.get(layer).dequantize());
    }

    /** The model's float weights as they were before quantisation. */
    public WeightSnapshot original() {
        return original;
    }

    /** Restores the caller's float weights. */
    @Override
    public void close() {
        original.restore();
    }
}
