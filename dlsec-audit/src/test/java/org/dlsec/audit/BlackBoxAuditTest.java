package org.dlsec.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.dlsec.TestSupport;
import org.dlsec.attack.evasion.EvasionAttacks;
import org.dlsec.attack.evasion.Knowledge;
import org.dlsec.data.Dataset;
import org.dlsec.model.Classifier;
import org.dlsec.model.Models;
import org.dlsec.report.AuditReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An audit of a model without gradients (an ONNX file) runs the attacks that apply and lists the others with the
 * reason; it used to stop with "no gradients" before any attack ran.
 */
class BlackBoxAuditTest {
    @Test
    void whiteBoxAttacksAreListedNotRunAndTheBlackBoxOnesRun(@TempDir Path dir) throws Exception {
        Dataset d = TestSupport.mnistTest(4);
        AuditConfig cfg = AuditConfig.parse("seed: 1\nattacks:\n  - attack: fgsm\n    eps: 0.3\n  - attack: square\n"
                + "    eps: 0.3\n    maxQueries: 40\n  - attack: pgd\n    eps: 0.3\n", "onnx.yaml");
        try (Classifier onnx = Models.load(TestSupport.fixture("lenet.onnx"), d.sampleShape())) {
            AuditReport r = AuditRunner.run(onnx, d, cfg, "onnx.yaml", dir.resolve("a"), false, false);
            AuditReport.Family evasion = r.families().get(0);
            assertEquals(List.of("square"), evasion.attacks().stream().map(a -> a.attack()).toList());
            assertTrue(evasion.summary().contains("white-box attacks not run (fgsm, pgd): the onnx model gives no gradients"),
                    evasion.summary());
            assertTrue(!evasion.verdict().equals("not evaluated"), evasion.verdict());
            // the backdoor scan of a black box: Neural Cleanse needs gradients and is listed with the reason, STRIP runs
            AuditConfig scan = AuditConfig.parse("attacks:\n  - attack: square\n    eps: 0.3\n    maxQueries: 5\nscan:\n"
                    + "  - detect: [cleanse, strip]\n    overlays: 4\n  - detect: cleanse\n", "scan.yaml");
            AuditReport s = AuditRunner.run(onnx, d, scan, "scan.yaml", dir.resolve("s"), false, false);
            AuditReport.Family sf = s.families().get(5);
            assertEquals(1, sf.scans().size(), "the STRIP part of the first entry runs");
            assertEquals(null, sf.scans().get(0).backdoored());
            assertEquals(2, sf.scans().get(0).strip().heldOutClean());
            assertTrue(sf.scans().get(0).note().contains("Neural Cleanse not run") && sf.summary().contains("cleanse: Neural"
                    + " Cleanse not run: it optimises a trigger through the model's input gradients, and the onnx model gives"
                    + " none"), sf.summary());
            assertEquals("not evaluated", sf.verdict(), "STRIP alone gives no verdict");

            // a transfer attack: PGD crafted on the attacker's own TorchScript LeNet, sent to the ONNX black box, as
            // dlsec attack --substitute does
            String ts = TestSupport.fixture("lenet-ts.pt").toString().replace("\\", "/");
            AuditConfig transfer = AuditConfig.parse("seed: 1\nattacks:\n  - attack: pgd\n    eps: 0.3\n    steps: 10\n"
                    + "    substitute: \"" + ts + "\"\n", "transfer.yaml");
            AuditReport tr = AuditRunner.run(onnx, d, transfer, "transfer.yaml", dir.resolve("t"), false, false);
            org.dlsec.report.AttackRecord rec = tr.families().get(0).attacks().get(0);
            assertEquals("transfer", rec.knowledge());
            try (Classifier sub = Models.load(TestSupport.fixture("lenet-ts.pt"), d.sampleShape())) {
                org.dlsec.attack.evasion.AttackResult alone = org.dlsec.attack.evasion.EvasionRunner.run(
                        org.dlsec.attack.evasion.TransferAttack.of(EvasionAttacks.create(transfer.attacks().get(0).spec()), sub),
                        onnx, d, null, 250, false);
                org.junit.jupiter.api.Assertions.assertArrayEquals(alone.adversarialPredictions(),
                        rec.samples().adversarialPrediction());
                assertEquals(alone.summary().robustAccuracy(), rec.last().robustAccuracy(), 0);
            }

            // poisoning of a model file: the victim retrains the architecture the entry names (no card names it)
            AuditConfig poison = AuditConfig.parse("seed: 1\nattacks:\n  - attack: square\n    eps: 0.3\n    maxQueries: 5\n"
                    + "poisoning:\n  - poison: badnets\n    arch: lenet5\n    trainSamples: 300\n    epochs: 1\n"
                    + "  - poison: labelflip\n    id: flip-noarch\n    trainSamples: 300\n    epochs: 1\n", "poison.yaml");
            AuditReport pr = AuditRunner.run(onnx, d, () -> TestSupport.mnistTrain(300), true, poison, "poison.yaml",
                    dir.resolve("p"), false, false);
            AuditReport.Family pf = pr.families().get(2);
            assertEquals(1, pf.poisons().size());
            assertEquals("lenet5", pf.poisons().get(0).parameters().get("architecture"));
            assertTrue(!pf.verdict().equals("not evaluated") && pf.summary().contains("flip-noarch: the victim retrains"),
                    pf.summary());

            AuditConfig whiteOnly = AuditConfig.parse("attacks:\n  - attack: fgsm\n    eps: 0.3\n", "w.yaml");
            AuditReport w = AuditRunner.run(onnx, d, whiteOnly, "w.yaml", dir.resolve("w"), false, false);
            assertEquals("not evaluated", w.families().get(0).verdict());
            assertTrue(w.families().get(0).summary().contains("fgsm"), w.families().get(0).summary());
        }
        // the default configuration has black-box attacks, so a default audit of a black box evaluates evasion
        assertTrue(AuditConfig.defaults().attacks().stream()
                .anyMatch(e -> EvasionAttacks.create(e.spec()).knowledge() != Knowledge.WHITE_BOX));
    }
}
