package org.dlsec.defence.integrity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.dlsec.TestModels;
import org.dlsec.TestSupport;
import org.dlsec.attack.fault.BitFlipAttack;
import org.dlsec.attack.fault.Granularity;
import org.dlsec.attack.fault.QuantizedModel;
import org.dlsec.core.DlsecException;
import org.dlsec.data.Dataset;
import org.dlsec.metric.Evaluation;
import org.dlsec.model.DjlClassifier;
import org.junit.jupiter.api.Test;

/** RADAR-style checksums: detection of BFA flips, and both recoveries (zero, reload). */
class ChecksumGuardTest {
    static final Dataset EVAL = TestSupport.mnistTest(500);
    static final Dataset ATTACK = TestSupport.mnistTrain(10_000).sample(128, 7);

    @Test
    void bfaFlipsAreDetectedAndReloadRestoresTheCleanCodes() {
        DjlClassifier model = TestModels.mnistLenet();
        BitFlipAttack bfa = new BitFlipAttack(new BitFlipAttack.Config(10, 1, 0.11));
        try (QuantizedModel q = QuantizedModel.quantize(model, Granularity.PER_LAYER)) {
            byte[][] clean = q.codes();
            ChecksumGuard zero = ChecksumGuard.protect(q, 16, 42, ChecksumGuard.Signature.FULL, ChecksumGuard.Recovery.ZERO);
            ChecksumGuard reload = ChecksumGuard.protect(q, 16, 42, ChecksumGuard.Signature.RADAR_2BIT,
                    ChecksumGuard.Recovery.RELOAD);
            assertEquals(0, zero.check(q).flagged().size(), "the clean model matches its own signatures");
            BitFlipAttack.Result r = bfa.run(q, ATTACK, EVAL, false);
            assertTrue(r.finalAccuracy() < r.cleanAccuracy() - 0.2, "the BFA did damage: " + r.curve());

            // A flip alone in its group is always caught: by the full signature whatever its bit, by RADAR's
            // 2-bit one when it is a sign-bit flip (±128 toggles bit 7). Several flips in one group can
            // cancel in the masked sum, which is why detection is a rate.
            ChecksumGuard.Report full = zero.check(q);
            ChecksumGuard.Report two = reload.check(q);
            int alone = 0;
            int detected = 0;
            for (BitFlipAttack.Flip f : r.flips()) {
                int g = zero.groupOf(f.layer(), f.index());
                long sameGroup = r.flips().stream().filter(o -> o.layer() == f.layer() && zero.groupOf(o.layer(), o.index()) == g)
                        .count();
                detected += full.contains(f.layer(), g) ? 1 : 0;
                if (sameGroup == 1) {
                    alone++;
                    assertTrue(full.contains(f.layer(), g), "full signature misses " + f);
                    if (f.bit() == 7) {
                        assertTrue(two.contains(f.layer(), g), "2-bit signature misses " + f);
                    }
                }
            }
            assertTrue(alone > 0, "some flip is alone in its group: " + r.flips());
            assertTrue(detected >= r.flips().size() / 2, detected + " of " + r.flips().size() + " detected");

            ChecksumGuard.Report rep = reload.checkAndRecover(q);
            assertEquals(two.flagged(), rep.flagged());
            assertTrue(rep.recoveredWeights() >= rep.flagged().size());
            // reloaded groups hold their clean codes again; only flips in unflagged groups can remain
            byte[][] afterReload = q.codes();
            for (int l = 0; l < afterReload.length; l++) {
                for (int i = 0; i < afterReload[l].length; i++) {
                    if (two.contains(l, reload.groupOf(l, i))) {
                        assertEquals(clean[l][i], afterReload[l][i], "reloaded code differs at " + l + "/" + i);
                    }
                }
            }
            assertEquals(0, reload.check(q).flagged().size(), "after reload the signatures match again");
            if (q.flippedBits() == 0) {
                assertEquals(r.cleanAccuracy(), Evaluation.accuracy(q.classifier(), EVAL), 1e-12);
            }

            // zeroing: the flagged groups hold only zero codes afterwards, the rest is untouched
            q.resetCodes();
            for (BitFlipAttack.Flip f : r.flips()) {
                q.flip(f.layer(), f.index(), f.bit());
            }
            byte[][] attacked = q.codes();
            ChecksumGuard.Report z = zero.checkAndRecover(q);
            assertEquals(full.flagged(), z.flagged());
            byte[][] now = q.codes();
            int zeroed = 0;
            for (int l = 0; l < now.length; l++) {
                for (int i = 0; i < now[l].length; i++) {
                    if (z.contains(l, zero.groupOf(l, i))) {
                        assertEquals(0, now[l][i]);
                        zeroed++;
                    } else {
                        assertEquals(attacked[l][i], now[l][i], "unflagged code changed at " + l + "/" + i);
                    }
                }
            }
            assertEquals(zeroed, z.recoveredWeights());
        }
    }

    @Test
    void badParametersAreRejected() {
        assertThrows(DlsecException.class, () -> ChecksumGuard.Recovery.parse("restore"));
        assertEquals(ChecksumGuard.Recovery.RELOAD, ChecksumGuard.Recovery.parse(" Reload "));
        DjlClassifier model = TestModels.mnistLenet();
        try (QuantizedModel q = QuantizedModel.quantize(model, Granularity.PER_LAYER)) {
            assertThrows(DlsecException.class, () -> ChecksumGuard.protect(q, 0, 1, ChecksumGuard.Signature.FULL));
        }
    }
}
