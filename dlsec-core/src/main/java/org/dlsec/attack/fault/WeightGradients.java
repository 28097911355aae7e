package org.dlsec.attack.fault;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.List;
import org.dlsec.core.Tensors;
import org.dlsec.model.DjlClassifier;
import org.dlsec.model.Engines;
import org.dlsec.model.Kernels;
import org.dlsec.model.LogitObjective;

/**
 * The gradient of the mean cross-entropy of a batch with respect to chosen weight tensors. The
 * parameters are unfrozen only for the call and their freeze state is restored afterwards; their
 * gradient buffers are zeroed before and after, because DJL's PyTorch collector accumulates into
 * them rather than zeroing.
 */
final class WeightGradients {
    /** The batch's mean loss and one gradient array per requested parameter. */
    record Result(double loss, float[][] gradients) {}

    private WeightGradients() {}

    static Result compute(DjlClassifier classifier, List<Parameter> params, NDArray x, NDArray y) {
        Block block = classifier.model().getBlock();
        boolean[] trainable = new boolean[params.size()];
        for (int i = 0; i < params.size(); i++) {
            trainable[i] = params.get(i).requiresGradient();
            params.get(i).freeze(false);
        }
        try (NDManager scope = x.getManager().newSubManager()) {
            for (Parameter p : params) {
                zeroGradient(p);
            }
            double loss;
            try (Kernels.Section kernels = Kernels.reference(); GradientCollector gc = Engines.engine().newGradientCollector()) {
                // a TorchScript module records autograd only on DJL's "training" call path (it stays in eval mode)
                NDArray logits = block.forward(new ParameterStore(scope, false), new NDList(x), classifier.isTorchScript())
                        .singletonOrThrow();
                logits.attach(scope);
                NDArray mean = LogitObjective.crossEntropy(y).apply(logits).mean();
                mean.attach(scope);
                gc.backward(mean);
                loss = mean.getFloat();
            }
            float[][] grads = new float[params.size()][];
            for (int i = 0; i < params.size(); i++) {
                try (NDArray g = params.get(i).getArray().getGradient()) {
                    grads[i] = g.toFloatArray();
                }
                zeroGradient(params.get(i));
            }
            return new Result(loss, grads);
        } finally {
            for (int i = 0; i < params.size(); i++) {
                params.get(i).freeze(!trainable[i]);
            }
        }
    }

    private static void zeroGradient(Parameter p) {
        NDArray a = p.getArray();
        if (a.hasGradient()) {
            try (NDArray g = a.getGradient()) {
                Tensors.zero(g);
            }
        }
    }
}
