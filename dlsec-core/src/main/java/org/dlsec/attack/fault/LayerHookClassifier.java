package org.dlsec.attack.fault;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;
import org.dlsec.core.DlsecException;
import org.dlsec.model.AbstractClassifier;
import org.dlsec.model.DjlClassifier;
import org.dlsec.model.Kernels;
import org.dlsec.model.ModelInfo;

/**
 * A forward pass over a sequential DJL network that runs its layers one by one and hands every
 * layer's output to {@link ActivationHook}s, in order: the hook point for activation faults, hardware
 * trojans and activation range checks. It computes with the wrapped model's current weights and has
 * no gradients. Hooks hold per-batch state, so one instance must not be used from several threads.
 */
public final class LayerHookClassifier extends AbstractClassifier {
    private final DjlClassifier inner;
    private final List<Block> layers = new ArrayList<>();
    private final List<String> names = new ArrayList<>();
    private final List<ActivationHook> hooks;

    /**
     * {@code inner} with {@code hooks} called after each layer.
     *
     * @param inner a sequential dlsec network; not owned, not closed
     * @param hooks the hooks, called in order
     * @throws org.dlsec.core.DlsecException when the network is not sequential
     */
    public LayerHookClassifier(DjlClassifier inner, List<ActivationHook> hooks) {
        super(inner.inputShape(), inner.numClasses(), inner.bounds(), describe(inner.info()));
        if (!(inner.model().getBlock() instanceof SequentialBlock seq)) {
            throw new DlsecException("activation hooks need a sequential network (a dlsec architecture), not "
                    + inner.info().describe());
        }
        for (Pair<String, Block> child : seq.getChildren()) {
            names.add(child.getKey());
            layers.add(child.getValue());
        }
        this.inner = inner;
        this.hooks = List.copyOf(hooks);
    }

    private static ModelInfo describe(ModelInfo info) {
        return new ModelInfo(info.kind(), info.source() + " (hooked)", info.sha256(), info.architecture());
    }

    /**
     * The wrapped network.
     *
     * @return the network
     */
    public DjlClassifier inner() {
        return inner;
    }

    /**
     * Number of layers (children of the sequential block).
     *
     * @return the count
     */
    public int layerCount() {
        return layers.size();
    }

    /**
     * The child's name, e.g. {@code 01Conv2d}.
     *
     * @param i the layer's index
     * @return the name
     */
    public String layerName(int i) {
        return names.get(i);
    }

    /**
     * Layers whose parameters make them a convolution or linear layer (their outputs are pre-activations).
     *
     * @return indices, ascending
     */
    public List<Integer> weightLayers() {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            String n = names.get(i);
            if (n.contains("Conv") || n.contains("Linear")) {
                out.add(i);
            }
        }
        return out;
    }

    /**
     * The number of activations per sample at every layer's output.
     *
     * @return one count per layer
     */
    public long[] outputSizes() {
        try (Kernels.Section kernels = Kernels.reference(); NDManager m = inner.model().getNDManager().newSubManager()) {
            NDArray x = m.zeros(new ai.djl.ndarray.types.Shape(1).addAll(inputShape()));
            long[] sizes = new long[layers.size()];
            NDList cur = new NDList(x);
            ParameterStore ps = new ParameterStore(m, false);
            for (int i = 0; i < layers.size(); i++) {
                cur = layers.get(i).forward(ps, cur, false);
                sizes[i] = cur.singletonOrThrow().size();
            }
            return sizes;
        }
    }

    @Override
    protected NDArray forward(NDArray x) {
        int n = (int) x.getShape().get(0);
        for (ActivationHook h : hooks) {
            h.begin(n);
        }
        NDManager owner = x.getManager();
        try (Kernels.Section kernels = Kernels.reference(); NDManager scope = owner.newSubManager()) {
            ParameterStore ps = new ParameterStore(scope, false);
            NDArray cur = x;
            for (int i = 0; i < layers.size(); i++) {
                cur = layers.get(i).forward(ps, new NDList(cur), false).singletonOrThrow();
                cur.attach(scope);
                for (ActivationHook h : hooks) {
                    cur = h.after(i, cur);
                    cur.attach(scope);
                }
            }
            cur.attach(owner);
            return cur;
        }
    }

    @Override
    public boolean hasGradients() {
        return false;
    }

    @Override
    public void close() {
        // the wrapped classifier belongs to the caller
    }
}
