package org.dlsec.attack.evasion;

import ai.djl.ndarray.NDArray;
import java.util.Map;
import java.util.SplittableRandom;
import org.dlsec.core.Tensors;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Seeds;
import org.dlsec.model.Bounds;
import org.dlsec.model.Classifier;

/**
 * <b>One-pixel attack</b> — Su, Vargas, Sakurai, "One Pixel Attack for Fooling Deep Neural Networks",
 * IEEE Transactions on Evolutionary Computation 23(5), 2019. Score-based: changes at most
 * {@code pixels} pixels, found by differential evolution.
 * <ul>
 *   <li>A candidate is {@code pixels} tuples (row, column, one value per channel); positions are
 *       rounded to the nearest pixel when the candidate is applied. The initial population draws
 *       positions uniformly over the image and values uniformly over the input bounds.</li>
 *   <li>DE/rand/1 without crossover, as in the paper: child i is
 *       {@code x_{r1} + F·(x_{r2} − x_{r3})} with r1, r2, r3 distinct and different from i (F = 0.5 in
 *       the paper), clipped to the image and the bounds; it replaces its parent if its fitness is
 *       not worse.</li>
 *   <li>Fitness (minimised): the probability of the true class (untargeted) or one minus the
 *       probability of the target (targeted), the softmax of the model's scores.</li>
 *   <li>Early stop: a sample stops as soon as one candidate reaches the goal; that candidate is the
 *       result (the first in population order). Otherwise the fittest candidate after the last
 *       generation is returned (it may not be adversarial).</li>
 * </ul>
 * The paper uses a population of 400 and 100 generations; the defaults here are 100 and 100. The whole
 * population of every sample still under way is queried in one prediction per generation (split
 * into chunks of at most {@value #MAX_ROWS} rows, never inside one sample's population). A sample
 * costs {@code population·(1 + generations run)} queries plus the template's clean and final
 * predictions; a generation is only run if it fits in {@code maxQueries}.
 */
public final class OnePixel extends AbstractParameterisedAttack<OnePixel.Params> {
    /**
     * Validated parameters.
     *
     * @param pixels the number of pixels changed (≥ 1)
     * @param population the DE population size (≥ 4, DE/rand/1 needs three others)
     * @param iterations the number of DE generations after the initial population (≥ 0)
     * @param maxQueries per-sample query budget including the clean and final predictions (≥ population + 2)
     * @param f the differential weight F, in (0, 2]
     * @param targeted targeted mode (y holds targets)
     * @param seed seed of all random choices (per sample)
     */
    public record Params(int pixels, int population, int iterations, int maxQueries, double f, boolean targeted,
            long seed) {
        /**
         * Checks every parameter.
         *
         * @param pixels the number of pixels changed (≥ 1)
         * @param population the DE population size (≥ 4, DE/rand/1 needs three others)
         * @param iterations the number of DE generations after the initial population (≥ 0)
         * @param maxQueries per-sample query budget including the clean and final predictions (≥ population + 2)
         * @param f the differential weight F, in (0, 2]
         * @param targeted targeted mode (y holds targets)
         * @param seed seed of all random choices (per sample)
         * @throws org.dlsec.core.DlsecException when a parameter is outside the range given above; the message names it
         */
        public Params {
            DlsecException.require(pixels >= 1, "pixels", "must be >= 1, got " + pixels);
            DlsecException.require(population >= 4 && population <= 100_000, "population",
                    "must be in 4..100000 (DE/rand/1 needs three other members), got " + population);
            DlsecException.require(iterations >= 0, "iterations", "must be >= 0, got " + iterations);
            DlsecException.require(maxQueries >= population + 2L, "max queries",
                    "must be >= population + 2 (the initial population, the clean and final predictions), got "
                            + maxQueries);
            DlsecException.require(Double.isFinite(f) && f > 0 && f <= 2, "f", "must be in (0, 2], got " + f);
        }
    }

    private static final long STREAM = 0x1B1C5L;
    /** Largest number of rows sent in one prediction (memory bound). */
    static final int MAX_ROWS = 16_384;
    /**
     * The attack with {@code params}; immutable, so one instance may be shared between threads and runs.
     *
     * @param params the validated parameters
     */
    public OnePixel(Params params) {
        super("onepixel", Knowledge.SCORE_BASED, params);
    }

    /** The {@code --param} names {@link #fromSpec} reads. */
    public static final java.util.List<String> PARAMS = java.util.List.of("pixels", "population", "iterations", "f");

