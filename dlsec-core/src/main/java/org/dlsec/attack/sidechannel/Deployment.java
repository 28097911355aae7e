package org.dlsec.attack.sidechannel;

import org.dlsec.model.Classifier;

/**
 * How the timing attack gets a model served and times one query: the port between the attack and a prediction server.
 * The command and the audit plug in {@code dlsec serve} over loopback HTTP; tests may plug in anything that takes time.
 * The implementation applies the serving countermeasure ({@link ServingDefence}).
 */
public interface Deployment {
    /** A short description for reports, e.g. "dlsec serve over loopback HTTP". */
    String description();

    /** Serves {@code model} under {@code defence}; the caller closes the endpoint. */
    Endpoint serve(Classifier model, ServingDefence defence);

    /** A served model: answers one query at a time and says how long the answer took. */
    interface Endpoint extends AutoCloseable {
        /** Sends one sample (the model's flat input) and returns the wall-clock latency of the answer in nanoseconds. */
        long timeQuery(float[] sample);

        /** Queries answered so far. */
        long queries();

        @Override
        void close();
    }
}
