package org.dlsec.attack.extraction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.dlsec.TestSupport;
import org.dlsec.core.DlsecException;
import org.dlsec.data.Dataset;
import org.dlsec.model.Architecture;
import org.dlsec.model.Classifier;
import org.dlsec.model.DjlClassifier;
import org.dlsec.model.Models;
import org.dlsec.serve.PredictionServer;
import org.dlsec.model.RemoteClassifier;
import org.dlsec.serve.ServeConfig;
import org.dlsec.train.ModelTrainer;
import org.dlsec.train.TrainConfig;
import org.junit.jupiter.api.Test;

/** Tramèr et al.'s equation solving recovers a served softmax regression from d + 1 queries. */
class ExtractionEquationTest {
    @Test
    void recoversASoftmaxRegressionOverHttpWithDPlusOneQueries() {
        Dataset train = TestSupport.mnistTrain(5000);
        Dataset test = TestSupport.mnistTest(2000);
        try (DjlClassifier victim = Models.create(Architecture.SOFTMAX, train.sampleShape(), 10, 3)) {
            new ModelTrainer(new TrainConfig(1, 64, "adam", 5e-3, 3, "constant")).train(victim, train, null, null, Map.of());
            try (PredictionServer server = PredictionServer.start(victim, ServeConfig.defaults());
                    Classifier remote = RemoteClassifier.connect(server.uri(), null, 256)) {
                DjlClassifier stolen = new EquationSolving(new EquationSolving.Params(0, 1)).extract(remote);
                assertEquals(785, remote.stats().queries(), "d + 1 queries, all over HTTP");
                ExtractionEvaluation.Result r = ExtractionEvaluation.measure(victim, stolen, test);
                assertTrue(r.targetAccuracy() > 0.8, "victim accuracy " + r.targetAccuracy());
                assertTrue(r.fidelity() >= 0.999, "fidelity " + r.fidelity());
                assertEquals(r.targetAccuracy(), r.substituteAccuracy(), 0.002);
                stolen.close();
                // more queries than unknowns: least squares over the basis and sparse random points
                DjlClassifier ls = new EquationSolving(new EquationSolving.Params(1000, 1)).extract(remote);
                assertEquals(785 + 1000, remote.stats().queries());
                assertTrue(ExtractionEvaluation.measure(victim, ls, test).fidelity() >= 0.999);
                ls.close();
            }
            assertThrows(DlsecException.class, () -> new EquationSolving(new EquationSolving.Params(100, 1)).extract(victim));
        }
    }
}
