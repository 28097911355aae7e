package org.dlsec.audit;

import org.dlsec.defence.postprocess.OutputPolicy;
import org.dlsec.model.Classifier;
import org.dlsec.serve.PredictionServer;
import org.dlsec.serve.RemoteClassifier;
import org.dlsec.serve.ServeConfig;

/**
 * The audited model behind a prediction API with an output policy ({@code defence: output:}), served in this process
 * through {@code dlsec serve}'s stack on loopback and queried over HTTP, started when a run first needs it: the
 * attackers who see only the API's answers (score- and decision-based evasion, model extraction) query it there.
 */
final class ServedModel implements AutoCloseable {
    private final Classifier model;
    private final OutputPolicy policy;
    private PredictionServer server;
    private Classifier client;

    ServedModel(Classifier model, OutputPolicy policy) {
        this.model = model;
        this.policy = policy;
    }

    /** Why {@code model} cannot be served with {@code policy}, or null when it can: the server takes images (C, H, W). */
    static String unsupported(Classifier model, OutputPolicy policy) {
        return policy == null || model.inputShape().dimension() == 3 ? null : "the prediction API's output policy is applied"
                + " by dlsec serve's stack, which takes images (C, H, W), not inputs of shape " + model.inputShape();
    }

    OutputPolicy policy() {
        return policy;
    }

    /** The API as a black-box classifier (each prediction an HTTP request answered with the policy). */
    Classifier client() {
        if (client == null) {
            server = PredictionServer.start(model, ServeConfig.defaults().withOutput(policy));
            client = RemoteClassifier.connect(server.uri(), null, 256);
        }
        return client;
    }

    @Override
    public void close() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
    }
}
