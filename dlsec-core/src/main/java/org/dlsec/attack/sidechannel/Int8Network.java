package org.dlsec.attack.sidechannel;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;
import org.dlsec.core.DlsecException;
import org.dlsec.data.Dataset;
import org.dlsec.model.Bounds;
import org.dlsec.model.Classifier;
import org.dlsec.model.DjlClassifier;

/**
 * The int8 implementation of a feed-forward network, as a microcontroller runs it (CMSIS-NN's q7 kernels are the
 * model): uint8 activations, int8 weight codes, int32 accumulators, a power-of-two requantisation shift after each
 * layer. It is what the simulated device of {@link MacDevice} executes and what a {@link PowerAnalysis} extracts.
 *
 * <p>Quantisation, per layer and symmetric: input pixels in [0, 1] become bytes {@code round(255 x)}; a layer's
 * weights get the scale {@code s_w = max|w| / 127} and codes {@code round(w / s_w)} in [-127, 127]; its bias becomes
 * the int32 {@code round(b / (s_in s_w))}; the dot product starts at 0, the bias is added after the last
 * multiply-accumulate; a ReLU layer's output byte is {@code min(255, round(max(0, acc) / 2^shift))}, the shift being the
 * smallest that keeps the largest activation of the calibration images in a byte; the output scale is then
 * {@code s_in s_w 2^shift}. Max-pooling works on the bytes; flattening is the (C, H, W) row-major order. The last
 * layer's int32 accumulators are the logits.
 *
 * <p>Supported: a DJL {@link SequentialBlock} of 2-D convolutions (one group, no dilation) and linear layers, each but the
 * last followed by a ReLU, with max-pooling, flattening and dropout (inactive at inference) in between — dlsec's
 * LeNet-5, MLP and softmax architectures. Anything else (batch norm, residual blocks, a normalising wrapper, inputs
 * outside [0, 1]) has no int8 path here and is refused with a one-line error.
 *
 * <p>An instance holds only Java arrays (the DJL parameters are copied out once by {@link #quantize}; no native memory
 * is kept) and does not change after it is built: {@link #withLayer} returns a modified copy. It is therefore safe to
 * use from several threads at once.
 */
public final class Int8Network {
    /** The largest weight code of symmetric int8 quantisation. */
    public static final int QMAX = 127;

    /**
     * One multiply-accumulate layer: a convolution or a linear layer, with its int8 codes, int32 biases and shift. Read
     * only through this API (an {@link Int8Network} builds it), so it is safe to read from several threads.
     */
    public static final class MacLayer {
        final boolean conv;
        final int units;
        final int fanIn;
        final int inC;
        final int inH;
        final int inW;
        final int kernel;
        final int stride;
        final int pad;
        final int outH;
        final int outW;
        final byte[] codes;
        final int[] bias;
        int shift;
        boolean relu;
        final float weightScale;
        float inScale;
        float[] scratchBias;

        MacLayer(boolean conv, int units, int fanIn, int inC, int inH, int inW, int kernel, int stride, int pad,
                byte[] codes, int[] bias, float weightScale) {
            this.conv = conv;
            this.units = units;
            this.fanIn = fanIn;
            this.inC = inC;
            this.inH = inH;
            this.inW = inW;
            this.kernel = kernel;
            this.stride = stride;
            this.pad = pad;
            this.outH = conv ? (inH + 2 * pad - kernel) / stride + 1 : 1;
            this.outW = conv ? (inW + 2 * pad - kernel) / stride + 1 : 1;
            this.codes = codes;
            this.bias = bias;
            this.weightScale = weightScale;
        }

        MacLayer copy() {
            MacLayer c = new MacLayer(conv, units, fanIn, inC, inH, inW, kernel, stride, pad, codes.clone(), bias.clone(),
                    weightScale);
            c.shift = shift;
            c.relu = relu;
            c.inScale = inScale;
            return c;
        }

        /**
         * Whether the layer is a 2-D convolution (the device is then observed at one output position only).
         *
         * @return true for a convolution, false for a linear layer
         */
        public boolean isConvolution() {
            return conv;
        }

        /**
         * The layer's output units.
         *
         * @return the filters of a convolution or the neurons of a linear layer, at least 1
         */
        public int units() {
            return units;
        }

        /**
         * The multiply-accumulates per output value, i.e. the weights of one unit ({@code K} in {@link MacDevice}).
         *
         * @return input channels × kernel × kernel for a convolution, the input length for a linear layer
         */
        public int fanIn() {
            return fanIn;
        }

