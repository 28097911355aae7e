package org.dlsec.defence.detection;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;
import org.dlsec.defence.preprocess.PreprocessedClassifier;
import org.dlsec.defence.preprocess.Preprocessor;
import org.dlsec.model.AbstractClassifier;
import org.dlsec.model.Classifier;
import org.dlsec.model.Gradient;
import org.dlsec.model.LogitObjective;
import org.dlsec.model.ModelInfo;

/**
 * The view of a model that an attacker who knows a feature-squeezing detector (Xu, Evans, Qi, NDSS 2018) attacks: the
 * predictions are the model's own, the gradient is the mean of the objective's gradients on the input and on each
 * squeezed copy of it (BPDA through the squeezers), an expectation over the detector's views in the manner of EOT
 * (Athalye et al. 2018; He et al., "Adversarial Example Defenses: Ensembles of Weak Defenses are not Strong", 2017).
 * An example that fools every view moves the squeezed predictions with the unsqueezed one, so the L1 distance the
 * detector thresholds stays small.
 */
public final class DetectorAwareClassifier extends AbstractClassifier {
    private final Classifier model;
    private final List<Classifier> squeezed;

    /**
     * {@code model} seen through {@code squeezers} (deterministic, as the detector's).
     *
     * @param model the defended model; not owned, not closed
     * @param squeezers the detector's squeezers
     */
    public DetectorAwareClassifier(Classifier model, List<Preprocessor> squeezers) {
        super(model.inputShape(), model.numClasses(), model.bounds(), new ModelInfo(model.info().kind(),
                model.info().source() + " (attacked through the feature-squeezing detector's views)", model.info().sha256(),
                model.info().architecture()));
        this.model = model;
        List<Classifier> views = new ArrayList<>();
        for (Preprocessor p : squeezers) {
            views.add(new PreprocessedClassifier(model, p, PreprocessedClassifier.GradientMode.ADAPTIVE, 1, 0));
        }
        this.squeezed = List.copyOf(views);
    }

    @Override
    public boolean hasGradients() {
        return model.hasGradients();
    }

    @Override
    protected NDArray forward(NDArray x) {
        return model.predictLogits(x);
    }

    @Override
    protected Gradient backward(NDArray x, LogitObjective objective) {
        Gradient g = model.gradient(x, objective);
        NDArray grad = g.grad();
        for (Classifier v : squeezed) {
            Gradient s = v.gradient(x, objective);
            NDArray sum = grad.add(s.grad());
            if (grad != g.grad()) {
                grad.close();
            }
            grad = sum;
            s.grad().close();
            s.logits().close();
            s.values().close();
        }
        NDArray mean = grad.div(squeezed.size() + 1f);
        if (grad != g.grad()) {
            grad.close();
        }
        g.grad().close();
        return new Gradient(g.logits(), g.values(), mean);
    }

    @Override
    public void close() {
        // the model belongs to the caller
    }

    @Override
    public String kernels() {
        return model.kernels();
    }
}
