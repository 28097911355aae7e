package org.dlsec.attack.sidechannel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.dlsec.TestModels;
import org.dlsec.TestSupport;
import org.dlsec.core.DlsecException;
import org.dlsec.data.Dataset;
import org.dlsec.metric.Evaluation;
import org.dlsec.model.DjlClassifier;
import org.junit.jupiter.api.Test;

class PowerAnalysisTest {
    private static SideChannelVictim victim() {
        DjlClassifier m = TestModels.mnistLenet();
        return new SideChannelVictim(m, "test", TestSupport.mnistTrain(512), TestSupport.mnistTest(500), null);
    }

    private static PowerAnalysis.Result firstLayer(Countermeasure c, int traces) {
        return new PowerAnalysis(new PowerAnalysis.Config(traces, 1.0, LeakageModel.HAMMING_WEIGHT, c, 1, false, 0, 0))
                .run(victim(), false);
    }

    @Test
    void theInt8ImplementationKeepsTheFloatModelsAccuracy() {
        DjlClassifier m = TestModels.mnistLenet();
        Dataset test = TestSupport.mnistTest(500);
        Int8Network net = Int8Network.quantize(m, TestSupport.mnistTrain(256));
        assertEquals(5, net.layerCount());
        int[] p = net.predict(test, test.size());
        int[] f = Evaluation.evaluate(m, test, 500, false).predictions();
        int agree = 0;
        for (int i = 0; i < p.length; i++) {
            agree += p[i] == f[i] ? 1 : 0;
        }
        assertTrue(agree >= 0.98 * p.length, "int8 agrees with float on " + agree + "/" + p.length);
    }

    @Test
    void cpaRecoversTheFirstLayerAtSigmaOneWithin5000Traces() {
        PowerAnalysis.Result r = firstLayer(Countermeasure.NONE, 5000);
        PowerAnalysis.LayerRecovery l = r.layers().get(0);
        assertEquals(150, l.weights());
        assertTrue(l.recovered() >= 0.99, "recovered " + l.recovered());
        assertEquals(6, l.biasesExact());
        assertEquals(Boolean.TRUE, l.shiftExact());
        assertTrue(r.succeeded());
        // the curve rises to the final rate; few traces disclose less
        assertTrue(l.curve().get(0).recovered() < l.recovered());
        assertEquals(5000, l.curve().get(l.curve().size() - 1).traces());
        assertTrue(l.disclosureMedian() > 0 && l.disclosureMedian() <= l.disclosureMax());
    }

    @Test
    void shufflingAndMaskingBringRecoveryDownToChance() {
        for (Countermeasure c : new Countermeasure[] {Countermeasure.SHUFFLE, Countermeasure.MASK}) {
            PowerAnalysis.Result r = firstLayer(c, 5000);
            double rate = r.firstLayerRecovered();
            // chance is 1/256 per weight; 150 weights: allow a few lucky ones (binomial tail)
            assertTrue(rate <= 0.04, c + ": recovered " + rate);
            assertTrue(!r.succeeded());
        }
    }

    @Test
    void ghostPeaksOfDoubledWeightsAreResolvedByTheAccumulator() {
        // one unit whose first weight is 3 and second 12: the product samples alone cannot tell 3 from 6, 12, 24, 48, 96
        ghosts(new int[] {3, 12, -40, 0, 64, 1, -1, 127, -128 + 1}, true);
    }

    @Test
    void leadingZeroWeightsPassTheGhostsOnAndTheyAreResolvedThere() {
        // the accumulator stays zero over the leading zeros, so the first non-zero weight (88 = 8 × 11) has the first
        // weight's ghosts (the test LeNet-5's conv2 has such a unit)
        ghosts(new int[] {0, 0, 88, 46, 59, -63, 0, 1, 12, -5}, false);
    }

