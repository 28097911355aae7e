package org.dlsec.attack.evasion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.Map;
import org.dlsec.core.Tensors;
import org.dlsec.core.DlsecException;
import org.dlsec.data.Dataset;
import org.dlsec.model.Classifier;

/**
 * Applies a {@link UniversalPerturbation} to every input: x′ = clip(x + v). It costs no query or
 * gradient per sample (the fit's cost is reported in {@link #parameters()}). Created unfitted by
 * the registry, with the size of the fitting set; {@link #fit} returns the fitted attack.
 */
public final class UniversalAttack extends AbstractEvasionAttack {
    private final UniversalPerturbation.Params params;
    private final int fitSize;
    private final UniversalPerturbation.Fitted fitted;

    private UniversalAttack(UniversalPerturbation.Params params, int fitSize, UniversalPerturbation.Fitted fitted) {
        super("uap", Knowledge.WHITE_BOX);
        DlsecException.require(fitSize >= 1, "fit", "the number of fitting images must be >= 1, got " + fitSize);
        this.params = params;
        this.fitSize = fitSize;
        this.fitted = fitted;
    }

    /**
     * An attack still to be fitted on the first {@code fitSize} images of a fitting set.
     *
     * @param params the perturbation's parameters
     * @param fitSize the number of fitting images, at least 1
     * @return an unfitted attack; {@link #generate} needs {@link #fit} first
     * @throws org.dlsec.core.DlsecException when {@code fitSize} is below 1
     */
    public static UniversalAttack unfitted(UniversalPerturbation.Params params, int fitSize) {
        return new UniversalAttack(params, fitSize, null);
    }

    /**
     * An attack applying an already fitted perturbation.
     *
     * @param fitted a perturbation from {@link UniversalPerturbation#fit}
     * @return the attack
     */
    public static UniversalAttack of(UniversalPerturbation.Fitted fitted) {
        return new UniversalAttack(fitted.params(), fitted.fitSamples(), fitted);
    }

    /**
     * Whether the perturbation has been fitted.
     *
     * @return true once {@link #fit} made this attack (or it was made with {@link #of})
     */
    public boolean isFitted() {
        return fitted != null;
    }

    /**
     * The fitted perturbation.
     *
     * @return the perturbation, or null while unfitted
     */
    public UniversalPerturbation.Fitted fitted() {
        return fitted;
    }

    /**
     * The number of images the perturbation is (to be) fitted on.
     *
     * @return at least 1
     */
    public int fitSize() {
        return fitSize;
    }

    /**
     * Fits the perturbation on the first {@link #fitSize()} images of {@code source} against {@code model}.
     *
     * @param model the classifier to fool; not closed
     * @param source the fitting images (a set disjoint from the evaluation data)
     * @return a new, fitted attack; this one is unchanged
     * @throws org.dlsec.core.DlsecException when the data does not match the model
     */
    public UniversalAttack fit(Classifier model, Dataset source) {
        Dataset fitData = source.size() > fitSize ? source.first(fitSize) : source;
        return of(UniversalPerturbation.fit(model, fitData, params));
    }

    @Override
    public boolean targeted() {
        return false;
    }

    @Override
    public Map<String, Object> parameters() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("norm", params.norm().cliName());
        m.put("eps", params.epsilon());
        m.put("delta", params.delta());
        m.put("maxPasses", params.maxPasses());
        m.put("overshoot", params.deepFool().overshoot());
        m.put("deepFoolIterations", params.deepFool().maxIterations());
        m.put("candidates", params.deepFool().candidates());
        m.put("fit", fitSize);
        if (fitted != null) {
            m.put("fitFoolingRate", fitted.foolingRate());
            m.put("fitPasses", fitted.passes());
            m.put("fitQueries", fitted.queries());
            m.put("fitGradients", fitted.gradients());
        }
        m.put("seed", params.seed());
        return m;
    }

    @Override
    protected Crafted craft(Classifier model, NDArray x, NDArray y, long[] cleanPred, long[] ids) {
        if (fitted == null) {
            throw new DlsecException("uap: the universal perturbation must be fitted first (UniversalAttack.fit)");
        }
        if (!new Shape(fitted.sampleShape()).equals(model.inputShape())) {
            throw new DlsecException("uap: the perturbation was fitted for inputs " + new Shape(fitted.sampleShape())
                    + " but the model takes " + model.inputShape());
        }
        int n = (int) x.getShape().get(0);
        NDArray v = Tensors.floats(x.getManager(), fitted.perturbation(), new Shape(1).addAll(model.inputShape()));
        return new Crafted(model.bounds().clip(x.add(v)), new long[n], new long[n]);
    }
}
