package org.dlsec.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDManager;
import org.dlsec.TestModels;
import org.dlsec.TestSupport;
import org.dlsec.data.Dataset;
import org.dlsec.defence.postprocess.OutputPolicy;
import org.dlsec.model.Engines;
import org.dlsec.model.RemoteClassifier;
import org.junit.jupiter.api.Test;

/**
 * {@code defence: queryBudget:}: each extraction attacker is a new client of an API that refuses queries beyond the
 * quota (429, as dlsec serve --query-budget), while the auditor's client of the same model is not limited.
 */
class ServedModelQuotaTest {
    @Test
    void eachAttackerGetsTheQuotaAndNoMore() {
        Dataset d = TestSupport.mnistTest(12);
        try (ServedModel served = new ServedModel(TestModels.mnistLenet(), OutputPolicy.parse("probs"), 10);
                NDManager m = Engines.newManager()) {
            var first = served.attackerClient();
            assertEquals(8, first.predictLabels(d.images(m, 0, 8)).size());
            RemoteClassifier.RemoteException e = assertThrows(RemoteClassifier.RemoteException.class,
                    () -> first.predictLabels(d.images(m, 0, 4)));
            assertEquals(429, e.status());
            // a second attacker is a new client with the whole quota
            assertEquals(10, served.attackerClient().predictLabels(d.images(m, 0, 10)).size());
            // the auditor's client has none
            for (int i = 0; i < 3; i++) {
                assertEquals(12, served.client().predictLabels(d.images(m, 0, 12)).size());
            }
        }
    }
}
