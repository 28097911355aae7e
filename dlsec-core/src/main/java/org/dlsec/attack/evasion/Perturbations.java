package org.dlsec.attack.evasion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;
import org.dlsec.core.Seeds;
import org.dlsec.core.Tensors;
import org.dlsec.model.Bounds;

/**
 * NDArray helpers shared by evasion attacks: per-sample norms, projections onto ε-balls, clipping,
 * sanitising non-finite gradients, and per-sample seeded noise. Batches are (n, sample...) of any
 * sample rank; per-sample scalars are (n) and are broadcast as (n, 1, …, 1).
 */
public final class Perturbations {
    private static final float TINY = 1e-12f;

    private Perturbations() {}

    /**
     * (n) → (n, 1, …, 1) for broadcasting against a batch of rank {@code rank}.
     *
     * @param v per-sample values (n); not closed
     * @param rank the rank of the batch to broadcast against, at least 1
     * @return a reshaped view of {@code v} on its manager
     */
    public static NDArray perSample(NDArray v, int rank) {
        return v.reshape(perSampleShape(v.getShape().get(0), rank));
    }

    /**
     * The shape (n, 1, …, 1) of rank {@code rank}.
     *
     * @param n the batch size
     * @param rank the rank, at least 1
     * @return the shape
     */
    public static Shape perSampleShape(long n, int rank) {
        long[] s = new long[rank];
        java.util.Arrays.fill(s, 1);
        s[0] = n;
        return new Shape(s);
    }

    /**
     * Per-sample L2 norm (n) of a batch.
     *
     * @param d a batch of perturbations (n, sample...); not closed
     * @return a new array (n) on {@code d}'s manager
     */
    public static NDArray l2(NDArray d) {
        return d.reshape(d.getShape().get(0), -1).square().sum(new int[] {1}).sqrt();
    }

    /**
     * Per-sample L∞ norm (n) of a batch.
     *
     * @param d a batch of perturbations (n, sample...); not closed
     * @return a new array (n) on {@code d}'s manager
     */
    public static NDArray linf(NDArray d) {
        return d.reshape(d.getShape().get(0), -1).abs().max(new int[] {1});
    }

    /**
     * Per-sample count (n) of values whose magnitude exceeds 1e-6.
     *
     * @param d a batch of perturbations (n, sample...); not closed
     * @return a new float32 array (n) of counts on {@code d}'s manager
     */
    public static NDArray l0(NDArray d) {
        return d.reshape(d.getShape().get(0), -1).abs().gt(1e-6f).toType(ai.djl.ndarray.types.DataType.FLOAT32, false)
                .sum(new int[] {1});
    }

    /**
     * Replaces NaN and ±∞ by 0 (a gradient that cannot be trusted gives no direction).
     *
     * @param g a gradient; not closed
     * @return a new array of {@code g}'s shape on its manager
     */
    public static NDArray finiteOrZero(NDArray g) {
        NDArray bad = g.isNaN().logicalOr(g.isInfinite());
        return NDArrays.where(bad, g.zerosLike(), g);
    }

    /**
     * Per-sample boolean (n): does the sample contain a non-finite value?
     *
     * @param x a batch (n, sample...); not closed
     * @return one flag per sample, on the Java heap
     */
    public static boolean[] nonFiniteRows(NDArray x) {
        NDArray flat = x.reshape(x.getShape().get(0), -1);
        boolean[] out = new boolean[(int) x.getShape().get(0)];
        NDArray bad = flat.isNaN().logicalOr(flat.isInfinite()).toType(ai.djl.ndarray.types.DataType.FLOAT32, false)
                .sum(new int[] {1});
        float[] counts = bad.toFloatArray();
        for (int i = 0; i < out.length; i++) {
            out[i] = counts[i] > 0;
        }
        return out;
    }

