package org.dlsec.audit;

import org.dlsec.attack.sidechannel.Countermeasure;
import org.dlsec.attack.sidechannel.HttpDeployment;
import org.dlsec.defence.LatencyPadding;
import org.dlsec.defence.postprocess.OutputPolicy;
import org.dlsec.model.Classifier;
import org.dlsec.serve.PredictionServer;
import org.dlsec.serve.ServeConfig;

/**
 * The timing attack's deployment: {@code dlsec serve} on a loopback ephemeral port, one prediction thread. Used by
 * {@code dlsec sidechannel --attack timing} and by the audit's {@code sidechannel:} timing entries, so both time the
 * same serving stack.
 */
public final class LoopbackServing {
    private LoopbackServing() {}

    /**
     * A deployment that serves each candidate model (behind the defence's latency padding, if any) on its own
     * loopback server.
     *
     * @param seed seed of the random-delay defence
     * @return the deployment; each server it starts is closed by the attack
     */
    public static HttpDeployment deployment(long seed) {
        return new HttpDeployment("dlsec serve over loopback HTTP (one prediction thread)", (model, defence) -> {
            Classifier served = defence.kind() == Countermeasure.NONE ? model : new LatencyPadding(model, defence, seed);
            PredictionServer server = PredictionServer.start(served, new ServeConfig("127.0.0.1", 0, java.util.List.of(),
                    OutputPolicy.probs(), 0, 0, 256, 32L << 20, null, seed, 1));
            return new HttpDeployment.Server() {
                @Override
                public java.net.URI uri() {
                    return server.uri();
                }

                @Override
                public void close() {
                    server.closeNow();
                }
            };
        });
    }
}