    /**
     * The registry's defaults: 1 pixel, population 100, 100 generations, F = 0.5; extras
     * {@code pixels}, {@code population}, {@code iterations} (or the spec's steps), {@code f}; the
     * query budget defaults to what population and generations need.
     *
     * @param s the attack's options as the command line and the audit configuration give them
     * @return the attack
     * @throws org.dlsec.core.DlsecException when an option is unknown or out of range; the message names it
     */
    public static OnePixel fromSpec(AttackSpec s) {
        int population = s.extraInt("population", 100);
        int iterations = s.extraInt("iterations", s.stepsOr(100));
        long needed = (long) population * (iterations + 1L) + 2;
        int dflt = (int) Math.max(0, Math.min(Integer.MAX_VALUE, needed));
        return new OnePixel(new Params(s.extraInt("pixels", 1), population, iterations, s.maxQueriesOr(dflt),
                s.extraDouble("f", 0.5), s.targeted(), s.seed()));
    }


    /**
     * The one-pixel attack (Su et al. 2019) in one line with the registry's defaults (1 pixel, population 100, 100
     * generations, the queries those take, F = 0.5, untargeted, seed 0), e.g. {@code OnePixel.pixels(3).build()}.
     *
     * @param k the number of pixels changed, at least 1 (checked at {@code build()})
     * @return a builder with the defaults above
     */
    public static Builder pixels(int k) {
        return new Builder(k);
    }

    /** Fluent, validated configuration of {@link OnePixel}; {@link #build()} names a bad parameter. */
    public static final class Builder extends AttackBuilder<Builder, OnePixel> {
        private final int pixels;
        private int population = 100;
        private int iterations = 100;
        private Integer maxQueries;
        private double f = 0.5;

        private Builder(int pixels) {
            this.pixels = pixels;
        }

        @Override
        protected Builder self() {
            return this;
        }

        /**
         * Candidates per generation (default 100).
         *
         * @param n the population size, at least 4
         * @return this builder
         */
        public Builder population(int n) {
            this.population = n;
            return this;
        }

        /**
         * Generations of differential evolution (default 100).
         *
         * @param n the number of generations, at least 0
         * @return this builder
         */
        public Builder iterations(int n) {
            this.iterations = n;
            return this;
        }

        /**
         * Queries per sample (default: what the generations take, population × (iterations + 1) + 2).
         *
         * @param q the query budget per sample, at least population + 2
         * @return this builder
         */
        public Builder maxQueries(int q) {
            this.maxQueries = q;
            return this;
        }

        /**
         * Differential evolution's scale F (default 0.5).
         *
         * @param scale F, in (0, 2]
         * @return this builder
         */
        public Builder f(double scale) {
            this.f = scale;
            return this;
        }



        @Override
        public OnePixel build() {
            long needed = (long) population * (iterations + 1L) + 2;
            int q = maxQueries != null ? maxQueries : (int) Math.max(0, Math.min(Integer.MAX_VALUE, needed));
            return new OnePixel(new Params(pixels, population, iterations, q, f, targeted, seed));
        }
    }

    @Override
    public boolean targeted() {
        return p.targeted();
    }

    @Override
    public Map<String, Object> parameters() {
        return ParameterMap.of(p).before("targeted", "strategy", "DE/rand/1, no crossover").map();
    }

