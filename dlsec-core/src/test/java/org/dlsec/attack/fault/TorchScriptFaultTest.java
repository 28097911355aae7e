package org.dlsec.attack.fault;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.util.List;
import org.dlsec.TestSupport;
import org.dlsec.data.Dataset;
import org.dlsec.metric.Evaluation;
import org.dlsec.model.Classifier;
import org.dlsec.model.DjlClassifier;
import org.dlsec.model.Engines;
import org.dlsec.model.Models;
import org.junit.jupiter.api.Test;

/** Fault experiments on a TorchScript module's own parameters (the PyTorch-exported LeNet fixture). */
class TorchScriptFaultTest {
    private static DjlClassifier lenet(Dataset d) {
        return (DjlClassifier) Models.load(TestSupport.fixture("lenet-ts.pt"), d.sampleShape());
    }

    @Test
    void quantisationFlipsAndTheBfaChangeTheModuleAndAreUndoneBitForBit() {
        Dataset eval = TestSupport.mnistTest(300);
        Dataset attack = TestSupport.mnistTrain(64);
        try (DjlClassifier ts = lenet(eval); NDManager m = Engines.newManager()) {
            assertTrue(ts.isTorchScript());
            float[] before = ts.predictLogits(eval.images(m, 0, 32)).toFloatArray();
            double clean = Evaluation.accuracy(ts, eval);
            try (WeightSnapshot snap = WeightSnapshot.of(ts)) {
                assertEquals(List.of("c1.weight", "c1.bias", "c2.weight", "c2.bias", "f1.weight", "f1.bias", "f2.weight",
                        "f2.bias", "f3.weight", "f3.bias"), snap.names());
                BitFlipAttack.Result r;
                try (QuantizedModel q = QuantizedModel.quantize(ts, Granularity.PER_LAYER)) {
                    assertEquals(5, q.layers(), "two convolutions and three linear layers are quantised");
                    assertFalse(snap.matchesModel(), "the module now computes with the dequantised weights");
                    q.flip(0, 0, 7);
                    assertEquals(1, q.flippedBits());
                    q.resetCodes();
                    r = new BitFlipAttack(new BitFlipAttack.Config(5, 1, 0.11)).run(q, attack, eval, false);
                    assertEquals(5, r.flips().size());
                    assertEquals(5, q.flippedBits());
                    assertTrue(r.flips().get(4).loss() > r.cleanLoss(), "the attacker's loss rose: " + r.flips());
                    assertTrue(r.finalAccuracy() < r.cleanAccuracy(), "accuracy fell: " + r.curve());
                    assertEquals(r.finalAccuracy(), Evaluation.accuracy(ts, eval), 1e-12,
                            "the flips are in the module itself");
                }
                assertTrue(snap.matchesModel(), "closing restores every parameter bit for bit");
            }
            assertArrayEquals(before, ts.predictLogits(eval.images(m, 0, 32)).toFloatArray());
            assertEquals(clean, Evaluation.accuracy(ts, eval), 1e-12);
        }
    }

    @Test
    void randomWeightFaultsAreRestoredAndTheTrojanIsDormantUntilTriggered() {
        Dataset eval = TestSupport.mnistTest(200);
        try (DjlClassifier ts = lenet(eval)) {
            try (WeightSnapshot snap = WeightSnapshot.of(ts)) {
                RandomFaultInjection.Result r = RandomFaultInjection.onFloatWeights(ts, eval,
                        new RandomFaultInjection.Config(FaultType.BIT_FLIP, List.of(50), 3, 1, null), false);
                assertEquals(1, r.distributions().size());
                assertTrue(snap.matchesModel());
            }
            HardwareTrojan trojan = HardwareTrojan.design(ts, TestSupport.mnistTrain(500), 3);
            Classifier infected = trojan.infect(ts);
            Evaluation.Result base = Evaluation.evaluate(ts, eval, 100, false);
            Evaluation.Result dormant = Evaluation.evaluate(infected, eval, 100, false);
            assertArrayEquals(base.predictions(), dormant.predictions(), "dormant: the same predictions");
            assertEquals(0, trojan.fired());
            Evaluation.Result fired = Evaluation.evaluate(infected, trojan.stamp(eval), 100, false);
            long hits = java.util.Arrays.stream(fired.predictions()).filter(p -> p == 3).count();
            assertTrue(trojan.fired() > 190 && hits > 190, "trigger fired " + trojan.fired() + ", target hit " + hits);
        }
    }
}