        /**
         * The layer's weights, without the biases.
         *
         * @return {@link #units()} × {@link #fanIn()}
         */
        public int weights() {
            return codes.length;
        }

        /**
         * One weight code.
         *
         * @param u the unit, 0 ≤ u &lt; {@link #units()}
         * @param k the weight's index in the MAC order (input channel, row, column), 0 ≤ k &lt; {@link #fanIn()}; not
         *        checked on its own (an out-of-range {@code k} may read another unit's weight)
         * @return the int8 code, in [-{@value Int8Network#QMAX}, {@value Int8Network#QMAX}]
         * @throws ArrayIndexOutOfBoundsException if the weight lies outside the layer
         */
        public int code(int u, int k) {
            return codes[u * fanIn + k];
        }

        /**
         * One unit's bias, quantised to the accumulator's scale ({@code round(b / (s_in s_w))}, clamped to a quarter of
         * the int32 range).
         *
         * @param u the unit, 0 ≤ u &lt; {@link #units()}
         * @return the int32 bias added after the unit's last multiply-accumulate
         * @throws ArrayIndexOutOfBoundsException if {@code u} is out of range
         */
        public int bias(int u) {
            return bias[u];
        }

        /**
         * The requantisation shift of a ReLU layer: its output byte is {@code min(255, round(max(0, acc) / 2^shift))}.
         *
         * @return the shift, 0..31, fixed on the calibration images; -1 for the last layer, which outputs int32 logits
         */
        public int shift() {
            return relu ? shift : -1;
        }

        /**
         * Whether a ReLU and a requantisation to bytes follow the layer (every layer but the last).
         *
         * @return true for a hidden layer, false for the last, logit layer
         */
        public boolean relu() {
            return relu;
        }

        /**
         * The layer's weight scale {@code s_w}: a code {@code q} stands for the float weight {@code q s_w}.
         *
         * @return {@code max|w| / 127} of the float weights, or 1 if they are all zero
         */
        public float weightScale() {
            return weightScale;
        }

        /**
         * The positions of one unit's output map.
         *
         * @return output height × width of a convolution, 1 for a linear layer
         */
        public int positions() {
            return outH * outW;
        }

        /**
         * The layer's output values before pooling.
         *
         * @return {@link #units()} × {@link #positions()}
         */
        public int outputs() {
            return units * outH * outW;
        }

        /** The input values unit {@code u} at output position {@code pos} multiplies, in MAC order (0 for padding). */
        void window(int[] in, int pos, int[] out) {
            if (!conv) {
                System.arraycopy(in, 0, out, 0, fanIn);
                return;
            }
            int oy = pos / outW;
            int ox = pos % outW;
            int k = 0;
            for (int c = 0; c < inC; c++) {
                for (int i = 0; i < kernel; i++) {
                    int y = oy * stride - pad + i;
                    for (int j = 0; j < kernel; j++) {
                        int x = ox * stride - pad + j;
                        out[k++] = y < 0 || y >= inH || x < 0 || x >= inW ? 0 : in[(c * inH + y) * inW + x];
                    }
                }
            }
        }

        /**
         * The output position the simulated probe observes, and the attack attacks.
         *
         * @return the row-major index of the centre of the output map, {@code (outH / 2) * outW + outW / 2}; 0 for a
         *         linear layer
         */
        public int observedPosition() {
            return (outH / 2) * outW + outW / 2;
        }

        /** The int32 pre-activations (dot product plus bias) of every output, (unit, position) row-major. */
        long[] accumulate(int[] in) {
            long[] acc = new long[outputs()];
            int[] w = new int[fanIn];
            int positions = positions();
            for (int pos = 0; pos < positions; pos++) {
                window(in, pos, w);
                for (int u = 0; u < units; u++) {
                    int base = u * fanIn;
                    int s = 0;
                    for (int k = 0; k < fanIn; k++) {
                        s += w[k] * codes[base + k];
                    }
                    acc[u * positions + pos] = (long) s + bias[u];
                }
            }
            return acc;
        }
    }

