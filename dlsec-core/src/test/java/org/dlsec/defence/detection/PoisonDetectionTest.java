package org.dlsec.defence.detection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.dlsec.core.DlsecException;
import org.junit.jupiter.api.Test;

/**
 * The detectors on synthetic activations: three classes of Gaussian activations, class 2 carrying a
 * 10% sub-population shifted along one direction (the signature a backdoor leaves, Tran et al. 2018).
 */
class PoisonDetectionTest {
    static final int PER_CLASS = 300;
    static final int POISONS = 30;
    static final int DIM = 20;

    record Synthetic(float[][] features, int[] labels, int[] poisoned) {}

    static Synthetic synthetic(long seed) {
        Random r = new Random(seed);
        int n = 3 * PER_CLASS;
        float[][] f = new float[n][DIM];
        int[] y = new int[n];
        int[] poisoned = new int[POISONS];
        int k = 0;
        for (int i = 0; i < n; i++) {
            y[i] = i / PER_CLASS;
            for (int j = 0; j < DIM; j++) {
                f[i][j] = (float) (r.nextGaussian() + (j == y[i] ? 5 : 0));
            }
            if (y[i] == 2 && i % PER_CLASS < POISONS) {
                poisoned[k++] = i;
                f[i][7] += 8; // the trigger's feature
                f[i][8] += 4;
            }
        }
        return new Synthetic(f, y, poisoned);
    }

    @Test
    void spectralScoresPutThePoisonsOnTopOfTheirClass() {
        Synthetic s = synthetic(1);
        SpectralSignatures sp = SpectralSignatures.paper(POISONS / (double) PER_CLASS);
        double[] score = sp.scores(s.features(), s.labels(), 3);
        double minPoison = Double.POSITIVE_INFINITY;
        for (int i : s.poisoned()) {
            minPoison = Math.min(minPoison, score[i]);
        }
        int cleanAbove = 0;
        for (int i = 2 * PER_CLASS + POISONS; i < 3 * PER_CLASS; i++) {
            cleanAbove += score[i] >= minPoison ? 1 : 0;
        }
        assertEquals(0, cleanAbove, "every poison outscores every clean sample of the target class");
        PoisonDetection d = sp.detect(s.features(), s.labels(), 3);
        PoisonDetection.Score sc = d.score(s.poisoned());
        assertEquals(1.0, sc.truePositiveRate(), 1e-12);
        // the paper's rule removes 1.5·ε·n of every class: 45 per class here
        for (PoisonDetection.ClassReport c : d.classes()) {
            assertEquals(45, c.flagged(), "class " + c.label());
        }
        assertEquals(3 * 45, d.flaggedIndices().length);
        assertEquals(3 * 45 - POISONS, sc.falsePositives());
        assertEquals((3 * 45 - POISONS) / (double) (3 * PER_CLASS - POISONS), sc.falsePositiveRate(), 1e-12);
        assertEquals(3 * PER_CLASS - 3 * 45, d.keptIndices().length);
        // the top direction of the poisoned class explains a larger share of its variance
        assertTrue(d.classes().get(2).statistic() > d.classes().get(0).statistic());
    }

    @Test
    void activationClusteringFlagsOnlyThePoisonedClass() {
        Synthetic s = synthetic(2);
        PoisonDetection d = ActivationClustering.defaults(3).detect(s.features(), s.labels(), 3);
        PoisonDetection.Score sc = d.score(s.poisoned());
        assertEquals(1.0, sc.truePositiveRate(), 1e-12, d.toMap().toString());
        assertEquals(0, sc.falsePositives(), d.toMap().toString());
        assertFalse(d.classes().get(0).suspicious());
        assertFalse(d.classes().get(1).suspicious());
        assertTrue(d.classes().get(2).suspicious());
        assertEquals(POISONS / (double) PER_CLASS, d.classes().get(2).statistic(), 1e-12);
        assertEquals(java.util.List.of(2), d.toMap().get("suspiciousClasses"));
    }

    @Test
    void activationClusteringLeavesCleanDataAlone() {
        Synthetic s = synthetic(4);
        for (int i : s.poisoned()) {
            s.features()[i][7] -= 8;
            s.features()[i][8] -= 4;
        }
        PoisonDetection d = ActivationClustering.defaults(3).detect(s.features(), s.labels(), 3);
        assertEquals(0, d.flaggedIndices().length, d.toMap().toString());
    }

    @Test
    void detectorsAreDeterministic() {
        Synthetic s = synthetic(5);
        assertArrayEquals(ActivationClustering.defaults(9).detect(s.features(), s.labels(), 3).flagged(),
                ActivationClustering.defaults(9).detect(s.features(), s.labels(), 3).flagged());
        assertArrayEquals(SpectralSignatures.paper(0.2).detect(s.features(), s.labels(), 3).flagged(),
                SpectralSignatures.paper(0.2).detect(s.features(), s.labels(), 3).flagged());
    }

    @Test
    void badParametersAreRejectedByName() {
        assertTrue(assertThrows(DlsecException.class, () -> SpectralSignatures.paper(0)).getMessage().contains("epsilon"));
        assertTrue(assertThrows(DlsecException.class, () -> new SpectralSignatures(0.1, 0, 0)).getMessage().contains("removal"));
        assertTrue(assertThrows(DlsecException.class, () -> new ActivationClustering(0, 0.35, 0, 1, 1)).getMessage()
                .contains("dims"));
        assertTrue(assertThrows(DlsecException.class, () -> new ActivationClustering(10, 0.6, 0, 1, 1)).getMessage()
                .contains("maxShare"));
        Synthetic s = synthetic(6);
        assertTrue(assertThrows(DlsecException.class, () -> SpectralSignatures.paper(0.1).detect(s.features(), new int[3], 3))
                .getMessage().contains("features"));
        PoisonDetection d = SpectralSignatures.paper(0.1).detect(s.features(), s.labels(), 3);
        assertTrue(assertThrows(DlsecException.class, () -> d.score(new int[] {100_000})).getMessage().contains("poisoned"));
    }
}
