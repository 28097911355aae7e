package org.dlsec.attack.fault;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.dlsec.TestSupport;
import org.dlsec.core.Json;
import org.dlsec.data.Dataset;
import org.dlsec.model.DjlClassifier;
import org.dlsec.model.Models;
import org.junit.jupiter.api.Test;

/**
 * dlsec's BFA on a PyTorch-trained TorchScript LeNet flips the same bits as an independent plain-PyTorch
 * implementation of the progressive BFA ({@code bench/bfa_reference.py}, PyTorch 1.13), set up as
 * {@code dlsec fault --mode bfa --limit 1000}: int8 per-layer weights, attacker batch = the first 128 of a
 * seed-0 permutation of the first 1000 training images, accuracy on the first 1000 test images.
 * The fixture {@code bfa-reference-lenet-ts.json} is that script's {@code --json} output for 10 flips:
 * {@code /usr/bin/python3 bench/bfa_reference.py src/test/resources/fixtures/lenet-ts.pt --flips 10 --json ...}.
 */
class BitFlipReferenceTest {
    @Test
    void theFirstTenFlipsEqualThePyTorchReferenceFlipForFlip() throws IOException {
        JsonNode ref = Json.MAPPER.readTree(TestSupport.fixture("bfa-reference-lenet-ts.json").toFile());
        Dataset eval = TestSupport.mnistTest(1000);
        Dataset train = TestSupport.mnistTrain(1000);
        Dataset attack = train.sample(128, 0);
        int[] refIndices = new int[ref.get("attackIndices").size()];
        Arrays.setAll(refIndices, i -> ref.get("attackIndices").get(i).asInt());
        assertArrayEquals(Arrays.copyOf(train.permutation(0), 128), refIndices,
                "the reference attacks the same 128 training images");
        JsonNode refFlips = ref.get("flips");
        try (DjlClassifier ts = (DjlClassifier) Models.load(TestSupport.fixture("lenet-ts.pt"), eval.sampleShape());
                QuantizedModel q = QuantizedModel.quantize(ts, Granularity.PER_LAYER)) {
            for (int l = 0; l < q.layers(); l++) {
                JsonNode layer = ref.get("layers").get(l);
                assertEquals(layer.get("name").asText(), q.tensor(l).name());
                assertEquals(layer.get("scale").asDouble(), q.tensor(l).scale(0), 0.0, "same float32 scale");
            }
            BitFlipAttack.Result r = new BitFlipAttack(new BitFlipAttack.Config(refFlips.size(), 1, 0.11))
                    .run(q, attack, eval, false);
            assertEquals(ref.get("int8Accuracy").asDouble(), r.cleanAccuracy(), 1e-3 + 1e-9);
            assertEquals(ref.get("cleanLoss").asDouble(), r.cleanLoss(), 1e-4);
            List<BitFlipAttack.Flip> flips = r.flips();
            assertEquals(refFlips.size(), flips.size());
            for (int k = 0; k < flips.size(); k++) {
                BitFlipAttack.Flip f = flips.get(k);
                JsonNode e = refFlips.get(k);
                String where = "flip " + (k + 1) + ": dlsec " + f + ", reference " + e;
                assertEquals(e.get("tensor").asText(), f.tensor(), where);
                assertEquals(e.get("index").asInt(), f.index(), where);
                assertEquals(e.get("bit").asInt(), f.bit(), where);
                assertEquals(e.get("before").asInt(), f.before(), where);
                assertEquals(e.get("after").asInt(), f.after(), where);
                assertEquals(e.get("loss").asDouble(), f.loss(), 1e-4 * Math.max(1, f.loss()), where);
                // one test image of 1000 may fall on the other side of a tie between the two libtorch builds
                assertEquals(e.get("accuracy").asDouble(), f.accuracy(), 1e-3 + 1e-9, where);
            }
        }
    }
}