    /** A step between MAC layers: max-pooling (kernel = stride) on a C×H×W map of bytes. */
    record Pool(int channels, int inH, int inW, int size) {
        int[] apply(int[] in) {
            int oh = inH / size;
            int ow = inW / size;
            int[] out = new int[channels * oh * ow];
            for (int c = 0; c < channels; c++) {
                for (int y = 0; y < oh; y++) {
                    for (int x = 0; x < ow; x++) {
                        int m = 0;
                        for (int i = 0; i < size; i++) {
                            for (int j = 0; j < size; j++) {
                                m = Math.max(m, in[(c * inH + y * size + i) * inW + x * size + j]);
                            }
                        }
                        out[(c * oh + y) * ow + x] = m;
                    }
                }
            }
            return out;
        }
    }

    private final List<MacLayer> layers;
    /** Pooling applied after MAC layer i (null: none). */
    private final Pool[] poolAfter;
    private final int inputSize;
    private final int numClasses;
    private final String description;

    private Int8Network(List<MacLayer> layers, Pool[] poolAfter, int inputSize, int numClasses, String description) {
        this.layers = layers;
        this.poolAfter = poolAfter;
        this.inputSize = inputSize;
        this.numClasses = numClasses;
        this.description = description;
    }

    /**
     * Quantises {@code model} as described above, calibrating the shifts on {@code calibration}. The float weights are
     * copied out of the model's parameters once; the model is not changed, and it (with its native memory) stays owned
     * by the caller, which may close it afterwards.
     *
     * @param model a {@link DjlClassifier} over a {@link SequentialBlock} of the supported layers, with inputs in
     *        [0, 1]
     * @param calibration images whose largest activations fix the shifts: the first 256 (or all, if fewer) are used;
     *        their sample size must be the model's input size
     * @return the model's int8 implementation
     * @throws DlsecException (one line) if the model has no int8 path, or if {@code calibration} is empty or has
     *         samples of the wrong size
     */
    public static Int8Network quantize(Classifier model, Dataset calibration) {
        if (!(model instanceof DjlClassifier djl)) {
            throw noPath("it is not a DJL network dlsec built (" + model.getClass().getSimpleName() + ")");
        }
        Bounds b = model.bounds();
        if (b.min() != 0f || b.max() != 1f) {
            throw noPath("its inputs are not pixels in [0, 1] (bounds " + b + ")");
        }
        if (!(djl.model().getBlock() instanceof SequentialBlock seq)) {
            throw noPath("its block is not sequential");
        }
        Shape shape = model.inputShape();
        int c = shape.dimension() == 3 ? (int) shape.get(0) : 1;
        int h = shape.dimension() == 3 ? (int) shape.get(1) : 1;
        int w = shape.dimension() == 3 ? (int) shape.get(2) : (int) shape.size();
        boolean flat = shape.dimension() != 3;
        List<MacLayer> layers = new ArrayList<>();
        List<Pool> pools = new ArrayList<>();
        int index = 0;
        boolean pendingRelu = false;
        for (Pair<String, Block> child : seq.getChildren()) {
            Block block = child.getValue();
            index++;
            String what = "layer " + index + " (" + child.getKey() + ")";
            if (block instanceof Conv2d conv) {
                DlsecException.require(!flat, "model", what + ": a convolution after flattening");
                requireReluClosed(layers, pendingRelu, what);
                Shape k = conv.getKernelShape();
                if (conv.getGroups() != 1 || k.get(0) != k.get(1) || conv.getDilation().get(0) != 1
                        || conv.getStride().get(0) != conv.getStride().get(1)
                        || conv.getPadding().get(0) != conv.getPadding().get(1)) {
                    throw noPath(what + " is a grouped, dilated or non-square convolution");
                }
                float[] wt = param(block, Parameter.Type.WEIGHT, what);
                float[] bs = conv.isIncludeBias() ? param(block, Parameter.Type.BIAS, what) : new float[conv.getFilters()];
                int kk = (int) k.get(0);
                int fan = c * kk * kk;
                MacLayer l = layer(true, conv.getFilters(), fan, c, h, w, kk, (int) conv.getStride().get(0),
                        (int) conv.getPadding().get(0), wt, bs);
                layers.add(l);
                pools.add(null);
                c = l.units;
                h = l.outH;
                w = l.outW;
                pendingRelu = true;
            } else if (block instanceof Linear) {
                requireReluClosed(layers, pendingRelu, what);
                float[] wt = param(block, Parameter.Type.WEIGHT, what);
                float[] bs = param(block, Parameter.Type.BIAS, what);
                int fan = c * h * w;
                int units = bs.length;
                if (wt.length != fan * units) {
                    throw noPath(what + " expects " + wt.length / Math.max(1, units) + " inputs, the map has " + fan);
                }
                layers.add(layer(false, units, fan, fan, 1, 1, 1, 1, 0, wt, bs));
                pools.add(null);
                c = units;
                h = 1;
                w = 1;
                flat = true;
                pendingRelu = true;
            } else if (block instanceof LambdaBlock lambda && lambda.getName().equalsIgnoreCase("ReLU")) {
                if (!pendingRelu) {
                    throw noPath(what + ": a ReLU that does not follow a convolution or linear layer");
                }
                layers.get(layers.size() - 1).relu = true;
                pendingRelu = false;
            } else if (block instanceof LambdaBlock lambda && lambda.getName().equals("maxPool2d")) {
                requireReluClosed(layers, pendingRelu, what);
                Shape out = block.getOutputShapes(new Shape[] {new Shape(1, c, h, w)})[0];
                int size = (int) (h / out.get(2));
                if (size < 1 || out.get(2) * size != h || out.get(3) * size != w) {
                    throw noPath(what + ": a max-pool whose kernel is not its stride");
                }
                if (layers.isEmpty() || pools.get(pools.size() - 1) != null) {
                    throw noPath(what + ": a max-pool that does not follow a convolution");
                }
                pools.set(pools.size() - 1, new Pool(c, h, w, size));
                h = (int) out.get(2);
                w = (int) out.get(3);
            } else if (block instanceof LambdaBlock lambda && lambda.getName().equals("batchFlatten")) {
                flat = true;
                c = c * h * w;
                h = 1;
                w = 1;
            } else if (!(block instanceof Dropout)) {
                throw noPath(what + " is a " + block.getClass().getSimpleName()
                        + " (supported: convolution, linear, ReLU, max-pool, flatten, dropout)");
            }
        }
        if (layers.isEmpty()) {
            throw noPath("it has no convolution or linear layer");
        }
        if (!pendingRelu) {
            throw noPath("its last layer ends in a ReLU, not in logits");
        }
        for (int i = 0; i < layers.size() - 1; i++) {
            if (!layers.get(i).relu) {
                throw noPath("MAC layer " + (i + 1) + " is not followed by a ReLU");
            }
        }
        Int8Network net = new Int8Network(layers, pools.toArray(new Pool[0]), (int) shape.size(), model.numClasses(),
                model.info().source());
        net.calibrate(calibration);
        return net;
    }

