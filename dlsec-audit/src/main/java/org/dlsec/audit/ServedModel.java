package org.dlsec.audit;

import org.dlsec.defence.postprocess.OutputPolicy;
import org.dlsec.model.Classifier;
import org.dlsec.serve.PredictionServer;
import org.dlsec.model.RemoteClassifier;
import org.dlsec.serve.ServeConfig;

/**
 * The audited model behind a prediction API with an output policy ({@code defence: output:}), served in this process
 * through {@code dlsec serve}'s stack on loopback and queried over HTTP, started when a run first needs it: the
 * attackers who see only the API's answers (score- and decision-based evasion, model extraction) query it there.
 * With a per-client query quota ({@code defence: queryBudget:}), each extraction attacker is a new client of an API
 * that enforces it (answering 429 beyond it, as {@code dlsec serve --query-budget} does); the auditor's own
 * measurements (fidelity on the test images) and the evasion attacks, judged per image, use an API without it.
 */
final class ServedModel implements AutoCloseable {
    private final Classifier model;
    private final OutputPolicy policy;
    private final Integer queryBudget;
    private final java.util.List<AutoCloseable> attackers = new java.util.ArrayList<>();
    private PredictionServer server;
    private Classifier client;

    ServedModel(Classifier model, OutputPolicy policy, Integer queryBudget) {
        this.model = model;
        this.policy = policy;
        this.queryBudget = queryBudget;
    }

    /** The API's per-client query quota, or null. */
    Integer queryBudget() {
        return queryBudget;
    }

    /**
     * The API as one extraction attacker sees it: with a quota, a new client of an API enforcing it (one per
     * attacker, so each run has the whole quota); without, {@link #client()}.
     */
    Classifier attackerClient() {
        if (queryBudget == null) {
            return client();
        }
        PredictionServer s = PredictionServer.start(model, ServeConfig.defaults().withOutput(policy).withQueryBudget(queryBudget));
        attackers.add(s);
        Classifier c = RemoteClassifier.connect(s.uri(), null, 256);
        attackers.add(c);
        return c;
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
        for (int i = attackers.size() - 1; i >= 0; i--) {
            try {
                attackers.get(i).close();
            } catch (Exception e) {
                // closing a loopback server or client: nothing left to release
            }
        }
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
    }
}
