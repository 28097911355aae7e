package org.dlsec.defence.detection;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.RealMatrix;

/**
 * Principal directions of a set of activation vectors, by the eigen-decomposition of their
 * covariance (commons-math3). The directions of the rows' top singular values are those of the
 * covariance's top eigenvalues, so the d×d decomposition replaces an n×d SVD.
 */
final class Pca {
    final double[] mean;
    /** Eigenvectors as rows, by decreasing eigenvalue. */
    final double[][] directions;
    /** Eigenvalues of the covariance (sum of squares / n), decreasing. */
    final double[] variances;

    private Pca(double[] mean, double[][] directions, double[] variances) {
        this.mean = mean;
        this.directions = directions;
        this.variances = variances;
    }

    /** The principal directions of {@code rows} (rows of {@code all} given by index). */
    static Pca of(float[][] all, int[] rows) {
        int d = all[rows[0]].length;
        int n = rows.length;
        double[] mean = new double[d];
        for (int r : rows) {
            for (int j = 0; j < d; j++) {
                mean[j] += all[r][j];
            }
        }
        for (int j = 0; j < d; j++) {
            mean[j] /= n;
        }
        double[][] cov = new double[d][d];
        double[] c = new double[d];
        for (int r : rows) {
            for (int j = 0; j < d; j++) {
                c[j] = all[r][j] - mean[j];
            }
            for (int a = 0; a < d; a++) {
                if (c[a] == 0) {
                    continue;
                }
                for (int b = a; b < d; b++) {
                    cov[a][b] += c[a] * c[b];
                }
            }
        }
        for (int a = 0; a < d; a++) {
            for (int b = a; b < d; b++) {
                cov[a][b] /= n;
                cov[b][a] = cov[a][b];
            }
        }
        RealMatrix m = new Array2DRowRealMatrix(cov, false);
        EigenDecomposition e = new EigenDecomposition(m);
        double[] values = e.getRealEigenvalues();
        Integer[] order = IntStream.range(0, d).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -values[i]).thenComparingInt(i -> i));
        double[][] dirs = new double[d][];
        double[] vars = new double[d];
        for (int k = 0; k < d; k++) {
            dirs[k] = e.getEigenvector(order[k]).toArray();
            vars[k] = Math.max(0, values[order[k]]);
            canonicalSign(dirs[k]);
        }
        return new Pca(mean, dirs, vars);
    }

    /** Flips v so that its largest-magnitude entry is positive (eigenvectors are defined up to sign). */
    private static void canonicalSign(double[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (Math.abs(v[i]) > Math.abs(v[best])) {
                best = i;
            }
        }
        if (v[best] < 0) {
            for (int i = 0; i < v.length; i++) {
                v[i] = -v[i];
            }
        }
    }

    /** The coordinate of centred row {@code x} along direction {@code k}. */
    double project(float[] x, int k) {
        double s = 0;
        double[] v = directions[k];
        for (int j = 0; j < v.length; j++) {
            s += (x[j] - mean[j]) * v[j];
        }
        return s;
    }

    /** Share of the total variance along the top direction (0 when there is no variance). */
    double topShare() {
        double total = 0;
        for (double v : variances) {
            total += v;
        }
        return total <= 0 ? 0 : variances[0] / total;
    }

    /** The sample indices of {@code labels} equal to each class. */
    static int[][] byClass(int[] labels, int numClasses) {
        int[][] out = new int[numClasses][];
        for (int c = 0; c < numClasses; c++) {
            final int k = c;
            out[c] = IntStream.range(0, labels.length).filter(i -> labels[i] == k).toArray();
        }
        return out;
    }
}