    private static void requireReluClosed(List<MacLayer> layers, boolean pendingRelu, String what) {
        if (pendingRelu) {
            throw noPath(what + " follows MAC layer " + layers.size() + " without a ReLU in between");
        }
    }

    private static DlsecException noPath(String why) {
        return new DlsecException("the model has no int8 path for the power side channel: " + why);
    }

    private static float[] param(Block block, Parameter.Type type, String what) {
        for (Pair<String, Parameter> p : block.getParameters()) {
            if (p.getValue().getType() == type) {
                return p.getValue().getArray().toFloatArray();
            }
        }
        throw noPath(what + " has no " + type + " parameter");
    }

    private static MacLayer layer(boolean conv, int units, int fan, int inC, int inH, int inW, int kernel, int stride,
            int pad, float[] wt, float[] bs) {
        float max = 0f;
        for (float v : wt) {
            max = Math.max(max, Math.abs(v));
        }
        float s = max > 0f ? max / QMAX : 1f;
        byte[] codes = new byte[wt.length];
        for (int i = 0; i < wt.length; i++) {
            codes[i] = (byte) Math.max(-QMAX, Math.min(QMAX, Math.round(wt[i] / s)));
        }
        MacLayer l = new MacLayer(conv, units, fan, inC, inH, inW, kernel, stride, pad, codes, new int[units], s);
        l.scratchBias = bs;
        return l;
    }

