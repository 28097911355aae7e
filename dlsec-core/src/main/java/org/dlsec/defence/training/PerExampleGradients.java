package org.dlsec.defence.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.dlsec.model.Kernels;

/**
 * Clipped sums of per-example gradients, the expensive part of DP-SGD, computed two ways:
 *
 * <ul>
 *   <li>{@link #vectorised}: for a {@link SequentialBlock} of {@link Conv2d}, {@link Linear} and
 *       parameter-free layers (LeNet-5, the Madry net), one forward and one backward pass over the
 *       whole batch. A zero "probe" added to every layer's output collects the gradient at that
 *       output, per example; a linear layer's per-example weight gradient is then the outer product
 *       of that gradient and the layer's input, a convolution's the product of it with the input's
 *       patches (im2col, itself computed as a convolution with one-hot kernels). This is the
 *       per-layer identity Opacus and Goodfellow's "efficient per-example gradient" note rely on;</li>
 *   <li>{@link #loop}: any network, one forward and backward pass per example.</li>
 * </ul>
 * Both return the same numbers (checked in the tests); the first is the fast path.
 */
final class PerExampleGradients {
    /**
     * The per-parameter sums of clipped per-example gradients, and what the batch looked like.
     * {@code skipped} lists the examples (rows of the batch) whose loss or gradient was not finite: they
     * are left out of the sums and of the mean loss.
     */
    record Clipped(List<NDArray> sums, double meanLoss, NDArray logits, float[] norms, int[] skipped) {
        Clipped(List<NDArray> sums, double meanLoss, NDArray logits, float[] norms) {
            this(sums, meanLoss, logits, norms, new int[0]);
        }
    }

    private PerExampleGradients() {}

