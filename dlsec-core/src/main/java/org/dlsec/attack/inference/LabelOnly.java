package org.dlsec.attack.inference;

import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.dlsec.core.DlsecException;
import org.dlsec.core.Seeds;
import org.dlsec.data.Dataset;
import org.dlsec.model.Classifier;
import org.dlsec.model.Engines;

/**
 * The label-only data-augmentation attack of Choquette-Choo, Tramèr, Carlini and Papernot
 * ("Label-Only Membership Inference Attacks", ICML 2021): a model is more robust on its training
 * samples, so the attacker queries only the predicted label of each sample under every translation
 * by at most {@code radius} pixels (|dx| + |dy| ≤ radius, edges filled with 0) and of {@code noiseSamples}
 * copies with Gaussian noise of standard deviation {@code sigma} (the paper's noise-robustness
 * variant), and scores the sample by the fraction of those labels that are correct.
 */
public final class LabelOnly implements MembershipAttack {
    private final int radius;
    private final int noiseSamples;
    private final double sigma;
    private final long seed;

    /**
     * The label-only attack.
     *
     * @param radius the largest translation, 0 to 8 pixels (|dx| + |dy|)
     * @param noiseSamples noisy copies per sample, 0 to 1000
     * @param sigma the noise's standard deviation, at least 0, in the data's units
     * @param seed the noise's seed
     * @throws org.dlsec.core.DlsecException when a value is out of range or nothing would be queried
     */
    public LabelOnly(int radius, int noiseSamples, double sigma, long seed) {
        DlsecException.require(radius >= 0 && radius <= 8, "radius", "must be in 0..8, got " + radius);
        DlsecException.require(noiseSamples >= 0 && noiseSamples <= 1000, "noiseSamples", "must be in 0..1000, got "
                + noiseSamples);
        DlsecException.require(sigma >= 0 && Double.isFinite(sigma), "sigma", "must be non-negative, got " + sigma);
        DlsecException.require(radius > 0 || noiseSamples > 0, "radius", "radius 0 and no noise samples: nothing to query");
        this.radius = radius;
        this.noiseSamples = noiseSamples;
        this.sigma = sigma;
        this.seed = seed;
    }

    @Override
    public String name() {
        return "labelonly";
    }

    @Override
    public Map<String, Object> parameters() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("radius", radius);
        p.put("noiseSamples", noiseSamples);
        p.put("sigma", sigma);
        p.put("seed", seed);
        return p;
    }

    @Override
    public MembershipResult infer(Classifier target, MembershipSplit split) {
        long start = System.nanoTime();
        long q0 = target.stats().queries();
        Dataset audit = split.audit();
        int n = audit.size();
        org.dlsec.model.SampleLayout layout = org.dlsec.model.SampleLayout.of(audit.sampleShape());
        int c = layout.channels();
        int h = layout.height();
        int w = layout.width();
        org.dlsec.model.Bounds b = target.bounds();
        // translations are an image augmentation: a feature vector is only perturbed by noise
        int shifts = layout.isVector() ? 0 : radius;
        int d = audit.sampleSize();
        double[] correct = new double[n];
        int variants = 0;
        for (int dy = -shifts; dy <= shifts; dy++) {
            for (int dx = -shifts; dx <= shifts; dx++) {
                if (Math.abs(dx) + Math.abs(dy) > shifts) {
                    continue;
                }
                float[] px = new float[n * d];
                for (int i = 0; i < n; i++) {
                    shift(audit.image(i), px, i * d, c, h, w, dx, dy);
                }
                count(target, audit, px, correct);
                variants++;
            }
        }
        for (int s = 0; s < noiseSamples; s++) {
            float[] px = new float[n * d];
            for (int i = 0; i < n; i++) {
                SplittableRandom r = Seeds.forSample(seed, i * 1_000L + s);
                float[] img = audit.image(i);
                for (int j = 0; j < d; j++) {
                    px[i * d + j] = b.clamp(j, img[j] + sigma * b.range(j) * gaussian(r));
                }
            }
            count(target, audit, px, correct);
            variants++;
        }
        for (int i = 0; i < n; i++) {
            correct[i] /= variants;
        }
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("queriesPerSample", variants);
        return MembershipResult.of(this, correct, split, target.stats().queries() - q0, start, extra);
    }

    private static void count(Classifier target, Dataset audit, float[] px, double[] correct) {
        Dataset v = audit.withPixels(px, audit.labels(), "augmented");
        try (NDManager root = Engines.newManager()) {
            for (int from = 0; from < v.size(); from += Outputs.BATCH) {
                int to = Math.min(v.size(), from + Outputs.BATCH);
                try (NDManager m = root.newSubManager()) {
                    long[] p = target.predictLabels(v.images(m, from, to)).toLongArray();
                    for (int i = 0; i < p.length; i++) {
                        if (p[i] == audit.label(from + i)) {
                            correct[from + i]++;
                        }
                    }
                }
            }
        }
    }

    /** Writes img translated by (dx, dy) into out at offset, zero-filled. */
    static void shift(float[] img, float[] out, int offset, int c, int h, int w, int dx, int dy) {
        for (int ch = 0; ch < c; ch++) {
            for (int y = 0; y < h; y++) {
                int sy = y - dy;
                for (int x = 0; x < w; x++) {
                    int sx = x - dx;
                    out[offset + (ch * h + y) * w + x] = sy >= 0 && sy < h && sx >= 0 && sx < w ? img[(ch * h + sy) * w + sx] : 0f;
                }
            }
        }
    }

    private static double gaussian(SplittableRandom r) {
        double u = r.nextDouble();
        double v = r.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
    }
}