    private static void ghosts(int[] w, boolean checkScores) {
        int n = 2000;
        int k = w.length;
        SplittableRandom rnd = new SplittableRandom(5);
        int[][] x = new int[k][n];
        float[][] trace = new float[2 * k + 1][n];
        for (int t = 0; t < n; t++) {
            int acc = 0;
            for (int i = 0; i < k; i++) {
                x[i][t] = rnd.nextInt(256);
                int p = x[i][t] * w[i];
                acc += p;
                trace[2 * i][t] = (float) (Integer.bitCount(p) + rnd.nextGaussian());
                trace[2 * i + 1][t] = (float) (Integer.bitCount(acc) + rnd.nextGaussian());
            }
            trace[2 * k][t] = (float) (Integer.bitCount(acc + 1000) + rnd.nextGaussian());
        }
        if (checkScores) {
            // the product sample alone scores 3 and 6 the same
            double[] s = Cpa.scores(x[0], new int[n], new int[n], trace[0], trace[0], n, LeakageModel.HAMMING_WEIGHT);
            assertEquals(s[3 + 128], s[6 + 128], 1e-9);
        }
        Cpa.Unit u = Cpa.unit(x, trace, n, LeakageModel.HAMMING_WEIGHT);
        assertEquals(java.util.Arrays.toString(w), java.util.Arrays.toString(u.weights()));
        assertEquals(1000, u.bias());
    }

    @Test
    void inputsNeverSwitchedOnPassTheGhostsToTheFirstLiveWeight() {
        // a linear layer behind ReLUs: its first features can be zero in every trace (nothing of their weights leaks);
        // the accumulator is still zero at the first live weight, whose doubled and halved values are ghosts (54, 27)
        int n = 2000;
        int[] w = {77, -5, 54, 30, -41, 12, 0, 66, -9, 23};
        int k = w.length;
        SplittableRandom rnd = new SplittableRandom(9);
        int[][] x = new int[k][n];
        float[][] trace = new float[2 * k + 1][n];
        for (int t = 0; t < n; t++) {
            int acc = 0;
            for (int i = 0; i < k; i++) {
                x[i][t] = i < 2 ? 0 : rnd.nextInt(256);
                int p = x[i][t] * w[i];
                acc += p;
                trace[2 * i][t] = (float) (Integer.bitCount(p) + rnd.nextGaussian());
                trace[2 * i + 1][t] = (float) (Integer.bitCount(acc) + rnd.nextGaussian());
            }
            trace[2 * k][t] = (float) (Integer.bitCount(acc - 500) + rnd.nextGaussian());
        }
        Cpa.Unit u = Cpa.unit(x, trace, n, LeakageModel.HAMMING_WEIGHT);
        int[] expected = w.clone();
        expected[0] = 0;
        expected[1] = 0;
        assertEquals(java.util.Arrays.toString(expected), java.util.Arrays.toString(u.weights()));
        assertEquals(-500, u.bias());
        assertTrue(u.unobservable()[0] && u.unobservable()[1] && !u.unobservable()[2]);
    }

    @Test
    void aBiasIsRecoveredWhenTheSumsCrossZero() {
        // sums spread across zero as on the test LeNet-5's conv2 (one training: -35,000..37,000, 43% negative, where the
        // bias 272 = 0x110 came out as 144 = 0x90): the sign extension makes half of the biased sum's Hamming weight, and
        // the low byte's masked correlation can prefer a wrong byte (by correlation alone 144, 17, 0, 5 and -71 came out
        // as 32, 113, 128, -59 and 57 here); the squared error of the whole sum's prediction tells them apart
        int n = 1000;
        SplittableRandom rnd = new SplittableRandom(23);
        int[] biases = {272, -246, 144, 1000, -3000, 17, 0, -1, 356, 407, -299, 270, 128, 94, 5, -71, 223, 196};
        for (int bias : biases) {
            int[] acc = new int[n];
            float[] l = new float[n];
            for (int t = 0; t < n; t++) {
                acc[t] = (int) Math.round(1000 + 10_000 * rnd.nextGaussian());
                l[t] = (float) (Integer.bitCount(acc[t] + bias) + rnd.nextGaussian());
            }
            assertEquals(bias, Cpa.bias(acc, l, n, LeakageModel.HAMMING_WEIGHT), "bias " + bias);
        }
    }