    /** The trainable parameters, in the order {@link Clipped#sums()} uses. */
    static List<Parameter> trainable(Block block) {
        List<Parameter> out = new ArrayList<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            if (p.getValue().requiresGradient()) {
                out.add(p.getValue());
            }
        }
        return out;
    }

    /** Whether {@link #vectorised} can handle this network. */
    static boolean supports(Block block) {
        if (!(block instanceof SequentialBlock seq)) {
            return false;
        }
        for (Block child : seq.getChildren().values()) {
            boolean ok = child instanceof Linear || (child instanceof Conv2d c && c.getGroups() == 1)
                    || (child.getParameters().isEmpty() && !child.getClass().getSimpleName().contains("Norm")
                            && !child.getClass().getSimpleName().contains("Dropout"));
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    static Clipped vectorised(Trainer trainer, NDArray x, NDArray y, double clip) {
        SequentialBlock seq = (SequentialBlock) trainer.getModel().getBlock();
        NDManager m = x.getManager();
        int b = (int) x.getShape().get(0);
        List<Layer> layers = new ArrayList<>();
        NDArray perExampleLoss;
        NDArray logits;
        try (Kernels.Section kernels = Kernels.reference(); GradientCollector gc = trainer.newGradientCollector()) {
            ParameterStore ps = new ParameterStore(m, false);
            NDArray h = x;
            for (Block child : seq.getChildren().values()) {
                if (child instanceof Conv2d || child instanceof Linear) {
                    NDArray in = h.stopGradient();
                    NDArray out;
                    if (child instanceof Conv2d c) {
                        NDArray bias = c.isIncludeBias() ? c.getParameters().get("bias").getArray().stopGradient() : null;
                        out = Conv2d.conv2d(h, c.getParameters().get("weight").getArray().stopGradient(), bias, c.getStride(),
                                c.getPadding(), c.getDilation(), 1).singletonOrThrow();
                    } else {
                        Linear l = (Linear) child;
                        NDArray flat = h.reshape(b, -1);
                        in = flat.stopGradient();
                        NDArray w = l.getParameters().get("weight").getArray().stopGradient();
                        out = flat.matMul(w.transpose());
                        if (l.getParameters().contains("bias")) {
                            out = out.add(l.getParameters().get("bias").getArray().stopGradient());
                        }
                    }
                    NDArray probe = m.zeros(out.getShape(), out.getDataType());
                    probe.setRequiresGradient(true);
                    layers.add(new Layer(child, in, probe));
                    h = out.add(probe);
                } else {
                    h = child.forward(ps, new NDList(h), true).singletonOrThrow();
                }
            }
            logits = h;
            perExampleLoss = logits.logSoftmax(1).mul(y.oneHot((int) logits.getShape().get(1))).sum(new int[] {1}).neg();
            gc.backward(perExampleLoss.sum());
        }
        // per-example gradients of each layer's parameters from its input and the gradient at its output
        Map<Parameter, NDArray> perExample = new IdentityHashMap<>();
        try (Kernels.Section kernels = Kernels.reference()) { // the im2col below is a convolution too
            for (Layer layer : layers) {
                NDArray delta = layer.probe().getGradient(); // dLoss_b / d(output_b)
                if (layer.block() instanceof Linear l) {
                    NDArray g = delta.expandDims(2).batchMatMul(layer.input().expandDims(1)); // (B, U, In)
                    perExample.put(l.getParameters().get("weight"), g);
                    if (l.getParameters().contains("bias")) {
                        perExample.put(l.getParameters().get("bias"), delta);
                    }
                } else {
                    Conv2d c = (Conv2d) layer.block();
                    NDArray w = c.getParameters().get("weight").getArray();
                    Shape ws = w.getShape(); // (O, I, kh, kw)
                    long patch = ws.size() / ws.get(0);
                    // im2col as a convolution with one-hot kernels: (B, I·kh·kw, L)
                    NDArray eye = m.eye((int) patch).reshape(new Shape(patch).addAll(ws.slice(1)));
                    NDArray cols = Conv2d.conv2d(layer.input(), eye, null, c.getStride(), c.getPadding(), c.getDilation(), 1)
                            .singletonOrThrow().reshape(b, patch, -1);
                    NDArray d = delta.reshape(b, ws.get(0), -1); // (B, O, L)
                    NDArray g = d.batchMatMul(cols.transpose(0, 2, 1)); // (B, O, I·kh·kw)
                    perExample.put(c.getParameters().get("weight"), g.reshape(new Shape(b).addAll(ws)));
                    if (c.isIncludeBias()) {
                        perExample.put(c.getParameters().get("bias"), d.sum(new int[] {2}));
                    }
                }
            }
        }
        List<Parameter> params = trainable(seq);
        NDArray normSq = m.zeros(new Shape(b));
        List<NDArray> grads = new ArrayList<>();
        for (Parameter p : params) {
            NDArray g = perExample.get(p);
            if (g == null) {
                throw new IllegalStateException("no per-example gradient for parameter " + p.getName());
            }
            grads.add(g);
            normSq = normSq.add(g.reshape(b, -1).square().sum(new int[] {1}));
        }
        NDArray norms = normSq.sqrt();
        // an example whose loss or gradient is not finite is left out (its rows zeroed: 0 · NaN is NaN)
        float[] normValues = norms.toFloatArray();
        float[] lossValues = perExampleLoss.toFloatArray();
        boolean[] bad = new boolean[b];
        List<Integer> skipped = new ArrayList<>();
        double lossSum = 0;
        for (int i = 0; i < b; i++) {
            bad[i] = !Float.isFinite(normValues[i]) || !Float.isFinite(lossValues[i]);
            if (bad[i]) {
                skipped.add(i);
            } else {
                lossSum += lossValues[i];
            }
        }
        NDArray badRow = skipped.isEmpty() ? null : org.dlsec.core.Tensors.booleans(m, bad).reshape(b, 1);
        if (badRow != null) {
            norms = NDArrays.where(badRow.reshape(b), norms.zerosLike(), norms);
        }
        NDArray scale = norms.maximum((float) clip).pow(-1).mul((float) clip); // min(1, C / ‖g‖)
        List<NDArray> sums = new ArrayList<>();
        for (NDArray g : grads) {
            NDArray flat = g.reshape(b, -1);
            if (badRow != null) {
                flat = NDArrays.where(badRow.broadcast(flat.getShape()), flat.zerosLike(), flat);
            }
            // Σ_b scale_b · g_b as one matrix product
            sums.add(scale.expandDims(0).matMul(flat).reshape(g.getShape().slice(1)));
        }
        int kept = b - skipped.size();
        return new Clipped(sums, kept == 0 ? 0 : lossSum / kept, logits.stopGradient(), normValues,
                skipped.stream().mapToInt(Integer::intValue).toArray());
    }

    private record Layer(Block block, NDArray input, NDArray probe) {}

    /**
     * Makes sure every parameter has a gradient tensor (PyTorch creates it lazily on the first backward
     * pass; before that DJL hands out an unlinked array of zeros) by back-propagating 0 · Σ p.
     */
    static void touch(Trainer trainer, List<Parameter> params) {
        try (NDManager t = params.get(0).getArray().getManager().newSubManager();
                GradientCollector gc = trainer.newGradientCollector()) {
            NDArray s = null;
            for (Parameter p : params) {
                NDArray v = p.getArray().mul(0f).sum();
                v.attach(t);
                s = s == null ? v : s.add(v);
            }
            gc.backward(s);
        }
    }

    /** The parameters' current gradients: fresh handles (PyTorch may replace a gradient tensor), to be closed. */
    static List<NDArray> gradients(List<Parameter> params) {
        List<NDArray> out = new ArrayList<>(params.size());
        for (Parameter p : params) {
            out.add(p.getArray().getGradient());
        }
        return out;
    }

    static Clipped loop(Trainer trainer, NDArray x, NDArray y, double clip) {
        NDManager m = x.getManager();
        List<Parameter> params = trainable(trainer.getModel().getBlock());
        touch(trainer, params);
        List<NDArray> sums = new ArrayList<>(params.size());
        for (NDArray g : gradients(params)) {
            g.subi(g);
            sums.add(m.zeros(g.getShape(), g.getDataType()));
            g.close();
        }
        int b = (int) x.getShape().get(0);
        NDList logitRows = new NDList();
        float[] norms = new float[b];
        double lossSum = 0;
        List<Integer> skipped = new ArrayList<>();
        for (int i = 0; i < b; i++) {
            try (NDManager e = m.newSubManager()) {
                NDArray xi = x.get(new NDIndex("{}:{}", i, i + 1));
                NDArray yi = y.get(new NDIndex("{}:{}", i, i + 1));
                xi.attach(e);
                yi.attach(e);
                NDArray logits;
                NDArray loss;
                try (Kernels.Section kernels = Kernels.reference(); GradientCollector gc = trainer.newGradientCollector()) {
                    logits = trainer.forward(new NDList(xi)).singletonOrThrow();
                    loss = logits.logSoftmax(1).mul(yi.oneHot((int) logits.getShape().get(1))).sum().neg();
                    gc.backward(loss);
                }
                float lossValue = loss.getFloat();
                NDArray row = logits.stopGradient();
                row.attach(m);
                logitRows.add(row);
                List<NDArray> grads = gradients(params);
                NDArray sq = null;
                for (NDArray g : grads) {
                    NDArray s = g.square().sum();
                    s.attach(e);
                    sq = sq == null ? s : sq.add(s);
                }
                double norm = Math.sqrt(sq.getFloat());
                norms[i] = (float) norm;
                boolean finite = Double.isFinite(norm) && Float.isFinite(lossValue);
                if (finite) {
                    lossSum += lossValue;
                } else {
                    skipped.add(i); // left out of the sum
                }
                float scale = (float) Math.min(1.0, clip / Math.max(norm, 1e-12));
                for (int k = 0; k < grads.size(); k++) {
                    NDArray g = grads.get(k);
                    if (finite) {
                        NDArray scaled = g.mul(scale);
                        sums.get(k).addi(scaled);
                        scaled.close();
                        g.subi(g); // parameter gradients accumulate: clear them for the next example
                    } else {
                        zero(g); // NaN − NaN is NaN: overwrite instead
                    }
                    g.close();
                }
            }
        }
        int kept = b - skipped.size();
        return new Clipped(sums, kept == 0 ? 0 : lossSum / kept, b == 0 ? null : NDArrays.concat(logitRows), norms,
                skipped.stream().mapToInt(Integer::intValue).toArray());
    }

    /** Sets a gradient to zero in place, whatever it held (NaN survives subtraction and multiplication). */
    static void zero(NDArray g) {
        // an indexed assignment copies into the tensor (set(Buffer) would re-point it at a buffer the handle owns)
        g.set(new NDIndex(":"), 0f);
    }
}