    @Override
    protected Crafted craft(Classifier model, NDArray x, NDArray y, long[] cleanPred, long[] ids) {
        int n = (int) x.getShape().get(0);
        QueryOracle oracle = new QueryOracle(model, x.getManager());
        int d = oracle.dim();
        int k = oracle.numClasses();
        org.dlsec.model.SampleLayout layout = org.dlsec.model.SampleLayout.of(model.inputShape());
        int c = layout.channels();
        int h = layout.height();
        int w = layout.width();
        Bounds b = model.bounds();
        float[] orig = x.toFloatArray();
        long[] yv = y.toLongArray();
        float[] result = orig.clone();
        long[] queries = new long[n];
        long budget = QueryOracle.algorithmBudget(p.maxQueries());
        int np = p.population();
        int genes = p.pixels() * (2 + c);
        double[][] pop = new double[n][];
        double[][] fit = new double[n][];
        SplittableRandom[] rng = new SplittableRandom[n];
        boolean[] active = new boolean[n];
        for (int i = 0; i < n; i++) {
            rng[i] = Seeds.forSample(Seeds.mix(p.seed(), STREAM), ids[i]);
            active[i] = !QueryOracle.fooled((int) cleanPred[i], (int) yv[i], p.targeted());
            if (active[i]) {
                pop[i] = new double[np * genes];
                fit[i] = new double[np];
                for (int m = 0; m < np; m++) {
                    for (int q = 0; q < p.pixels(); q++) {
                        int g = m * genes + q * (2 + c);
                        pop[i][g] = rng[i].nextInt(h);
                        pop[i][g + 1] = rng[i].nextInt(w);
                        for (int ch = 0; ch < c; ch++) {
                            pop[i][g + 2 + ch] = b.min() + rng[i].nextDouble() * b.range();
                        }
                    }
                }
            }
        }
        // generation 0 evaluates the initial population; later ones the children
        for (int gen = 0; gen <= p.iterations(); gen++) {
            int[] rows = DecisionInit.select(active, new boolean[n], queries, budget - np + 1, false);
            if (rows.length == 0) {
                break;
            }
            double[][] children = new double[n][];
            for (int i : rows) {
                children[i] = gen == 0 ? pop[i] : mutate(pop[i], np, genes, c, h, w, b, rng[i]);
            }
            int from = 0;
            while (from < rows.length) {
                int to = from + 1;
                while (to < rows.length && (to - from + 1) * (long) np <= MAX_ROWS) {
                    to++;
                }
                float[] cand = new float[(to - from) * np * d];
                for (int q = from; q < to; q++) {
                    int i = rows[q];
                    for (int m = 0; m < np; m++) {
                        apply(orig, i, d, children[i], m, genes, c, h, w, cand, (q - from) * np + m, b);
                    }
                }
                float[] s = oracle.scores(cand, (to - from) * np);
                for (int q = from; q < to; q++) {
                    int i = rows[q];
                    int yi = (int) yv[i];
                    queries[i] += np;
                    int base = (q - from) * np;
                    for (int m = 0; m < np; m++) {
                        int row = base + m;
                        if (QueryOracle.fooled(QueryOracle.argmax(s, row, k), yi, p.targeted())) {
                            System.arraycopy(cand, row * d, result, i * d, d);
                            active[i] = false;
                            break;
                        }
                        double prob = Math.exp(QueryOracle.logSoftmax(s, row, k, yi));
                        double fc = p.targeted() ? 1 - prob : prob;
                        if (gen == 0 || fc <= fit[i][m]) {
                            fit[i][m] = fc;
                            if (gen > 0) {
                                System.arraycopy(children[i], m * genes, pop[i], m * genes, genes);
                            }
                        }
                    }
                }
                from = to;
            }
        }
        // samples never fooled: the fittest candidate
        for (int i = 0; i < n; i++) {
            if (active[i] && pop[i] != null && queries[i] > 0) {
                int best = 0;
                for (int m = 1; m < np; m++) {
                    if (fit[i][m] < fit[i][best]) {
                        best = m;
                    }
                }
                float[] one = new float[d];
                apply(orig, i, d, pop[i], best, genes, c, h, w, one, 0, b);
                System.arraycopy(one, 0, result, i * d, d);
            }
        }
        return new Crafted(Tensors.floats(x.getManager(), result, x.getShape()), queries, new long[n]);
    }

    /** DE/rand/1 children of a population, clipped to the image and the bounds. */
    private double[] mutate(double[] pop, int np, int genes, int c, int h, int w, Bounds b, SplittableRandom rng) {
        double[] out = new double[pop.length];
        for (int m = 0; m < np; m++) {
            int r1;
            int r2;
            int r3;
            do {
                r1 = rng.nextInt(np);
            } while (r1 == m);
            do {
                r2 = rng.nextInt(np);
            } while (r2 == m || r2 == r1);
            do {
                r3 = rng.nextInt(np);
            } while (r3 == m || r3 == r1 || r3 == r2);
            for (int g = 0; g < genes; g++) {
                double v = pop[r1 * genes + g] + p.f() * (pop[r2 * genes + g] - pop[r3 * genes + g]);
                int slot = g % (2 + c);
                double lo = slot < 2 ? 0 : b.min();
                double hi = slot == 0 ? h - 1 : slot == 1 ? w - 1 : b.max();
                out[m * genes + g] = Math.min(hi, Math.max(lo, v));
            }
        }
        return out;
    }

    /** Writes sample i's original with member m's pixels set into row {@code row} of out. */
    private void apply(float[] orig, int i, int d, double[] pop, int m, int genes, int c, int h, int w, float[] out,
            int row, Bounds b) {
        System.arraycopy(orig, i * d, out, row * d, d);
        for (int q = 0; q < p.pixels(); q++) {
            int g = m * genes + q * (2 + c);
            int r = (int) Math.round(pop[g]);
            int col = (int) Math.round(pop[g + 1]);
            for (int ch = 0; ch < c; ch++) {
                int j = (ch * h + r) * w + col;
                out[row * d + j] = b.clamp(j, pop[g + 2 + ch]);
            }
        }
    }
}
