package org.dlsec.attack.inference;

/**
 * A small L2-regularised logistic regression fitted by Newton's method (iteratively reweighted least
 * squares) on standardised features: the attack model of {@link ShadowAttack}.
 */
final class LogisticRegression {
    private final double[] mean;
    private final double[] scale;
    private final double[] w; // bias last

    private LogisticRegression(double[] mean, double[] scale, double[] w) {
        this.mean = mean;
        this.scale = scale;
        this.w = w;
    }

    static LogisticRegression fit(double[][] x, boolean[] y, double l2, int iterations) {
        int n = x.length;
        int d = x[0].length;
        double[] mean = new double[d];
        double[] scale = new double[d];
        for (double[] row : x) {
            for (int j = 0; j < d; j++) {
                mean[j] += row[j] / n;
            }
        }
        for (double[] row : x) {
            for (int j = 0; j < d; j++) {
                scale[j] += (row[j] - mean[j]) * (row[j] - mean[j]) / n;
            }
        }
        for (int j = 0; j < d; j++) {
            scale[j] = Math.sqrt(scale[j]) + 1e-9;
        }
        double[][] z = new double[n][d + 1];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                z[i][j] = (x[i][j] - mean[j]) / scale[j];
            }
            z[i][d] = 1;
        }
        double[] w = new double[d + 1];
        for (int it = 0; it < iterations; it++) {
            double[] grad = new double[d + 1];
            double[][] hess = new double[d + 1][d + 1];
            for (int i = 0; i < n; i++) {
                double p = sigmoid(dot(w, z[i]));
                double r = p - (y[i] ? 1 : 0);
                double s = p * (1 - p);
                for (int a = 0; a <= d; a++) {
                    grad[a] += r * z[i][a];
                    for (int b = 0; b <= a; b++) {
                        hess[a][b] += s * z[i][a] * z[i][b];
                    }
                }
            }
            for (int a = 0; a <= d; a++) {
                if (a < d) {
                    grad[a] += l2 * w[a];
                    hess[a][a] += l2;
                }
                hess[a][a] += 1e-9;
                for (int b = 0; b < a; b++) {
                    hess[b][a] = hess[a][b];
                }
            }
            double[] step = new org.apache.commons.math3.linear.CholeskyDecomposition(
                    new org.apache.commons.math3.linear.Array2DRowRealMatrix(hess), 1e-12, 1e-14).getSolver()
                    .solve(new org.apache.commons.math3.linear.ArrayRealVector(grad)).toArray();
            double change = 0;
            for (int a = 0; a <= d; a++) {
                w[a] -= step[a];
                change = Math.max(change, Math.abs(step[a]));
            }
            if (change < 1e-8) {
                break;
            }
        }
        return new LogisticRegression(mean, scale, w);
    }

    /** The log-odds of the positive class. */
    double logit(double[] x) {
        double s = w[w.length - 1];
        for (int j = 0; j < x.length; j++) {
            s += w[j] * (x[j] - mean[j]) / scale[j];
        }
        return s;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static double sigmoid(double t) {
        return t >= 0 ? 1 / (1 + Math.exp(-t)) : Math.exp(t) / (1 + Math.exp(t));
    }
}
