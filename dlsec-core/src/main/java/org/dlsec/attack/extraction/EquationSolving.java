package org.dlsec.attack.extraction;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.QRDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.SingularMatrixException;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Tensors;
import org.dlsec.model.Architecture;
import org.dlsec.model.Bounds;
import org.dlsec.model.Classifier;
import org.dlsec.model.DjlClassifier;
import org.dlsec.model.Engines;
import org.dlsec.model.ModelInfo;
import org.dlsec.model.Models;

/**
 * Equation-solving extraction of a multinomial logistic regression (Tramèr, Zhang, Juels, Reiter,
 * Ristenpart, "Stealing Machine Learning Models via Prediction APIs", USENIX Security 2016, §4.1).
 *
 * <p>For softmax regression, log p_i(x) = w_i·x + b_i − log Z(x): after subtracting the mean over
 * classes, every query x gives K linear equations in the unknowns (w_i − w̄, b_i − b̄), which define
 * the same softmax as the target's weights. With d input values, d + 1 queries in general position
 * determine them exactly. The first d + 1 points here are the lower corner of the input box and the
 * d points that move one coordinate to its upper bound (a well-conditioned, triangular system whose
 * logits stay small, so no probability underflows); further queries, if the budget allows, are
 * sparse random points (the lower corner with {@code SPARSE} random coordinates set to random values,
 * so that their logits stay as small as those of the first points) and the system is solved in the
 * least-squares sense, which averages out rounded or noisy answers. (Dense uniform points, as in the
 * paper, saturate the softmax of an MNIST model: most released probabilities then round to zero and
 * carry no information.) Solved with a QR decomposition (Commons Math).
 *
 * @see <a href="https://www.usenix.org/conference/usenixsecurity16/technical-sessions/presentation/tramer">the paper</a>
 */
public final class EquationSolving implements ExtractionAttack {
    /**
     * @param queries points to query; 0 means the minimum, d + 1
     * @param seed seed of the random points beyond d + 1
     */
    public record Params(int queries, long seed) {
        /**
         * Checks the query count.
         *
         * @param queries points to query; 0 means the minimum, d + 1
         * @param seed seed of the random points beyond d + 1
         * @throws org.dlsec.core.DlsecException when {@code queries} is negative
         */
        public Params {
            DlsecException.require(queries >= 0, "queries", "must be >= 0, got " + queries);
        }
    }

    private static final int BATCH = 256;
    /** Coordinates moved away from the lower corner in each query beyond the first d + 1. */
    static final int SPARSE = 3;
    private final Params p;

    /**
     * The attack with {@code params}.
     *
     * @param params the query count and the seed
     */
    public EquationSolving(Params params) {
        this.p = params;
    }

    @Override
    public String name() {
        return "equation";
    }

    @Override
    public Map<String, Object> parameters() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("queries", p.queries() == 0 ? "d+1" : p.queries());
        m.put("seed", p.seed());
        return m;
    }

    @Override
    public DjlClassifier extract(Classifier target) {
        Shape shape = target.inputShape();
        int d = (int) shape.size();
        int k = target.numClasses();
        int n = p.queries() == 0 ? d + 1 : p.queries();
        DlsecException.require(n >= d + 1, "queries", "equation solving needs at least d + 1 = " + (d + 1)
                + " queries, got " + n);
        Bounds b = target.bounds();
        double[][] a = new double[n][d + 1];
        double[][] y = new double[n][k];
        SplittableRandom rnd = new SplittableRandom(p.seed());
        try (NDManager root = Engines.newManager()) {
            for (int from = 0; from < n; from += BATCH) {
                int to = Math.min(n, from + BATCH);
                float[] x = new float[(to - from) * d];
                for (int i = from; i < to; i++) {
                    int off = (i - from) * d;
                    for (int j = 0; j < d; j++) {
                        float v;
                        if (i <= d) {
                            v = i > 0 && j == i - 1 ? b.hi(j) : b.lo(j);
                        } else {
                            v = b.lo(j);
                        }
                        x[off + j] = v;
                        a[i][j] = v;
                    }
                    if (i > d) {
                        for (int s = 0; s < SPARSE; s++) {
                            int j = rnd.nextInt(d);
                            float v = (float) (b.lo(j) + b.range(j) * rnd.nextDouble());
                            x[off + j] = v;
                            a[i][j] = v;
                        }
                    }
                    a[i][d] = 1;
                }
                try (NDManager m = root.newSubManager()) {
                    NDArray in = Tensors.floats(m, x, new Shape(to - from).addAll(shape));
                    float[] z = target.predictLogits(in).toFloatArray();
                    for (int i = from; i < to; i++) {
                        double mean = 0;
                        for (int c = 0; c < k; c++) {
                            mean += z[(i - from) * k + c];
                        }
                        mean /= k;
                        for (int c = 0; c < k; c++) {
                            y[i][c] = z[(i - from) * k + c] - mean;
                        }
                    }
                }
            }
        }
        RealMatrix theta;
        try {
            theta = new QRDecomposition(new Array2DRowRealMatrix(a, false)).getSolver()
                    .solve(new Array2DRowRealMatrix(y, false));
        } catch (SingularMatrixException e) {
            throw new DlsecException("the equation system is singular: the query points do not span the input space", e);
        }
        float[] w = new float[k * d];
        float[] bias = new float[k];
        for (int c = 0; c < k; c++) {
            for (int j = 0; j < d; j++) {
                w[c * d + j] = (float) theta.getEntry(j, c);
            }
            bias[c] = (float) theta.getEntry(d, c);
        }
        return softmaxModel(shape, k, b, w, bias, new ModelInfo("dlsec", "extracted by equation solving from "
                + target.info().describe() + " with " + n + " queries", "untrained", Architecture.SOFTMAX.cliName()));
    }

    /** A softmax-regression classifier with the given weights (K·d, row per class) and biases. */
    static DjlClassifier softmaxModel(Shape shape, int k, Bounds bounds, float[] w, float[] bias, ModelInfo info) {
        DjlClassifier fresh = Models.create(Architecture.SOFTMAX, shape, k, 0);
        for (Pair<String, Parameter> e : fresh.model().getBlock().getParameters()) {
            Parameter par = e.getValue();
            NDArray arr = par.getArray();
            if (par.getType() == Parameter.Type.WEIGHT) {
                Tensors.overwrite(arr, w);
            } else if (par.getType() == Parameter.Type.BIAS) {
                Tensors.overwrite(arr, bias);
            }
        }
        DjlClassifier c = new DjlClassifier(fresh.model(), shape, k, bounds, info, false);
        c.setTrainable(false);
        return c;
    }
}
