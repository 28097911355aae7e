package org.dlsec.attack.extraction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.dlsec.TestModels;
import org.dlsec.TestSupport;
import org.dlsec.core.Json;
import org.dlsec.data.Dataset;
import org.dlsec.data.DatasetId;
import org.dlsec.data.Datasets;
import org.dlsec.defence.detection.Prada;
import org.dlsec.defence.postprocess.OutputPolicy;
import org.dlsec.model.Architecture;
import org.dlsec.model.Classifier;
import org.dlsec.model.DjlClassifier;
import org.dlsec.model.Engines;
import org.dlsec.serve.PredictionServer;
import org.dlsec.model.RemoteClassifier;
import org.dlsec.serve.ServeConfig;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Learning-based extraction over loopback HTTP, with small budgets; and PRADA telling attack from replay. */
class ExtractionTrainingTest {
    static Dataset fashion() {
        try {
            return Datasets.load(DatasetId.FASHION_MNIST, "train", Optional.empty()).first(5000);
        } catch (org.dlsec.core.DlsecException e) {
            Assumptions.abort("Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)");
            return null;
        }
    }

    @Test
    void knockoffAndCopycatLearnTheTargetFromFashionImages() {
        DjlClassifier target = TestModels.mnistLenet();
        Dataset test = TestSupport.mnistTest(1000);
        Dataset query = fashion();
        SubstituteTrainer tr = new SubstituteTrainer(3, 64, 2e-3);
        try (PredictionServer probs = PredictionServer.start(target, ServeConfig.defaults());
                PredictionServer top1 = PredictionServer.start(target, ServeConfig.defaults().withOutput(OutputPolicy.parse("top1")));
                Classifier rp = RemoteClassifier.connect(probs.uri(), null, 128);
                Classifier rl = RemoteClassifier.connect(top1.uri(), null, 128)) {
            List<Long> seen = new ArrayList<>();
            KnockoffNets knockoff = new KnockoffNets(new KnockoffNets.Params(KnockoffNets.Strategy.RANDOM, 1500,
                    Architecture.LENET5, tr, new int[] {500}, 32, 0.1, 1), query).onCheckpoint((q, s) -> seen.add(q));
            try (DjlClassifier k = knockoff.extract(rp)) {
                assertEquals(1500, rp.stats().queries());
                assertEquals(List.of(500L, 1500L), seen);
                ExtractionEvaluation.Result r = ExtractionEvaluation.measure(target, k, test, 0.3, 200, 0);
                System.out.printf("knockoff-random 1500 probs: fidelity %.3f acc %.3f transfer %.3f%n", r.fidelity(),
                        r.substituteAccuracy(), r.transferSuccess());
                assertTrue(r.fidelity() > 0.4, "fidelity " + r.fidelity());
                assertTrue(r.transferSuccess() > 0.1, "transfer " + r.transferSuccess());
            }
            try (DjlClassifier c = Copycat.create(new KnockoffNets.Params(KnockoffNets.Strategy.RANDOM, 1500,
                    Architecture.LENET5, tr, null, 32, 0.1, 1), query).extract(rl)) {
                assertEquals(1500, Json.MAPPER.valueToTree(top1.stats()).get("clients").get("anonymous").get("queries").asLong());
                ExtractionEvaluation.Result r = ExtractionEvaluation.measure(target, c, test);
                System.out.printf("copycat 1500 top1: fidelity %.3f%n", r.fidelity());
                assertTrue(r.fidelity() > 0.3, "fidelity " + r.fidelity());
            }
            try (DjlClassifier a = new KnockoffNets(new KnockoffNets.Params(KnockoffNets.Strategy.ADAPTIVE, 800,
                    Architecture.LENET5, tr, null, 50, 0.2, 1), query).extract(rp)) {
                ExtractionEvaluation.Result r = ExtractionEvaluation.measure(target, a, test);
                System.out.printf("knockoff-adaptive 800: fidelity %.3f%n", r.fidelity());
                assertTrue(r.fidelity() > 0.25, "fidelity " + r.fidelity());
            }
        }
    }

    @Test
    void jacobianAugmentationIsFlaggedByPradaAndABenignReplayIsNot() throws Exception {
        DjlClassifier target = TestModels.mnistLenet();
        Dataset test = TestSupport.mnistTest(3000);
        Dataset seeds = test.first(150);
        ServeConfig cfg = ServeConfig.defaults().withTokens(List.of("attacker-token", "benign-token"))
                .withPrada(Prada.Config.defaults());
        try (PredictionServer s = PredictionServer.start(target, cfg);
                Classifier attacker = RemoteClassifier.connect(s.uri(), "attacker-token", 100);
                Classifier benign = RemoteClassifier.connect(s.uri(), "benign-token", 100)) {
            JacobianAugmentation jac = new JacobianAugmentation(new JacobianAugmentation.Params(4, 0.1, 3, 3, 400,
                    Architecture.LENET5, new SubstituteTrainer(5, 32, 1e-3), 0), seeds, 0);
            try (DjlClassifier sub = jac.extract(attacker)) {
                assertEquals(150 + 150 + 300 + 600, attacker.stats().queries());
                Dataset rest = test.subset(java.util.stream.IntStream.range(150, 1150).toArray(), "test 150..1149");
                ExtractionEvaluation.Result r = ExtractionEvaluation.measure(target, sub, rest, 0.3, 300, 0);
                System.out.printf("jacobian 1200: acc %.3f fidelity %.3f transfer %.3f%n", r.substituteAccuracy(),
                        r.fidelity(), r.transferSuccess());
                assertTrue(r.substituteAccuracy() > 0.5, "substitute accuracy " + r.substituteAccuracy());
            }
            try (NDManager m = Engines.newManager()) {
                for (int from = 1000; from < 3000; from += 500) {
                    benign.predictLabels(test.images(m, from, from + 500));
                }
            }
            JsonNode clients = Json.MAPPER.valueToTree(s.stats()).get("clients");
            System.out.println(clients);
            assertTrue(clients.get("client-1").get("pradaFlagged").asBoolean(), clients.toString());
            assertFalse(clients.get("client-2").get("pradaFlagged").asBoolean(), clients.toString());
            assertEquals(2000, clients.get("client-2").get("queries").asLong());
        }
    }
}