    /**
     * Steepest-ascent direction of a gradient in a norm: sign for L∞, unit-L2 for L2.
     *
     * @param g a gradient batch (n, sample...); not closed
     * @param norm linf or l2
     * @return a new array of {@code g}'s shape on its manager
     * @throws IllegalArgumentException for {@link Norm#L0}
     */
    public static NDArray direction(NDArray g, Norm norm) {
        return switch (norm) {
            case LINF -> g.sign();
            case L2 -> g.div(perSample(l2(g).maximum(TINY), g.getShape().dimension()));
            case L0 -> throw new IllegalArgumentException("no steepest direction for L0");
        };
    }

    /**
     * Projects {@code adv} onto the ε-ball around {@code x} in the norm, then clips to the bounds.
     *
     * @param adv the candidate batch (n, sample...); not closed
     * @param x the clean batch, same shape; not closed
     * @param eps the radius ε, at least 0, in the data's units
     * @param norm linf or l2
     * @param bounds the inputs' valid range
     * @return a new array on {@code adv}'s manager
     * @throws IllegalArgumentException for {@link Norm#L0}
     */
    public static NDArray project(NDArray adv, NDArray x, double eps, Norm norm, Bounds bounds) {
        NDArray delta = adv.sub(x);
        NDArray projected = switch (norm) {
            case LINF -> delta.clip(-eps, eps);
            case L2 -> {
                NDArray n = l2(delta);
                NDArray factor = n.maximum(TINY).pow(-1).mul((float) eps).minimum(1f);
                yield delta.mul(perSample(factor, delta.getShape().dimension()));
            }
            case L0 -> throw new IllegalArgumentException("no projection onto an L0 ball");
        };
        return bounds.clip(x.add(projected));
    }

    /**
     * A random point in the ε-ball of each sample: uniform in the L∞ box, or uniform in the L2 ball
     * (Gaussian direction, radius ε·u^(1/d)), drawn from {@code (seed, sampleId, stream)}.
     *
     * @param m the manager that owns the new array
     * @param batchShape the batch's shape (n, sample...)
     * @param eps the radius ε, at least 0
     * @param norm linf or l2 (anything but linf draws from the L2 ball)
     * @param seed the run's seed
     * @param sampleIds the samples' ids (n)
     * @param stream a constant that separates this use of randomness from others of the same attack
     * @return a new array of {@code batchShape} on {@code m}
     */
    public static NDArray randomInBall(NDManager m, Shape batchShape, double eps, Norm norm, long seed,
            long[] sampleIds, int stream) {
        int n = (int) batchShape.get(0);
        int d = (int) (batchShape.size() / n);
        float[] buf = new float[n * d];
        for (int i = 0; i < n; i++) {
            SplittableRandom r = Seeds.forSample(Seeds.mix(seed, stream), sampleIds[i]);
            if (norm == Norm.LINF) {
                for (int j = 0; j < d; j++) {
                    buf[i * d + j] = (float) ((2 * r.nextDouble() - 1) * eps);
                }
            } else {
                double sq = 0;
                for (int j = 0; j < d; j++) {
                    double g = gaussian(r);
                    buf[i * d + j] = (float) g;
                    sq += g * g;
                }
                double radius = eps * Math.pow(r.nextDouble(), 1.0 / d) / Math.max(Math.sqrt(sq), 1e-12);
                for (int j = 0; j < d; j++) {
                    buf[i * d + j] *= (float) radius;
                }
            }
        }
        return Tensors.floats(m, buf, batchShape);
    }

    /**
     * A standard normal draw (Box–Muller) from a splittable generator.
     *
     * @param r the generator; advanced by two draws
     * @return a draw from N(0, 1)
     */
    public static double gaussian(SplittableRandom r) {
        double u1 = r.nextDouble();
        double u2 = r.nextDouble();
        return Math.sqrt(-2 * Math.log(Math.max(u1, 1e-300))) * Math.cos(2 * Math.PI * u2);
    }
}
