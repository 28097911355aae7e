package org.dlsec.defence.detection;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.dlsec.TestSupport;
import org.dlsec.core.DlsecException;
import org.dlsec.data.Dataset;
import org.junit.jupiter.api.Test;

/** PRADA on query streams without a model: natural images pass, small perturbations of earlier queries are flagged. */
class PradaTest {
    @Test
    void naturalImagesPassAndPerturbedCopiesAreFlagged() {
        Dataset test = TestSupport.mnistTest(1500);
        Prada benign = new Prada(Prada.Config.defaults());
        for (int i = 0; i < test.size(); i++) {
            benign.observe(test.image(i), 0, 784, test.label(i));
            if (i % 100 == 99) {
                benign.check();
            }
        }
        assertFalse(benign.check().flagged(), "benign stream flagged: " + benign.status());

        Prada attack = new Prada(Prada.Config.defaults());
        List<float[]> sent = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        Random rnd = new Random(0);
        for (int i = 0; i < 100; i++) {
            sent.add(test.image(i));
            labels.add(test.label(i));
            attack.observe(test.image(i), 0, 784, test.label(i));
        }
        for (int round = 0; round < 3; round++) {
            int n = sent.size();
            for (int i = 0; i < n; i++) {
                float[] x = sent.get(i).clone();
                for (int j = 0; j < x.length; j++) {
                    x[j] = Math.min(1, Math.max(0, x[j] + (rnd.nextBoolean() ? 0.1f : -0.1f)));
                }
                sent.add(x);
                labels.add(labels.get(i));
                attack.observe(x, 0, 784, labels.get(i));
            }
            attack.check();
        }
        assertTrue(attack.status().flagged(), "synthetic stream not flagged: " + attack.status());
        assertTrue(attack.status().detectedAtQuery() <= 800);
        assertThrows(DlsecException.class, () -> new Prada.Config(1.5, 100, 5000));
        assertThrows(DlsecException.class, () -> new Prada.Config(0.9, 5, 5000));
    }
}
