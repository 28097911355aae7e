package org.dlsec.attack.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.dlsec.TestModels;
import org.dlsec.TestSupport;
import org.dlsec.core.DlsecException;
import org.dlsec.data.Dataset;
import org.dlsec.metric.Evaluation;
import org.dlsec.model.DjlClassifier;
import org.junit.jupiter.api.Test;

class MembershipThresholdTest {
    @Test
    void splitIsSeededDisjointAndRecorded() {
        Dataset train = TestSupport.mnistTrain(2_000);
        Dataset test = TestSupport.mnistTest(1_000);
        int[] target = PrivacyTargets.firstIndices(500);
        MembershipSplit a = MembershipSplit.build(train, target, test, 200, 3);
        MembershipSplit b = MembershipSplit.build(train, target, test, 200, 3);
        MembershipSplit c = MembershipSplit.build(train, target, test, 200, 4);
        assertArrayEquals((int[]) a.record().get("memberIndices"), (int[]) b.record().get("memberIndices"));
        assertTrue(!java.util.Arrays.equals((int[]) a.record().get("memberIndices"), (int[]) c.record().get("memberIndices")));
        assertEquals(200, a.members());
        assertEquals(200, a.nonMembers());
        Set<Integer> members = new HashSet<>();
        for (int i : (int[]) a.record().get("memberIndices")) {
            assertTrue(i < 500, "members come from the target's training set");
            members.add(i);
        }
        assertEquals(200, members.size());
        // population: 1,500 unused train images + 800 test images outside the audit set
        assertEquals(1_500 + 800, a.population().size());
        int[] memberIdx = (int[]) a.record().get("memberIndices");
        assertArrayEquals(train.image(memberIdx[7]), a.audit().image(7));
        int[] nonIdx = (int[]) a.record().get("nonMemberIndices");
        assertArrayEquals(test.image(nonIdx[3]), a.audit().image(203));
        assertThrows(DlsecException.class, () -> MembershipSplit.build(train, target, test, 501, 3));
        // non-members from the unused training images
        MembershipSplit w = MembershipSplit.buildWithinTrain(train, target, test, 200, 3);
        for (int i : (int[]) w.record().get("nonMemberIndices")) {
            assertTrue(i >= 500 && i < 2_000, "non-member " + i + " must be an unused training image");
        }
        assertEquals(1_500 - 200 + 1_000, w.population().size());
        assertArrayEquals(train.image(((int[]) w.record().get("nonMemberIndices"))[5]), w.audit().image(205));
        // only 100 training images are left unused by a target trained on 1,900
        assertThrows(DlsecException.class, () -> MembershipSplit.buildWithinTrain(train, PrivacyTargets.firstIndices(1_900),
                test, 200, 3));
    }

    @Test
    void thresholdAttacksSeeMembershipOfAnOverfittedModel() {
        DjlClassifier target = PrivacyTargets.overfitted();
        Dataset members = TestSupport.mnistTrain(PrivacyTargets.TRAIN);
        assertTrue(Evaluation.accuracy(target, members) > 0.99, "the target should fit its training set");
        MembershipSplit split = MembershipSplit.build(PrivacyTargets.trainSplit(), PrivacyTargets.firstIndices(PrivacyTargets.TRAIN),
                TestSupport.mnistTest(10_000), 400, 1);
        MembershipResult loss = new LossThreshold().infer(target, split);
        MembershipResult conf = new SalemThreshold(SalemThreshold.Statistic.CONFIDENCE).infer(target, split);
        MembershipResult ent = new SalemThreshold(SalemThreshold.Statistic.ENTROPY).infer(target, split);
        assertTrue(loss.summary().auc() > 0.6, "loss AUC " + loss.summary().auc());
        assertTrue(conf.summary().auc() > 0.55, "confidence AUC " + conf.summary().auc());
        assertTrue(ent.summary().auc() > 0.55, "entropy AUC " + ent.summary().auc());
        assertEquals(800, loss.queries());
        assertEquals(400, loss.summary().members());
        // the loss score is log p_y: members have higher (closer to 0) values on average
        double m = 0;
        double n = 0;
        for (int i = 0; i < 800; i++) {
            assertTrue(loss.scores()[i] <= 1e-9);
            if (i < 400) {
                m += loss.scores()[i];
            } else {
                n += loss.scores()[i];
            }
        }
        assertTrue(m > n);
        // same split, same model: the same scores
        assertArrayEquals(loss.scores(), new LossThreshold().infer(target, split).scores());
    }

    @Test
    void aWellGeneralisedModelLeaksLittle() {
        // the shared LeNet: 2 epochs on the first 10,000 images (about 97% test accuracy)
        DjlClassifier target = TestModels.mnistLenet();
        MembershipSplit split = MembershipSplit.build(PrivacyTargets.trainSplit(), PrivacyTargets.firstIndices(10_000),
                TestSupport.mnistTest(10_000), 1_000, 2);
        double auc = new LossThreshold().infer(target, split).summary().auc();
        assertTrue(Math.abs(auc - 0.5) < 0.06, "loss AUC of a well-generalised LeNet " + auc);
    }

    @Test
    void statisticsOfThePosterior() {
        double[] z = {2, 0, -1};
        double[] p = Outputs.softmax(z);
        assertEquals(Math.log(p[0]), Outputs.logProb(z, 0), 1e-12);
        assertEquals(Math.log(p[1] / (1 - p[1])), Outputs.scaledConfidence(z, 1), 1e-12);
        double h = 0;
        for (double v : p) {
            h -= v * Math.log(v);
        }
        assertEquals(-h, SalemThreshold.negativeEntropy(z), 1e-12);
        assertEquals(Math.log(p[0]), SalemThreshold.maxLogProb(z), 1e-12);
        assertTrue(Double.isFinite(Outputs.scaledConfidence(new double[] {60, 0, 0}, 0)));
        assertThrows(DlsecException.class, () -> MembershipAttacks.create("nope", 4, null, Map.of(), 0));
    }
}