    /** Fixes the int32 biases and the shifts layer by layer, on the byte inputs of the calibration images. */
    private void calibrate(Dataset calibration) {
        int n = Math.min(256, calibration.size());
        DlsecException.require(n > 0, "calibration data", "is empty");
        DlsecException.require(calibration.sampleSize() == inputSize, "calibration data",
                "has samples of " + calibration.sampleSize() + " values, the model takes " + inputSize);
        int[][] acts = new int[n][];
        for (int i = 0; i < n; i++) {
            acts[i] = quantizeInput(calibration.image(i));
        }
        float inScale = 1f / 255f;
        for (int l = 0; l < layers.size(); l++) {
            MacLayer layer = layers.get(l);
            layer.inScale = inScale;
            double unit = (double) inScale * layer.weightScale;
            for (int u = 0; u < layer.units; u++) {
                layer.bias[u] = (int) Math.max(Integer.MIN_VALUE / 4, Math.min(Integer.MAX_VALUE / 4,
                        Math.round(layer.scratchBias[u] / unit)));
            }
            layer.scratchBias = null;
            if (!layer.relu) {
                break;
            }
            long max = 1;
            long[][] accs = new long[n][];
            for (int i = 0; i < n; i++) {
                accs[i] = layer.accumulate(acts[i]);
                for (long a : accs[i]) {
                    max = Math.max(max, a);
                }
            }
            int shift = 0;
            while ((max >> shift) > 255) {
                shift++;
            }
            layer.shift = shift;
            for (int i = 0; i < n; i++) {
                acts[i] = activate(layer, accs[i], l);
            }
            inScale = (float) (unit * (1L << shift));
        }
    }

    /**
     * Quantises one input sample to the bytes the device multiplies: {@code round(255 x)}, clamped to 0..255.
     *
     * @param x the sample's values, in [0, 1] (values outside are clamped); not modified
     * @return a new array of the same length, each value in 0..255
     */
    public static int[] quantizeInput(float[] x) {
        int[] q = new int[x.length];
        for (int i = 0; i < x.length; i++) {
            q[i] = Math.max(0, Math.min(255, Math.round(x[i] * 255f)));
        }
        return q;
    }

    /** The output byte of a ReLU layer for one pre-activation. */
    static int requantize(long acc, int shift) {
        if (acc <= 0) {
            return 0;
        }
        long r = shift == 0 ? acc : (acc + (1L << (shift - 1))) >> shift;
        return (int) Math.min(255, r);
    }

    private int[] activate(MacLayer layer, long[] acc, int l) {
        int[] out = new int[acc.length];
        for (int i = 0; i < acc.length; i++) {
            out[i] = requantize(acc[i], layer.shift);
        }
        return poolAfter[l] == null ? out : poolAfter[l].apply(out);
    }

    /**
     * Runs one MAC layer, with its ReLU, requantisation and pooling: the step from the input of layer {@code l} to
     * that of layer {@code l + 1}.
     *
     * @param l the MAC layer, 0 ≤ l &lt; {@link #layerCount()} − 1 (the last layer outputs logits, not bytes)
     * @param in layer {@code l}'s input bytes, (C, H, W) row-major; not modified
     * @return a new array of layer {@code l + 1}'s input bytes
     * @throws IndexOutOfBoundsException if {@code l} is out of range or {@code in} is too short
     */
    public int[] advance(int l, int[] in) {
        return activate(layers.get(l), layers.get(l).accumulate(in), l);
    }

    /**
     * Runs the first {@code l} MAC layers.
     *
     * @param l the MAC layer whose input is wanted, 0 ≤ l &lt; {@link #layerCount()}
     * @param x the network's input bytes (see {@link #quantizeInput}); not modified
     * @return layer {@code l}'s input bytes: {@code x} itself (not a copy) for layer 0, a new array otherwise
     * @throws IndexOutOfBoundsException if {@code l} is out of range or {@code x} is too short
     */
    public int[] inputOf(int l, int[] x) {
        int[] a = x;
        for (int i = 0; i < l; i++) {
            a = activate(layers.get(i), layers.get(i).accumulate(a), i);
        }
        return a;
    }

    /**
     * Runs the whole int8 network on one input.
     *
     * @param x the network's input bytes (see {@link #quantizeInput}), {@link #inputSize()} values; not modified
     * @return a new array of {@link #numClasses()} logits, the last layer's int32 accumulators (bias included) widened
     *         to long
     * @throws IndexOutOfBoundsException if {@code x} is too short
     */
    public long[] logits(int[] x) {
        int last = layers.size() - 1;
        return layers.get(last).accumulate(inputOf(last, x));
    }

    /**
     * Classifies one input with the int8 network.
     *
     * @param x the network's input bytes (see {@link #quantizeInput}), {@link #inputSize()} values; not modified
     * @return the index of the largest logit (the first one on a tie), 0 ≤ class &lt; {@link #numClasses()}
     * @throws IndexOutOfBoundsException if {@code x} is too short
     */
    public int predict(int[] x) {
        long[] z = logits(x);
        int best = 0;
        for (int k = 1; k < z.length; k++) {
            if (z[k] > z[best]) {
                best = k;
            }
        }
        return best;
    }

