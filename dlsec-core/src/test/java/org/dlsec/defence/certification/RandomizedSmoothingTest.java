package org.dlsec.defence.certification;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.dlsec.TestModels;
import org.dlsec.TestSupport;
import org.dlsec.core.DlsecException;
import org.dlsec.data.Dataset;
import org.dlsec.model.DjlClassifier;
import org.dlsec.model.Engines;
import org.junit.jupiter.api.Test;

/** Randomised smoothing (Cohen et al. 2019): bounds, certificates, soundness under perturbation, determinism. */
class RandomizedSmoothingTest {
    static final Dataset EVAL = TestSupport.mnistTest(30);

    @Test
    void clopperPearsonLowerBoundMatchesClosedForms() {
        // all n successes: the bound solves p^n = α, i.e. p = α^(1/n)
        assertEquals(Math.pow(0.001, 1.0 / 1000), RandomizedSmoothing.lowerConfidenceBound(1000, 1000, 0.001), 1e-9);
        assertEquals(0, RandomizedSmoothing.lowerConfidenceBound(0, 100, 0.05));
        // one success in one trial at α = 0.05: 0.05
        assertEquals(0.05, RandomizedSmoothing.lowerConfidenceBound(1, 1, 0.05), 1e-9);
        // monotone in k
        double prev = -1;
        for (int k = 0; k <= 100; k += 10) {
            double b = RandomizedSmoothing.lowerConfidenceBound(k, 100, 0.001);
            assertTrue(b > prev || k == 0);
            assertTrue(b <= k / 100.0, "a lower bound lies below the estimate");
            prev = b;
        }
    }

    @Test
    void certificatesAreDeterministicBoundedAndSoundUnderSmallPerturbations() {
        DjlClassifier model = TestModels.mnistLenet();
        RandomizedSmoothing.Params params = new RandomizedSmoothing.Params(0.25, 50, 400, 0.001, 200, 3);
        RandomizedSmoothing rs = new RandomizedSmoothing(model, params);
        Certification.Result a = Certification.run(rs, EVAL, new double[] {0, 0.25, 0.5}, false);
        Certification.Result b = Certification.run(rs, EVAL, new double[] {0, 0.25, 0.5}, false);
        assertEquals(a.samples(), b.samples(), "same seed, same certificates");
        assertArrayEquals(a.certifiedAccuracy(), b.certifiedAccuracy());
        assertTrue(a.certifiedAccuracy()[0] >= 0.8, "a LeNet classifies most digits under σ=0.25 noise: "
                + Arrays.toString(a.certifiedAccuracy()));
        assertTrue(a.certifiedAccuracy()[0] >= a.certifiedAccuracy()[1] && a.certifiedAccuracy()[1] >= a.certifiedAccuracy()[2]);
        // with n samples the largest radius is σ·Φ⁻¹(α^(1/n))
        double maxRadius = 0.25 * new NormalDistribution().inverseCumulativeProbability(Math.pow(0.001, 1.0 / 400));
        for (Certification.Sample s : a.samples()) {
            assertTrue(s.radius() <= maxRadius + 1e-9, s + " above " + maxRadius);
            if (s.prediction() == RandomizedSmoothing.ABSTAIN) {
                assertEquals(0, s.radius());
                assertTrue(s.pALower() <= 0.5);
            } else {
                assertTrue(s.pALower() > 0.5 && s.radius() > 0);
            }
        }
        assertEquals(a.samples().stream().filter(s -> s.prediction() == RandomizedSmoothing.ABSTAIN).count(), a.abstentions());

        // soundness: an input moved by less than half its certified radius keeps the certified class
        SplittableRandom rnd = new SplittableRandom(11);
        int checked = 0;
        try (NDManager m = Engines.newManager()) {
            for (Certification.Sample s : a.samples()) {
                if (s.radius() < 0.2 || checked >= 5) {
                    continue;
                }
                float[] img = EVAL.image(s.index());
                float[] dir = new float[img.length];
                double norm = 0;
                for (int j = 0; j < dir.length; j++) {
                    dir[j] = (float) rnd.nextGaussian();
                    norm += dir[j] * dir[j];
                }
                double scale = s.radius() / 2 / Math.sqrt(norm);
                for (int j = 0; j < dir.length; j++) {
                    img[j] += (float) (scale * dir[j]);
                }
                NDArray moved = m.create(img, EVAL.sampleShape());
                RandomizedSmoothing.Certificate c = rs.certify(moved, 1000 + s.index());
                assertEquals(s.prediction(), c.prediction(), "certified class changed within the radius for " + s);
                checked++;
            }
        }
        assertTrue(checked >= 3, "enough certified samples to check: " + checked);
    }

    @Test
    void predictAnswersTheSmoothedTopClassOrAbstains() {
        DjlClassifier model = TestModels.mnistLenet();
        RandomizedSmoothing rs = new RandomizedSmoothing(model, new RandomizedSmoothing.Params(0.25, 10, 200, 0.001, 200, 0));
        try (NDManager m = Engines.newManager()) {
            // PREDICT answers the smoothed classifier's true top class (estimated here with 10x the samples) or abstains
            int answered = 0;
            for (int i = 0; i < 10; i++) {
                NDArray x = EVAL.images(m, i, i + 1);
                int p = rs.predict(x, i);
                int[] many = rs.counts(x, 2000, 99);
                int mode = 0;
                for (int k = 1; k < many.length; k++) {
                    mode = many[k] > many[mode] ? k : mode;
                }
                assertTrue(p == RandomizedSmoothing.ABSTAIN || p == mode, "sample " + i + ": " + p + " vs " + Arrays.toString(many));
                answered += p == RandomizedSmoothing.ABSTAIN ? 0 : 1;
            }
            assertTrue(answered >= 7, "most inputs get an answer: " + answered);
            // pure noise far from any digit: σ = 5 makes the base classifier's answers spread out
            RandomizedSmoothing wild = new RandomizedSmoothing(model, new RandomizedSmoothing.Params(5, 10, 50, 0.001, 50, 0));
            int[] counts = wild.counts(EVAL.images(m, 0, 1), 50, 1);
            assertEquals(50, Arrays.stream(counts).sum());
        }
    }

    @Test
    void badParametersNameTheParameter() {
        DlsecException e = assertThrows(DlsecException.class, () -> new RandomizedSmoothing.Params(-1, 10, 10, 0.001, 10, 0));
        assertTrue(e.getMessage().contains("sigma"));
        assertThrows(DlsecException.class, () -> new RandomizedSmoothing.Params(0.25, 10, 0, 0.001, 10, 0));
        assertThrows(DlsecException.class, () -> new RandomizedSmoothing.Params(0.25, 10, 10, 0.7, 10, 0));
        assertThrows(DlsecException.class, () -> new RandomizedSmoothing.Params(Double.NaN, 10, 10, 0.001, 10, 0));
    }
}
