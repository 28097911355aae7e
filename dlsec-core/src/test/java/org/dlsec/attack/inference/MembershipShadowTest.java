package org.dlsec.attack.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.dlsec.TestSupport;
import org.dlsec.core.DlsecException;
import org.dlsec.data.Dataset;
import org.dlsec.model.Architecture;
import org.dlsec.train.TrainConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Shadow-model attacks (LiRA, Shokri) and the label-only attack on the overfitted LeNet of {@link PrivacyTargets}. */
class MembershipShadowTest {
    private static MembershipSplit split;

    @BeforeAll
    static void split() {
        // 250 members of the target's 500 training images, 250 test images
        split = MembershipSplit.build(PrivacyTargets.trainSplit(), PrivacyTargets.firstIndices(PrivacyTargets.TRAIN),
                TestSupport.mnistTest(10_000), 250, 7);
    }

    private static ShadowSpec spec(int count) {
        TrainConfig t = PrivacyTargets.OVERFIT;
        // the target's recipe, fewer epochs to keep the test short
        return new ShadowSpec(Architecture.LENET5, new TrainConfig(8, t.batchSize(), t.optimizer(), t.learningRate(), 100,
                t.schedule()), count);
    }

    @Test
    void liraOnlineAndOfflineSeeMembership() {
        Lira.Reference ref = Lira.reference(spec(4), split, 3, ShadowTrainer.LOCAL);
        // every audit sample is IN for exactly half of the reference models
        for (int i = 0; i < split.audit().size(); i++) {
            int in = 0;
            for (boolean[] row : ref.in()) {
                in += row[i] ? 1 : 0;
            }
            assertEquals(2, in);
        }
        double[] phi = Lira.scaled(PrivacyTargets.overfitted(), split.audit());
        double[] online = Lira.scores(ref, phi, true, true);
        double[] offline = Lira.scores(ref, phi, false, true);
        double aucOn = org.dlsec.metric.Roc.of(online, split.member()).auc();
        double aucOff = org.dlsec.metric.Roc.of(offline, split.member()).auc();
        double aucLoss = new LossThreshold().infer(PrivacyTargets.overfitted(), split).summary().auc();
        assertTrue(aucOn > 0.6, "online LiRA AUC " + aucOn);
        assertTrue(aucOff > 0.6, "offline LiRA AUC " + aucOff);
        assertTrue(aucOn > aucLoss - 0.05, "online LiRA " + aucOn + " vs loss " + aucLoss);
        // a sample that reference models fit well when IN and poorly when OUT, and the target fits well, scores high
        Lira.Reference toy = new Lira.Reference(new double[][] {{5.1, 4.9}, {4.9, -1.1}, {-1.1, 5.1}, {-0.9, -0.9}},
                new boolean[][] {{true, true}, {true, false}, {false, true}, {false, false}}, new double[4]);
        double[] s = Lira.scores(toy, new double[] {5, -1}, true, false);
        assertTrue(s[0] > 0 && s[1] < 0, java.util.Arrays.toString(s));
    }

    @Test
    void shadowModelAttackAndLabelOnly() {
        MembershipResult shokri = new ShadowAttack(spec(2), 5).infer(PrivacyTargets.overfitted(), split);
        assertTrue(shokri.summary().auc() > 0.55, "Shokri AUC " + shokri.summary().auc());
        MembershipResult label = new LabelOnly(2, 0, 0.1, 1).infer(PrivacyTargets.overfitted(), split);
        assertEquals(13 * 500, label.queries()); // 13 translations with |dx|+|dy| <= 2
        assertTrue(label.summary().auc() > 0.55, "label-only AUC " + label.summary().auc());
        for (double v : label.scores()) {
            assertTrue(v >= 0 && v <= 1);
        }
        MembershipResult again = new LabelOnly(1, 2, 0.2, 9).infer(PrivacyTargets.overfitted(), split);
        assertArrayEquals(again.scores(), new LabelOnly(1, 2, 0.2, 9).infer(PrivacyTargets.overfitted(), split).scores());
    }

    @Test
    void shiftAndValidation() {
        float[] img = {1, 2, 3, 4}; // 1x2x2
        float[] out = new float[4];
        LabelOnly.shift(img, out, 0, 1, 2, 2, 1, 0);
        assertArrayEquals(new float[] {0, 1, 0, 3}, out);
        assertThrows(DlsecException.class, () -> new LabelOnly(0, 0, 0.1, 0));
        assertThrows(DlsecException.class, () -> new Lira(spec(1), true, true, 0));
        assertThrows(DlsecException.class, () -> MembershipAttacks.create("lira", 4, null, Map.of(), 0));
        assertThrows(DlsecException.class, () -> MembershipAttacks.create("labelonly", 4, null, Map.of("bogus", "1"), 0));
        Dataset tiny = TestSupport.mnistTrain(30);
        assertThrows(DlsecException.class, () -> new ShadowAttack(spec(4), 0).infer(PrivacyTargets.overfitted(),
                MembershipSplit.build(tiny, PrivacyTargets.firstIndices(20), tiny, 10, 0)));
    }
}