    /**
     * Classifies the first samples of a data set with the int8 network, in parallel on the common fork-join pool.
     *
     * @param data samples in [0, 1] of {@link #inputSize()} values each
     * @param n how many samples to classify, from the first; more than {@code data.size()} means all
     * @return a new array of {@code min(n, data.size())} predicted classes, in the data set's order
     */
    public int[] predict(Dataset data, int n) {
        int[] out = new int[Math.min(n, data.size())];
        java.util.stream.IntStream.range(0, out.length).parallel()
                .forEach(i -> out[i] = predict(quantizeInput(data.image(i))));
        return out;
    }

    /**
     * The number of multiply-accumulate layers (convolutions and linear layers; pooling and flattening are not
     * counted).
     *
     * @return at least 1; 5 for dlsec's LeNet-5
     */
    public int layerCount() {
        return layers.size();
    }

    /**
     * One multiply-accumulate layer.
     *
     * @param l the layer's index, 0 ≤ l &lt; {@link #layerCount()}, in execution order
     * @return the layer itself (read-only through its public API)
     * @throws IndexOutOfBoundsException if {@code l} is out of range
     */
    public MacLayer layer(int l) {
        return layers.get(l);
    }

    /**
     * The network's input size.
     *
     * @return the number of input bytes a sample has, e.g. 784 for MNIST
     */
    public int inputSize() {
        return inputSize;
    }

    /**
     * The number of classes, i.e. of logits.
     *
     * @return the quantised model's number of classes
     */
    public int numClasses() {
        return numClasses;
    }

    /**
     * Where the network comes from, for reports.
     *
     * @return the quantised model's source, followed by "(recovered layer l)" for a copy made by {@link #withLayer}
     */
    public String description() {
        return description;
    }

    /**
     * Counts the weights of the whole network.
     *
     * @return the number of weight codes of all layers, biases not included
     */
    public long weights() {
        long n = 0;
        for (MacLayer l : layers) {
            n += l.codes.length;
        }
        return n;
    }

    /**
     * A copy in which one MAC layer is replaced by an attacker's recovered values; this network is unchanged.
     *
     * @param l the layer to replace, 0 ≤ l &lt; {@link #layerCount()}
     * @param codes the layer's int8 codes, unit-major and in MAC order within a unit ({@link #weights()} of the layer);
     *        copied
     * @param bias the layer's int32 biases, one per unit; copied
     * @param shift the layer's requantisation shift, 0..31; ignored for the last layer
     * @return a new network, sharing nothing mutable with this one
     * @throws DlsecException if {@code codes} or {@code bias} has the wrong length
     * @throws IndexOutOfBoundsException if {@code l} is out of range
     */
    public Int8Network withLayer(int l, byte[] codes, int[] bias, int shift) {
        List<MacLayer> copy = new ArrayList<>();
        for (MacLayer m : layers) {
            copy.add(m.copy());
        }
        MacLayer t = copy.get(l);
        DlsecException.require(codes.length == t.codes.length && bias.length == t.bias.length, "recovered layer " + l,
                "has the wrong size");
        System.arraycopy(codes, 0, t.codes, 0, codes.length);
        System.arraycopy(bias, 0, t.bias, 0, bias.length);
        if (t.relu) {
            t.shift = shift;
        }
        return new Int8Network(copy, poolAfter.clone(), inputSize, numClasses, description + " (recovered layer " + l + ")");
    }

    /**
     * The weight codes of one layer.
     *
     * @param l the layer, 0 ≤ l &lt; {@link #layerCount()}
     * @return a new array of the layer's int8 codes, unit-major and in MAC order within a unit
     * @throws IndexOutOfBoundsException if {@code l} is out of range
     */
    public byte[] codes(int l) {
        return layers.get(l).codes.clone();
    }

    /**
     * A compact description of the layers, e.g. {@code Int8Network[conv6x25 relu>>7, fc10x84]}.
     *
     * @return each layer's kind, units × fan-in and, for a ReLU layer, its shift
     */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("Int8Network[");
        for (MacLayer l : layers) {
            s.append(s.length() > 13 ? ", " : "").append(l.conv ? "conv" : "fc").append(l.units).append('x').append(l.fanIn)
                    .append(l.relu ? " relu>>" + l.shift : "");
        }
        return s.append(']').toString();
    }
}
