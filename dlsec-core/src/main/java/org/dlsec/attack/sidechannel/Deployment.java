package org.dlsec.attack.sidechannel;

import org.dlsec.model.Classifier;

/**
 * How the timing attack gets a model served and times one query: the port between the attack and a prediction server.
 * The command and the audit plug in {@code dlsec serve} over loopback HTTP; tests may plug in anything that takes time.
 * The implementation applies the serving countermeasure ({@link ServingDefence}).
 */
public interface Deployment {
    /**
     * Says how models are served, for the reports.
     *
     * @return a short description, e.g. "dlsec serve over loopback HTTP"
     */
    String description();

    /**
     * Starts serving {@code model} under {@code defence}. The timing attack serves one model at a time (a target, a
     * profiled instance) next to its own reference model.
     *
     * @param model the model to serve; the deployment does not close it
     * @param defence the serving countermeasure to wrap the model in ({@link ServingDefence#NONE} for none)
     * @return the running endpoint; the caller owns it and must close it, which stops the server
     * @throws org.dlsec.core.DlsecException if the server cannot be started
     */
    Endpoint serve(Classifier model, ServingDefence defence);

    /** A served model: answers one query at a time and says how long the answer took. */
    interface Endpoint extends AutoCloseable {
        /**
         * Sends one sample and waits for the answer. Not thread-safe: an endpoint answers one query at a time.
         *
         * @param sample the model's flat input (e.g. 784 pixels in [0, 1] for MNIST); not modified
         * @return the wall-clock latency of the answer, in nanoseconds, from sending the query to receiving the whole
         *         answer
         * @throws org.dlsec.core.DlsecException if the server fails or answers with an error
         */
        long timeQuery(float[] sample);

        /**
         * Counts the queries this endpoint has answered, so that reports can state the attack's query cost.
         *
         * @return the queries answered successfully since the endpoint was served
         */
        long queries();

        /** Stops serving the model; the endpoint answers no further query. Throws no checked exception. */
        @Override
        void close();
    }
}