    @Test
    void everyLayerInTurnGivesAFaithfulCopy() {
        // the last acceptance point on the test LeNet-5 (not the demo's), 1,000 traces per layer instead of the
        // bench's 5,000, the copy compared with the int8 device on 500 test images. The whole suite used to train another
        // LeNet-5 from the same recipe (MKL at two threads after GradientConsistencyTest's at::set_num_threads; see
        // TrainingDeterminismTest), on which two conv2 biases were missed and the fidelity was 0.10; the same seed now
        // gives the same model in both. With the biases chosen by squared error, dead first inputs skipped in the ghost
        // resolution and the deeper campaigns' rare features topped up, LeNet-5s trained with seeds 1234 (this one), 2
        // and 3 give 1.000, 0.994 and 0.998; seed 1's is 0.974 (fc1/fc2 weights on rarely switched-on features).
        PowerAnalysis.Result r = new PowerAnalysis(new PowerAnalysis.Config(1000, 1.0, LeakageModel.HAMMING_WEIGHT,
                Countermeasure.NONE, 0, false, 500, 0)).run(victim(), false);
        assertEquals(5, r.layers().size());
        assertTrue(r.allLayers());
        assertEquals(1.0, r.layers().get(0).recovered(), PowerAnalysis.summary(r));
        assertEquals(1.0, r.layers().get(1).recovered(), PowerAnalysis.summary(r));
        PowerAnalysis.Extraction e = r.extraction();
        assertEquals(500, e.samples());
        assertTrue(e.fidelityToInt8() >= 0.99, "fidelity " + e.fidelityToInt8() + "\n" + PowerAnalysis.summary(r));
    }

    @Test
    void aLinearUnitOnSmallSparseActivationsIsRecoveredExactly() {
        // the inputs of a linear layer behind ReLUs: each feature off in half the traces, small when on (the demo
        // LeNet-5's first linear layer sees means of 5-10); weights mostly small, many zero. Correlation alone picks w ± 1
        // or 1 for 0 here and then loses the accumulator for the rest of the unit; the squared error does not.
        int n = 5000;
        int k = 200;
        SplittableRandom rnd = new SplittableRandom(11);
        int[] w = new int[k];
        for (int i = 0; i < k; i++) {
            w[i] = rnd.nextInt(3) == 0 ? 0 : Math.max(-128, Math.min(127, (int) Math.round(rnd.nextGaussian() * 15)));
        }
        int bias = -2345;
        int[][] x = new int[k][n];
        float[][] trace = new float[2 * k + 1][n];
        for (int t = 0; t < n; t++) {
            int acc = 0;
            for (int i = 0; i < k; i++) {
                x[i][t] = rnd.nextBoolean() ? 0 : 1 + rnd.nextInt(12);
                int p = x[i][t] * w[i];
                acc += p;
                trace[2 * i][t] = (float) (Integer.bitCount(p) + rnd.nextGaussian());
                trace[2 * i + 1][t] = (float) (Integer.bitCount(acc) + rnd.nextGaussian());
            }
            trace[2 * k][t] = (float) (Integer.bitCount(acc + bias) + rnd.nextGaussian());
        }
        Cpa.Unit u = Cpa.unit(x, trace, n, LeakageModel.HAMMING_WEIGHT);
        assertEquals(java.util.Arrays.toString(w), java.util.Arrays.toString(u.weights()));
        assertEquals(bias, u.bias());
    }

    @Test
    void badParametersAreOneLineErrors() {
        DlsecException e = assertThrows(DlsecException.class, () -> new PowerAnalysis.Config(5000, 0, LeakageModel.HAMMING_WEIGHT,
                Countermeasure.NONE, 1, false, 0, 0));
        assertTrue(e.getMessage().contains("--noise"), e.getMessage());
        e = assertThrows(DlsecException.class, () -> new PowerAnalysis.Config(0, 1, LeakageModel.HAMMING_WEIGHT,
                Countermeasure.NONE, 1, false, 0, 0));
        assertTrue(e.getMessage().contains("--traces"), e.getMessage());
        e = assertThrows(DlsecException.class, () -> SideChannelAttacks.canonical("acoustic"));
        assertTrue(e.getMessage().contains("acoustic"), e.getMessage());
        e = assertThrows(DlsecException.class, () -> Countermeasure.parse("prayer"));
        assertTrue(e.getMessage().contains("prayer"), e.getMessage());
    }
}
