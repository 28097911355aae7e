package org.dlsec.attack.fault;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dlsec.core.Tensors;
import org.dlsec.core.DlsecException;
import org.dlsec.data.Dataset;
import org.dlsec.model.DjlClassifier;

/**
 * A simulated hardware trojan in the accelerator running a network (after the threat model of
 * Clements and Lao, 2018, and Khalid et al.'s survey): a trigger circuit watches one neuron of the
 * first convolution's output (pre-activation) and, when its value exceeds a threshold never reached
 * on clean data, a payload circuit overrides the output so that the chosen target class wins. While
 * the trigger is absent the trojan is dormant and the network's outputs are bit-for-bit unchanged.
 *
 * <p>The trigger is a k×k input patch in the top-left corner, the receptive field of neuron (c, p, p)
 * of a k×k convolution with padding p: pixel = upper bound where the kernel weight is positive, lower
 * bound elsewhere, which maximises that neuron. The channel c is the one where this maximum exceeds
 * the largest value seen on the calibration data by the widest margin; the threshold lies halfway
 * between the two. The payload adds {@code boost} to the target logit above the largest logit.
 */
public final class HardwareTrojan implements ActivationHook {
    /** Where the trigger is and what it does. */
    public record Design(int channel, int row, int col, int kernel, float cleanMax, float triggerValue, float threshold,
            int target, float[] patch) {
        /**
         * The design as results record it (without the patch).
         *
         * @return a new mutable map, ready for the JSON mapper
         */
        public Map<String, Object> describe() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("neuron", List.of(channel, row, col));
            m.put("patchSize", kernel);
            m.put("cleanMax", cleanMax);
            m.put("triggerValue", triggerValue);
            m.put("threshold", threshold);
            m.put("target", target);
            return m;
        }
    }

    private static final float BOOST = 10f;

    private final Design design;
    private final int lastLayer;
    /** The first convolution's kernel and bias, when the trigger is computed from the input (TorchScript). */
    private final float[] kernel;
    private final float[] bias;
    private boolean[] triggered;
    private long fired;

    private HardwareTrojan(Design design, int lastLayer) {
        this(design, lastLayer, null, null);
    }

    private HardwareTrojan(Design design, int lastLayer, float[] kernel, float[] bias) {
        this.design = design;
        this.lastLayer = lastLayer;
        this.kernel = kernel;
        this.bias = bias;
    }

    /**
     * Designs the trojan for {@code classifier}, calibrating the threshold on {@code clean}. A dlsec
     * network is watched through its layers; a TorchScript module, whose layers are not reachable,
     * through its first convolution kernel (its first four-dimensional weight): the trigger circuit
     * computes that convolution's response to the top-left k×k window of the input — the value of
     * the neuron whose receptive field it is — from the input itself.
     *
     * @param classifier the network; not changed
     * @param clean clean calibration samples
     * @param target the class the trigger forces, 0 to K−1
     * @return the trojan
     * @throws org.dlsec.core.DlsecException when {@code target} is not a class of the model, or the network does not start
     *         with a convolution the trojan can watch
     */
    public static HardwareTrojan design(DjlClassifier classifier, Dataset clean, int target) {
        DlsecException.require(target >= 0 && target < classifier.numClasses(), "target",
                "must be a class in 0.." + (classifier.numClasses() - 1) + ", got " + target);
        if (!(classifier.model().getBlock() instanceof ai.djl.nn.SequentialBlock)) {
            return designFromKernel(classifier, clean, target);
        }
        LayerHookClassifier net = new LayerHookClassifier(classifier, List.of());
        if (!net.layerName(0).contains("Conv")) {
            throw new DlsecException("the hardware trojan watches the first convolution; this network starts with "
                    + net.layerName(0));
        }
        Parameter w = null;
        Parameter b = null;
        for (var p : classifier.model().getBlock().getChildren().get(0).getValue().getParameters()) {
            if (p.getValue().getType() == Parameter.Type.WEIGHT) {
                w = p.getValue();
            } else if (p.getValue().getType() == Parameter.Type.BIAS) {
                b = p.getValue();
            }
        }
        long[] ws = w.getArray().getShape().getShape(); // (out, in, k, k)
        int outC = (int) ws[0];
        int inC = (int) ws[1];
        int k = (int) ws[2];
        float[] kernel = w.getArray().toFloatArray();
        float[] bias = b == null ? new float[outC] : b.getArray().toFloatArray();
        int h = (int) classifier.inputShape().get(1);
        int wd = (int) classifier.inputShape().get(2);
        long[] sizes = net.outputSizes();
        int outH = (int) Math.round(Math.sqrt(sizes[0] / (double) outC * h / wd));
        int pad = (outH - h + k - 1) / 2; // stride 1: outH = h + 2p - k + 1
        int row = pad;
        int col = pad;
        float lo = (float) classifier.bounds().min();
        float hi = (float) classifier.bounds().max();
        // largest clean value of each candidate neuron
        float[] cleanMax = new float[outC];
        java.util.Arrays.fill(cleanMax, Float.NEGATIVE_INFINITY);
        int outW = (int) (sizes[0] / outC / outH);
        ActivationHook recorder = (layer, out) -> {
            if (layer == 0) {
                float[] v = out.toFloatArray();
                int n = (int) out.getShape().get(0);
                for (int s = 0; s < n; s++) {
                    for (int c = 0; c < outC; c++) {
                        float a = v[((s * outC + c) * outH + row) * outW + col];
                        cleanMax[c] = Math.max(cleanMax[c], a);
                    }
                }
            }
            return out;
        };
        org.dlsec.metric.Evaluation.accuracy(new LayerHookClassifier(classifier, List.of(recorder)), clean);
        if (pad < 0 || k > h || k > wd) {
            throw new DlsecException("the trigger patch does not fit the input");
        }
        Design d = choose(kernel, bias, cleanMax, inC, k, lo, hi, row, col, target);
        return new HardwareTrojan(d, net.layerCount() - 1);
    }

    private static HardwareTrojan designFromKernel(DjlClassifier classifier, Dataset clean, int target) {
        Parameter w = null;
        for (var p : classifier.model().getBlock().getParameters()) {
            if (p.getValue().getType() == Parameter.Type.WEIGHT && p.getValue().getArray().getShape().dimension() == 4) {
                w = p.getValue();
                break;
            }
            if (p.getValue().getArray().getShape().dimension() >= 2) {
                break;
            }
        }
        if (w == null) {
            throw new DlsecException("the hardware trojan watches the first convolution; " + classifier.info().describe()
                    + " does not start with one");
        }
        long[] ws = w.getArray().getShape().getShape(); // (out, in, k, k)
        int outC = (int) ws[0];
        int inC = (int) ws[1];
        int k = (int) ws[2];
        Shape in = classifier.inputShape();
        if (in.dimension() != 3 || in.get(0) != inC || ws[2] != ws[3] || k > in.get(1) || k > in.get(2)) {
            throw new DlsecException("the first convolution (weight " + w.getArray().getShape() + ") does not fit inputs "
                    + in + " as the trojan needs (a square kernel over the input's channels)");
        }
        float[] kernel = w.getArray().toFloatArray();
        float[] bias = new float[outC];
        String biasName = w.getName() == null ? null : w.getName().replaceAll("weight$", "bias");
        for (var p : classifier.model().getBlock().getParameters()) {
            if (p.getKey().equals(biasName) && p.getValue().getArray().size() == outC) {
                bias = p.getValue().getArray().toFloatArray();
            }
        }
        int h = (int) in.get(1);
        int wd = (int) in.get(2);
        float lo = classifier.bounds().min();
        float hi = classifier.bounds().max();
        float[] cleanMax = new float[outC];
        java.util.Arrays.fill(cleanMax, Float.NEGATIVE_INFINITY);
        for (int s = 0; s < clean.size(); s++) {
            float[] img = clean.image(s);
            for (int c = 0; c < outC; c++) {
                cleanMax[c] = Math.max(cleanMax[c], response(kernel, bias, c, inC, k, img, h, wd));
            }
        }
        Design d = choose(kernel, bias, cleanMax, inC, k, lo, hi, 0, 0, target);
        return new HardwareTrojan(d, -1, kernel, bias);
    }

    /**
     * The channel whose maximal response (pixels at the upper bound where the kernel is positive, at
     * the lower bound elsewhere) exceeds its clean maximum by the widest margin; the threshold lies
     * halfway between the two.
     */
    private static Design choose(float[] kernel, float[] bias, float[] cleanMax, int inC, int k, float lo, float hi,
            int row, int col, int target) {
        int best = -1;
        float bestMargin = 0f;
        float bestValue = 0f;
        for (int c = 0; c < cleanMax.length; c++) {
            float v = bias[c];
            for (int i = 0; i < inC * k * k; i++) {
                float kw = kernel[c * inC * k * k + i];
                v += kw * (kw > 0 ? hi : lo);
            }
            float margin = v - cleanMax[c];
            if (margin > bestMargin) {
                bestMargin = margin;
                best = c;
                bestValue = v;
            }
        }
        if (best < 0) {
            throw new DlsecException("no neuron of the first convolution can be driven above its clean range");
        }
        float[] patch = new float[inC * k * k];
        for (int i = 0; i < patch.length; i++) {
            patch[i] = kernel[best * inC * k * k + i] > 0 ? hi : lo;
        }
        return new Design(best, row, col, k, cleanMax[best], bestValue, cleanMax[best] + bestMargin / 2, target, patch);
    }

    /** The response of output channel c of a k×k convolution to the top-left window of one image. */
    private static float response(float[] kernel, float[] bias, int c, int inC, int k, float[] img, int h, int w) {
        float v = bias[c];
        for (int ch = 0; ch < inC; ch++) {
            for (int i = 0; i < k; i++) {
                for (int j = 0; j < k; j++) {
                    v += kernel[((c * inC + ch) * k + i) * k + j] * img[(ch * h + i) * w + j];
                }
            }
        }
        return v;
    }

    /**
     * {@code classifier} with this trojan in its datapath: dormant (bit-for-bit the same outputs)
     * until the trigger fires. The result does not own {@code classifier}.
     *
     * @param classifier the network
     * @return a classifier computing the infected network's outputs (no gradients)
     */
    public org.dlsec.model.Classifier infect(DjlClassifier classifier) {
        if (kernel == null) {
            return new LayerHookClassifier(classifier, List.of(this));
        }
        HardwareTrojan self = this;
        return new org.dlsec.model.AbstractClassifier(classifier.inputShape(), classifier.numClasses(),
                classifier.bounds(), new org.dlsec.model.ModelInfo(classifier.info().kind(), classifier.info().source()
                        + " (hardware trojan)", classifier.info().sha256(), classifier.info().architecture())) {
            @Override
            public boolean hasGradients() {
                return false;
            }

            @Override
            protected NDArray forward(NDArray x) {
                int n = (int) x.getShape().get(0);
                float[] px = x.toFloatArray();
                int d = px.length / n;
                int h = (int) x.getShape().get(2);
                int w = (int) x.getShape().get(3);
                int inC = (int) x.getShape().get(1);
                self.begin(n);
                float[] img = new float[d];
                for (int s = 0; s < n; s++) {
                    System.arraycopy(px, s * d, img, 0, d);
                    self.triggered[s] = response(kernel, bias, design.channel(), inC, design.kernel(), img, h, w)
                            > design.threshold();
                }
                return self.payload(classifier.predictLogits(x));
            }

            @Override
            public void close() {
                // the infected classifier belongs to the caller
            }
        };
    }

    /**
     * The trigger's design.
     *
     * @return where the trigger is and what it does
     */
    public Design design() {
        return design;
    }

    /**
     * Samples for which the trigger fired since construction.
     *
     * @return the count
     */
    public long fired() {
        return fired;
    }

    /**
     * {@code data} with the trigger patch stamped into every image (top-left corner).
     *
     * @param data the images
     * @return a new in-memory dataset, labels unchanged
     */
    public Dataset stamp(Dataset data) {
        int c = (int) data.sampleShape().get(0);
        int h = (int) data.sampleShape().get(1);
        int w = (int) data.sampleShape().get(2);
        int k = design.kernel();
        int top = 0; // the receptive field of neuron (c, p, p) starts at row 0, column 0
        float[] pixels = new float[data.size() * data.sampleSize()];
        for (int s = 0; s < data.size(); s++) {
            float[] img = data.image(s);
            for (int ch = 0; ch < c; ch++) {
                for (int i = 0; i < k; i++) {
                    for (int j = 0; j < k; j++) {
                        img[(ch * h + top + i) * w + j] = design.patch()[(ch * k + i) * k + j];
                    }
                }
            }
            System.arraycopy(img, 0, pixels, s * data.sampleSize(), img.length);
        }
        return data.withPixels(pixels, data.labels(), "hardware-trojan trigger stamped");
    }

    @Override
    public void begin(int n) {
        triggered = new boolean[n];
    }

    @Override
    public NDArray after(int layer, NDArray output) {
        if (layer == 0) {
            int n = (int) output.getShape().get(0);
            try (NDArray watched = output.get(":, {}, {}, {}", design.channel(), design.row(), design.col())) {
                float[] v = watched.toFloatArray();
                for (int s = 0; s < n; s++) {
                    triggered[s] = v[s] > design.threshold();
                }
            }
            return output;
        }
        if (layer != lastLayer) {
            return output;
        }
        return payload(output);
    }

    /** The payload: the target logit of every triggered sample raised above the largest logit. */
    private NDArray payload(NDArray output) {
        boolean any = false;
        for (boolean t : triggered) {
            any |= t;
        }
        if (!any) {
            return output;
        }
        float[] logits = output.toFloatArray();
        int k = (int) output.getShape().get(1);
        for (int s = 0; s < triggered.length; s++) {
            if (triggered[s]) {
                fired++;
                float max = Float.NEGATIVE_INFINITY;
                for (int j = 0; j < k; j++) {
                    max = Math.max(max, logits[s * k + j]);
                }
                logits[s * k + design.target()] = max + BOOST;
            }
        }
        return Tensors.floats(output.getManager(), logits, output.getShape());
    }
}
